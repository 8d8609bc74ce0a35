"""Import of past award decisions from Excel into the ledger: preview, then all-or-nothing commit.

A province loads its last years of awards so history rules and agency pages see them. The sheet
is read with `emulation.excel.read_sheet`; every row is resolved (agency, award type, decision)
and checked before anything is written, and any bad row stops the whole import.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards.models import AwardRecord, AwardType
from awards.services.ledger import get_or_create_decision
from awards.services.proposals import facts
from blocs.models import Agency
from emulation.audit import log_action
from emulation.excel import XLSX_CONTENT_TYPE, Column, Sheet, read_sheet, write_xlsx
from emulation.pipeline import serialise_imports
from emulation.text import fold

COLUMNS = [
    Column("number", "Số quyết định", required=True, max_length=60),
    Column("signed_on", "Ngày ký", required=True, max_length=20),
    Column("signer_name", "Người ký", max_length=150),
    Column("signer_title", "Chức vụ người ký", max_length=200),
    Column("award", "Danh hiệu, hình thức", required=True, max_length=300),
    Column("year", "Năm thành tích", required=True, kind="int"),
    Column("agency", "Cơ quan, đơn vị", required=True, max_length=300),
    Column("person_name", "Họ và tên (cá nhân)", max_length=150),
    Column("person_title", "Chức vụ (cá nhân)", max_length=200),
]

TEMPLATE_EXAMPLE = [
    "1234/QĐ-UBND",
    "15/03/2024",
    "Nguyễn Văn A",
    "Chủ tịch UBND tỉnh",
    "CO_TINH",
    2023,
    "Sở Y tế",
    "",
    "",
]


@dataclass
class ImportRow:
    number: int
    values: dict
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    agency: Agency | None = None
    award_type: AwardType | None = None
    signed_on: datetime.date | None = None


@dataclass
class ImportPreview:
    rows: list[ImportRow]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def decision_count(self) -> int:
        return len({(row.values["number"], row.signed_on) for row in self.rows})


def template_workbook() -> tuple[str, str, bytes]:
    """An empty import template with one example row, as (filename, content_type, bytes)."""
    sheet = Sheet("Quyết định", [c.header for c in COLUMNS], [TEMPLATE_EXAMPLE])
    return "mau-nhap-quyet-dinh-khen-thuong.xlsx", XLSX_CONTENT_TYPE, write_xlsx([sheet])


def _parse_date(text: str) -> datetime.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _lookups():
    agencies = {}
    ambiguous = set()
    for agency in Agency.objects.all():
        for name in {agency.name, agency.short_name}:
            key = fold(name)
            if not key:
                continue
            if key in agencies and agencies[key].pk != agency.pk:
                ambiguous.add(key)
            agencies[key] = agency
    awards = {}
    for award in AwardType.objects.all():
        for name in (award.code, award.label, award.legal_name):
            awards[fold(name)] = award
    existing = set(
        AwardRecord.objects.awarded()
        .filter(person_name="")
        .values_list("agency_id", "award_type_id", "year")
    )
    return agencies, ambiguous, awards, existing


def preview(data: bytes) -> ImportPreview:
    """Read and check every row; raises `WorkbookError` when the file itself is unusable."""
    sheet_rows = read_sheet(data, COLUMNS)
    agencies, ambiguous, awards, existing = _lookups()
    this_year = datetime.date.today().year
    seen = {}
    rows = []
    for sheet_row in sheet_rows:
        row = ImportRow(sheet_row.number, sheet_row.values, list(sheet_row.errors), sheet_row.notes)
        values = row.values
        if values.get("signed_on"):
            row.signed_on = _parse_date(values["signed_on"])
            if row.signed_on is None:
                row.errors.append(
                    _("Ngày ký “%(value)s” không đúng dạng ngày/tháng/năm.")
                    % {"value": values["signed_on"]}
                )
        key = fold(values.get("agency", ""))
        if key:
            if key in ambiguous:
                row.errors.append(
                    _("Tên “%(name)s” trùng nhiều đơn vị; hãy ghi tên đầy đủ.")
                    % {"name": values["agency"]}
                )
            row.agency = agencies.get(key)
            if row.agency is None:
                row.errors.append(
                    _("Không tìm thấy đơn vị “%(name)s”.") % {"name": values["agency"]}
                )
        if values.get("award"):
            row.award_type = awards.get(fold(values["award"]))
            if row.award_type is None:
                row.errors.append(
                    _("Không nhận ra danh hiệu, hình thức “%(name)s”.") % {"name": values["award"]}
                )
        year = values.get("year")
        if isinstance(year, int) and not 1945 <= year <= this_year:
            row.errors.append(_("Năm thành tích %(year)s không hợp lệ.") % {"year": year})
        if row.signed_on and isinstance(year, int) and row.signed_on.year < year:
            row.errors.append(_("Ngày ký trước năm thành tích."))
        if row.award_type and row.agency and isinstance(year, int):
            person = fold(values.get("person_name", ""))
            if person and row.award_type.recipient == AwardType.Recipient.COLLECTIVE:
                row.errors.append(
                    _("%(award)s chỉ dành cho tập thể.") % {"award": row.award_type.label}
                )
            if not person and row.award_type.recipient == AwardType.Recipient.INDIVIDUAL:
                row.errors.append(
                    _("%(award)s dành cho cá nhân: thiếu họ tên.") % {"award": row.award_type.label}
                )
            identity = (row.agency.pk, row.award_type.pk, year, person)
            if identity in seen:
                row.errors.append(
                    _("Trùng với dòng %(row)s (cùng đơn vị, danh hiệu và năm).")
                    % {"row": seen[identity]}
                )
            else:
                seen[identity] = row.number
            if not person and (row.agency.pk, row.award_type.pk, year) in existing:
                row.errors.append(_("Đã có trong sổ khen thưởng."))
        rows.append(row)
    return ImportPreview(rows)


def apply(data: bytes, *, actor) -> int:
    """Write every row of a clean file to the ledger, refusing any bad row; returns the number of
    awards. The caller holds the transaction: the import pipeline's commit step, or `commit`.
    Two commits of the same file wait for each other, so the second sees the first's rows."""
    serialise_imports()
    result = preview(data)
    if not result.ok:
        raise ValidationError(
            [
                _("Dòng %(row)s: %(errors)s") % {"row": row.number, "errors": " ".join(row.errors)}
                for row in result.rows
                if row.errors
            ]
        )
    records = []
    for row in result.rows:
        decision = get_or_create_decision(
            number=row.values["number"],
            signed_on=row.signed_on,
            signer_name=row.values.get("signer_name", ""),
            signer_title=row.values.get("signer_title", ""),
            deciding_level=row.award_type.deciding_level,
            actor=actor,
        )
        records.append(
            AwardRecord(
                agency=row.agency,
                person_name=row.values.get("person_name", ""),
                person_title=row.values.get("person_title", ""),
                award_type=row.award_type,
                year=row.values["year"],
                decision=decision,
                source=AwardRecord.Source.IMPORTED,
            )
        )
    AwardRecord.objects.bulk_create(records)
    log_action(
        "awards.award.imported",
        None,
        actor=actor,
        data=facts(rows=len(records), decisions=result.decision_count),
    )
    return len(records)


@transaction.atomic
def commit(data: bytes, *, actor) -> int:
    """Write every row of a clean file to the ledger, or nothing: returns the number of awards."""
    return apply(data, actor=actor)

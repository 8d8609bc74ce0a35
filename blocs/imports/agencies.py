"""The agency import: each row of the registry workbook against the agency registry."""

from django.utils import translation
from django.utils.translation import gettext as _

from blocs.imports.common import (
    AgencyIndex,
    ImportPlan,
    PlanRow,
    RowStatus,
    finish_row,
    mark_duplicates,
    name_key,
    quote,
    row_context,
)
from blocs.models import Agency
from blocs.services import structure
from emulation.excel import Column, SheetRow, header_key

# Column headers are the file format shared with the templates and exports: always Vietnamese.
AGENCY_COLUMNS = (
    Column(
        "name",
        "Tên cơ quan, đơn vị",
        required=True,
        max_length=300,
        aliases=("Tên đơn vị", "Tên cơ quan", "Đơn vị"),
    ),
    Column("short_name", "Tên viết tắt", max_length=100),
    Column("kind", "Loại hình", required=True, max_length=100),
    Column("notes", "Ghi chú", max_length=2000, kind="multiline"),
)


def _kind_lookup() -> dict[str, str]:
    lookup = {}
    for code, label in Agency.Kind.choices:
        lookup[header_key(code)] = code
        lookup[header_key(str(label))] = code
        with translation.override("vi"):
            lookup[header_key(str(label))] = code
    return lookup


def _kind_labels() -> str:
    with translation.override("vi"):
        return ", ".join(quote(label) for _code, label in Agency.Kind.choices)


def plan_agencies(sheet_rows: list[SheetRow]) -> ImportPlan:
    """Compare agency rows with the registry (two queries, whatever the row count)."""
    index = AgencyIndex.load()
    kinds = _kind_lookup()
    rows = [PlanRow(r.number, dict(r.values), list(r.errors), list(r.notes)) for r in sheet_rows]
    mark_duplicates(rows, lambda row: name_key(row.values["name"]), lambda row: row.values["name"])
    for row in rows:
        values = row.values
        kind = None
        if values["kind"]:
            kind = kinds.get(header_key(values["kind"]))
            if kind is None:
                row.errors.append(
                    _("Loại hình %(value)s không có; chọn một trong: %(allowed)s.")
                    % {"value": quote(values["kind"]), "allowed": _kind_labels()}
                )
        agency = index.find(values["name"], row) if values["name"] else None
        if row.errors:
            finish_row(row, RowStatus.ERROR)
            continue
        if agency is None:
            row.agency_ref = ("new", name_key(values["name"]))
            row.updates = {
                "name": values["name"],
                "short_name": values["short_name"],
                "kind": kind,
                "notes": values["notes"],
            }
            finish_row(row, RowStatus.NEW)
            continue
        row.agency_ref = ("db", agency.pk)
        if agency.name != values["name"]:
            row.notes.append(
                _(
                    "Khớp với %(name)s (mã %(pk)s) trong danh mục (khác chữ hoa/thường hoặc "
                    "dấu); tên giữ nguyên."
                )
                % {"name": quote(agency.name), "pk": agency.pk}
            )
        wanted = {"kind": kind}
        if values["short_name"]:
            wanted["short_name"] = values["short_name"]
        if values["notes"]:
            wanted["notes"] = values["notes"]
        labels = {"kind": _("Loại hình"), "short_name": _("Tên viết tắt"), "notes": _("Ghi chú")}
        for name, value in wanted.items():
            old = getattr(agency, name)
            if old != value:
                row.updates[name] = value
                if name == "kind":
                    old, value = Agency.Kind(old).label, Agency.Kind(value).label
                row.changes.append(f"{labels[name]}: {old or '—'} → {value}")
        finish_row(row, RowStatus.UPDATE if row.updates else RowStatus.UNCHANGED)
    return ImportPlan(kind="agencies", rows=rows)


def apply_agencies(plan: ImportPlan, *, actor) -> None:
    """Create the new agencies and update the changed ones through the audited services."""
    for row in plan.rows:
        with row_context(row):
            if row.status == RowStatus.NEW:
                structure.create_agency(actor=actor, **row.updates)
            elif row.status == RowStatus.UPDATE:
                agency = Agency.objects.get(pk=row.agency_ref[1])
                structure.update_agency(agency, actor=actor, **row.updates)

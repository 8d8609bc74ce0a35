"""The province bundle: a portal's whole history in one JSON file, to hand it to another portal.

On 01/07/2025 provinces merged (Resolution 202/2025/QH15); the merged province's portal takes in
each predecessor's. `export_bundle` writes the portal's own records (or one former province's):
agencies with their history, blocs, bloc-years with their members, decisions and the ledger.
`plan_bundle` reads a bundle against the database without writing and names every broken row;
`import_bundle` then creates it all in one transaction, every record tagged with the former
province, or nothing. A bundle exported, imported and exported again is the same file (the
round-trip test). The format is described in docs/bundle.md.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import AwardRecord, AwardType, Decision
from blocs.models import Agency, AgencyChange, Bloc, BlocYear, FormerProvince, Membership
from blocs.services.structure import MAX_YEAR, MIN_YEAR
from emulation.audit import log_action
from emulation.pipeline import serialise_imports
from emulation.text import collapse_spaces, fold, nfc

FORMAT = "khoi-thi-dua/bundle"
VERSION = 1
# A plan lists at most this many broken rows; the rest are counted.
MAX_ERRORS = 200


class BundleError(ValueError):
    """The file as a whole cannot be read as a bundle (its message says why, in Vietnamese)."""


# --- Export -------------------------------------------------------------------------------------


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def export_bundle(former_province: FormerProvince | None = None) -> dict:
    """The portal's own records (or those of `former_province`) as a bundle. Records are keyed
    by their order ("A1", "B1", …); links to records outside the bundle are left out."""
    agency_keys, agencies = _export_agencies(former_province)
    blocs, bloc_years = _export_blocs(former_province, agency_keys)
    decisions, awards = _export_awards(agency_keys)
    return {
        "format": FORMAT,
        "version": VERSION,
        "province": former_province.name if former_province else settings.PROVINCE_NAME,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "agencies": agencies,
        "blocs": blocs,
        "bloc_years": bloc_years,
        "decisions": decisions,
        "awards": awards,
    }


def _export_agencies(former_province) -> tuple[dict[int, str], list[dict]]:
    """The agencies with their history, and the key of each agency's pk."""
    agencies = list(Agency.objects.filter(former_province=former_province).order_by("pk"))
    agency_keys = {agency.pk: f"A{i}" for i, agency in enumerate(agencies, 1)}
    changes: dict[int, list] = {}
    for change in AgencyChange.objects.filter(agency_id__in=agency_keys).order_by(
        "effective_on", "pk"
    ):
        changes.setdefault(change.agency_id, []).append(
            {
                "kind": change.kind,
                "effective_on": _iso(change.effective_on),
                "old_name": change.old_name,
                "new_name": change.new_name,
                "old_short_name": change.old_short_name,
                "new_short_name": change.new_short_name,
                "old_kind": change.old_kind,
                "new_kind": change.new_kind,
                "related": agency_keys.get(change.related_agency_id),
                "decision_ref": change.decision_ref,
                "reason": change.reason,
            }
        )
    rows = [
        {
            "key": agency_keys[a.pk],
            "name": a.name,
            "short_name": a.short_name,
            "kind": a.kind,
            "status": a.status,
            "established_on": _iso(a.established_on),
            "ended_on": _iso(a.ended_on),
            "successor": agency_keys.get(a.successor_id),
            "notes": a.notes,
            "changes": changes.get(a.pk, []),
        }
        for a in agencies
    ]
    return agency_keys, rows


def _export_blocs(former_province, agency_keys: dict) -> tuple[list[dict], list[dict]]:
    """The blocs, and their bloc-years with the members that are in the bundle."""
    blocs = list(Bloc.objects.filter(former_province=former_province).order_by("pk"))
    bloc_keys = {bloc.pk: f"B{i}" for i, bloc in enumerate(blocs, 1)}
    members: dict[int, list] = {}
    for membership in Membership.objects.filter(bloc_year__bloc_id__in=bloc_keys).order_by("pk"):
        if membership.agency_id in agency_keys:
            members.setdefault(membership.bloc_year_id, []).append(
                {
                    "agency": agency_keys[membership.agency_id],
                    "signatory_name": membership.signatory_name,
                    "signatory_title": membership.signatory_title,
                }
            )
    bloc_years = [
        {
            "bloc": bloc_keys[by.bloc_id],
            "year": by.year,
            "head": agency_keys.get(by.head_id),
            "deputy": agency_keys.get(by.deputy_id),
            "next_head": agency_keys.get(by.next_head_id),
            "next_deputy": agency_keys.get(by.next_deputy_id),
            "liaison_name": by.liaison_name,
            "liaison_title": by.liaison_title,
            "notes": by.notes,
            "members": members.get(by.pk, []),
        }
        for by in BlocYear.objects.filter(bloc_id__in=bloc_keys).order_by("bloc_id", "year")
    ]
    rows = [
        {
            "key": bloc_keys[b.pk],
            "name": b.name,
            "code": b.code,
            "kind": b.kind,
            "description": b.description,
            "active": b.active,
        }
        for b in blocs
    ]
    return rows, bloc_years


def _export_awards(agency_keys: dict) -> tuple[list[dict], list[dict]]:
    """The ledger of the bundle's agencies, and the decisions it cites."""
    records = list(
        AwardRecord.objects.filter(agency_id__in=agency_keys)
        .select_related("award_type")
        .order_by("pk")
    )
    decision_ids = {r.decision_id for r in records} | {r.revoked_by_id for r in records} - {None}
    decisions = list(Decision.objects.filter(pk__in=decision_ids).order_by("pk"))
    decision_keys = {d.pk: f"D{i}" for i, d in enumerate(decisions, 1)}
    decision_rows = [
        {
            "key": decision_keys[d.pk],
            "number": d.number,
            "signed_on": _iso(d.signed_on),
            "signer_name": d.signer_name,
            "signer_title": d.signer_title,
            "deciding_level": d.deciding_level,
            "subject": d.subject,
        }
        for d in decisions
    ]
    award_rows = [
        {
            "agency": agency_keys[r.agency_id],
            "person_name": r.person_name,
            "person_title": r.person_title,
            "award_type": r.award_type.code,
            "year": r.year,
            "decision": decision_keys[r.decision_id],
            "source": r.source,
            "status": r.status,
            "revoked_by": decision_keys.get(r.revoked_by_id),
            "revoke_reason": r.revoke_reason,
        }
        for r in records
    ]
    return decision_rows, award_rows


def bundle_bytes(bundle: dict) -> bytes:
    return json.dumps(bundle, ensure_ascii=False, indent=1).encode()


# --- Reading and checking ---------------------------------------------------------------------


def read_bundle(data: bytes) -> dict:
    """The bundle in `data`; raises BundleError when the file is not one."""
    try:
        bundle = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise BundleError(_("Tệp không phải văn bản UTF-8: không phải gói dữ liệu.")) from error
    except (ValueError, RecursionError) as error:
        raise BundleError(_("Tệp không phải JSON hợp lệ: không phải gói dữ liệu.")) from error
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise BundleError(
            _("Tệp không phải gói dữ liệu của cổng khối thi đua (thiếu “format”: “%(f)s”).")
            % {"f": FORMAT}
        )
    if bundle.get("version") != VERSION:
        raise BundleError(
            _("Gói dữ liệu phiên bản %(v)s: cổng này đọc phiên bản %(ours)s.")
            % {"v": bundle.get("version"), "ours": VERSION}
        )
    for section in ("agencies", "blocs", "bloc_years", "decisions", "awards"):
        if not isinstance(bundle.get(section, []), list):
            raise BundleError(_("Mục “%(s)s” của gói phải là một danh sách.") % {"s": section})
    return bundle


class _Row:
    """One row of a section being checked: typed reads that note what is wrong with it."""

    def __init__(self, plan: BundlePlan, label: str, raw):
        self.plan, self.label, self.ok = plan, label, isinstance(raw, dict)
        self.raw = raw if self.ok else {}
        if not self.ok:
            self.error(_("không phải một bản ghi."))

    def error(self, message: str) -> None:
        self.ok = False
        self.plan.add_error(f"{self.label}: {message}")

    def text(self, key: str, max_length: int, *, required: bool = False) -> str:
        value = self.raw.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(_("“%(k)s” phải là chữ.") % {"k": key})
            return ""
        value = collapse_spaces(nfc(value)) if "\n" not in value else nfc(value).strip()
        if required and not value:
            self.error(_("thiếu “%(k)s”.") % {"k": key})
        if len(value) > max_length:
            self.error(_("“%(k)s” dài quá %(n)s ký tự.") % {"k": key, "n": max_length})
        return value[:max_length]

    def choice(self, key: str, choices, *, blank: bool = False) -> str:
        value = self.raw.get(key) or ""
        if (blank and value == "") or value in choices.values:
            return value
        self.error(_("“%(k)s” có giá trị không hợp lệ: %(v)r.") % {"k": key, "v": value})
        return ""

    def day(self, key: str, *, required: bool = False) -> datetime.date | None:
        value = self.raw.get(key)
        if value in (None, ""):
            if required:
                self.error(_("thiếu ngày “%(k)s”.") % {"k": key})
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.error(
                _("“%(k)s” không phải ngày dạng YYYY-MM-DD: %(v)r.") % {"k": key, "v": value}
            )
            return None

    def year(self, key: str = "year") -> int:
        value = self.raw.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (MIN_YEAR <= value <= MAX_YEAR)
        ):
            self.error(
                _("năm phải là số từ %(a)s đến %(b)s: %(v)r.")
                % {"a": MIN_YEAR, "b": MAX_YEAR, "v": value}
            )
            return MIN_YEAR
        return value

    def ref(self, key: str, index: dict, *, required: bool = False):
        value = self.raw.get(key)
        if value in (None, ""):
            if required:
                self.error(_("thiếu “%(k)s”.") % {"k": key})
            return None
        if not isinstance(value, str) or value not in index:
            self.error(_("“%(k)s” trỏ tới %(v)r, không có trong gói.") % {"k": key, "v": value})
            return None
        return index[value]


@dataclass
class BundlePlan:
    """What an import would create, or the broken rows that stop it."""

    province: str = ""
    exported_at: str = ""
    former_province: FormerProvince | None = None
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    agencies: list[Agency] = field(default_factory=list)
    successors: list[tuple[Agency, Agency]] = field(default_factory=list)
    changes: list[AgencyChange] = field(default_factory=list)
    blocs: list[Bloc] = field(default_factory=list)
    bloc_years: list[BlocYear] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    awards: list[AwardRecord] = field(default_factory=list)

    def add_error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    @property
    def years(self) -> tuple[int, int] | None:
        years = [by.year for by in self.bloc_years] + [r.year for r in self.awards]
        return (min(years), max(years)) if years else None

    @property
    def counts(self) -> dict[str, int]:
        return {
            "agencies": len(self.agencies),
            "changes": len(self.changes),
            "blocs": len(self.blocs),
            "bloc_years": len(self.bloc_years),
            "memberships": len(self.memberships),
            "decisions": len(self.decisions),
            "awards": len(self.awards),
        }


def _quoted(text: str) -> str:
    return f"“{text}”" if text else ""


def plan_bundle(data: bytes, former_province: FormerProvince) -> BundlePlan:
    """Check a bundle for `former_province` against the database; writes nothing."""
    bundle = read_bundle(data)
    plan = BundlePlan(province=str(bundle.get("province") or ""), former_province=former_province)
    plan.exported_at = str(bundle.get("exported_at") or "")[:40]
    if fold(plan.province) != fold(former_province.name):
        plan.add_error(
            _("Gói là dữ liệu của tỉnh %(theirs)s, không phải của tỉnh %(ours)s.")
            % {"theirs": _quoted(plan.province), "ours": _quoted(former_province.name)}
        )
    already = Agency.objects.filter(former_province=former_province).count()
    if already:
        plan.add_error(
            _("Dữ liệu của %(p)s đã được nhập (%(n)s đơn vị): không nhập lại lần nữa.")
            % {"p": former_province.label, "n": already}
        )
    agencies = _plan_agencies(plan, bundle.get("agencies", []), former_province)
    blocs = _plan_blocs(plan, bundle.get("blocs", []), former_province)
    _plan_bloc_years(plan, bundle.get("bloc_years", []), agencies, blocs)
    decisions = _plan_decisions(plan, bundle.get("decisions", []), former_province)
    _plan_awards(plan, bundle.get("awards", []), agencies, decisions)
    return plan


def _plan_agencies(plan: BundlePlan, rows: list, province) -> dict[str, Agency]:
    index: dict[str, Agency] = {}
    pending_links = []
    active_names: dict[str, str] = {}
    for number, raw in enumerate(rows, 1):
        row = _Row(plan, _("Đơn vị thứ %(n)s") % {"n": number}, raw)
        name = row.text("name", 300, required=True)
        if name:
            row.label = f"{row.label} ({_quoted(name)})"
        key = row.text("key", 40, required=True)
        agency = Agency(
            name=name,
            short_name=row.text("short_name", 100),
            kind=row.choice("kind", Agency.Kind),
            status=row.choice("status", Agency.Status),
            established_on=row.day("established_on"),
            ended_on=row.day("ended_on"),
            notes=row.text("notes", 5000),
            former_province=province,
        )
        if key in index:
            row.error(_("khóa %(k)r trùng với một đơn vị khác trong gói.") % {"k": key})
        if agency.status == Agency.Status.ACTIVE and name:
            other = active_names.setdefault(fold(name), row.label)
            if other != row.label:
                row.error(
                    _("trùng tên với %(other)s (hai đơn vị đang hoạt động).") % {"other": other}
                )
        if agency.status != Agency.Status.ACTIVE and not agency.ended_on:
            row.error(_("đơn vị đã kết thúc hoạt động nhưng thiếu “ended_on”."))
        if agency.established_on and agency.ended_on and agency.ended_on < agency.established_on:
            row.error(_("ngày kết thúc trước ngày thành lập."))
        changes = raw.get("changes", []) if row.raw else []
        if not isinstance(changes, list):
            row.error(_("“changes” phải là một danh sách."))
            changes = []
        if key and key not in index:
            index[key] = agency
        if row.ok:
            agency.fill_derived()
            plan.agencies.append(agency)
        pending_links.append((row, agency, changes))
    for row, agency, changes in pending_links:
        successor = row.ref("successor", index)
        if successor is agency:
            row.error(_("một đơn vị không thể kế thừa chính nó."))
        elif successor is not None:
            plan.successors.append((agency, successor))
        for number, raw in enumerate(changes, 1):
            crow = _Row(
                plan, _("%(agency)s, thay đổi thứ %(n)s") % {"agency": row.label, "n": number}, raw
            )
            plan.changes.append(
                AgencyChange(
                    agency=agency,
                    kind=crow.choice("kind", AgencyChange.Kind),
                    effective_on=crow.day("effective_on", required=True),
                    old_name=crow.text("old_name", 300),
                    new_name=crow.text("new_name", 300),
                    old_short_name=crow.text("old_short_name", 100),
                    new_short_name=crow.text("new_short_name", 100),
                    old_kind=crow.choice("old_kind", Agency.Kind, blank=True),
                    new_kind=crow.choice("new_kind", Agency.Kind, blank=True),
                    related_agency=crow.ref("related", index),
                    decision_ref=crow.text("decision_ref", 300),
                    reason=crow.text("reason", 5000),
                )
            )
    return index


def _plan_blocs(plan: BundlePlan, rows: list, province) -> dict[str, Bloc]:
    index: dict[str, Bloc] = {}
    seen_names, seen_codes = set(), set()
    for number, raw in enumerate(rows, 1):
        row = _Row(plan, _("Khối thứ %(n)s") % {"n": number}, raw)
        name = row.text("name", 300, required=True)
        if name:
            row.label = f"{row.label} ({_quoted(name)})"
        code = row.text("code", 30, required=True)
        key = row.text("key", 40, required=True)
        active = row.raw.get("active", True)
        if not isinstance(active, bool):
            row.error(_("“active” phải là true hoặc false."))
        if fold(name) in seen_names:
            row.error(_("trùng tên với một khối khác trong gói."))
        if code.casefold() in seen_codes:
            row.error(_("trùng mã khối %(c)s với một khối khác trong gói.") % {"c": _quoted(code)})
        if key in index:
            row.error(_("khóa %(k)r trùng với một khối khác trong gói.") % {"k": key})
        seen_names.add(fold(name))
        seen_codes.add(code.casefold())
        bloc = Bloc(
            name=name,
            code=code,
            kind=row.choice("kind", Bloc.Kind),
            description=row.text("description", 5000),
            active=active is True,
            former_province=province,
        )
        if key:
            index.setdefault(key, bloc)
        if row.ok:
            bloc.fill_derived()
            plan.blocs.append(bloc)
    return index


def _plan_bloc_years(plan: BundlePlan, rows: list, agencies: dict, blocs: dict) -> None:
    seen, placed = set(), {}
    for number, raw in enumerate(rows, 1):
        row = _Row(plan, _("Khối-năm thứ %(n)s") % {"n": number}, raw)
        bloc = row.ref("bloc", blocs, required=True)
        year = row.year()
        if bloc is not None:
            row.label = f"{row.label} ({bloc.name} {year})"
            if (bloc.code, year) in seen:
                row.error(_("khối này đã có năm %(y)s ở dòng khác của gói.") % {"y": year})
            seen.add((bloc.code, year))
        bloc_year = BlocYear(
            bloc=bloc,
            year=year,
            head=row.ref("head", agencies),
            deputy=row.ref("deputy", agencies),
            next_head=row.ref("next_head", agencies),
            next_deputy=row.ref("next_deputy", agencies),
            liaison_name=row.text("liaison_name", 150),
            liaison_title=row.text("liaison_title", 200),
            notes=row.text("notes", 5000),
        )
        members = row.raw.get("members", [])
        if not isinstance(members, list):
            row.error(_("“members” phải là một danh sách."))
            members = []
        member_agencies = []
        for mnumber, mraw in enumerate(members, 1):
            mrow = _Row(
                plan, _("%(by)s, thành viên thứ %(n)s") % {"by": row.label, "n": mnumber}, mraw
            )
            agency = mrow.ref("agency", agencies, required=True)
            membership = Membership(
                bloc_year=bloc_year,
                agency=agency,
                year=year,
                signatory_name=mrow.text("signatory_name", 150),
                signatory_title=mrow.text("signatory_title", 200),
            )
            if agency is not None:
                where = placed.setdefault((id(agency), year), row.label)
                if where != row.label or agency in member_agencies:
                    mrow.error(
                        _("%(a)s đã là thành viên %(where)s trong năm %(y)s.")
                        % {"a": _quoted(agency.name), "where": where, "y": year}
                    )
                member_agencies.append(agency)
            if mrow.ok:
                plan.memberships.append(membership)
        if bloc_year.head and bloc_year.head is bloc_year.deputy:
            row.error(_("trưởng khối và phó khối là cùng một đơn vị."))
        for label, leader in (
            (_("trưởng khối"), bloc_year.head),
            (_("phó khối"), bloc_year.deputy),
        ):
            if leader is not None and leader not in member_agencies:
                row.error(_("%(role)s không phải thành viên của khối năm đó.") % {"role": label})
        if row.ok:
            plan.bloc_years.append(bloc_year)


def _plan_decisions(plan: BundlePlan, rows: list, province) -> dict[str, Decision]:
    index: dict[str, Decision] = {}
    seen = set()
    for number, raw in enumerate(rows, 1):
        row = _Row(plan, _("Quyết định thứ %(n)s") % {"n": number}, raw)
        decision = Decision(
            number=row.text("number", 60, required=True),
            signed_on=row.day("signed_on", required=True),
            signer_name=row.text("signer_name", 150),
            signer_title=row.text("signer_title", 200),
            deciding_level=row.choice("deciding_level", AwardType.Level, blank=True),
            subject=row.text("subject", 500),
            former_province=province,
        )
        if decision.number:
            row.label = f"{row.label} ({decision.number})"
        key = row.text("key", 40, required=True)
        if (decision.number, decision.signed_on) in seen:
            row.error(_("trùng số và ngày ký với một quyết định khác trong gói."))
        seen.add((decision.number, decision.signed_on))
        if key:
            index.setdefault(key, decision)
        if row.ok:
            plan.decisions.append(decision)
    return index


def _plan_awards(plan: BundlePlan, rows: list, agencies: dict, decisions: dict) -> None:
    types = {t.code: t for t in AwardType.objects.all()}
    collective = Counter()
    for number, raw in enumerate(rows, 1):
        row = _Row(plan, _("Khen thưởng thứ %(n)s") % {"n": number}, raw)
        code = row.text("award_type", 40, required=True)
        award_type = types.get(code)
        if code and award_type is None:
            row.error(
                _("danh hiệu mã %(c)s chưa có ở cổng này: hãy thêm danh hiệu đó trước.")
                % {"c": _quoted(code)}
            )
        record = AwardRecord(
            agency=row.ref("agency", agencies, required=True),
            person_name=row.text("person_name", 150),
            person_title=row.text("person_title", 200),
            award_type=award_type,
            year=row.year(),
            decision=row.ref("decision", decisions, required=True),
            source=row.choice("source", AwardRecord.Source),
            status=row.choice("status", AwardRecord.Status),
            revoked_by=row.ref("revoked_by", decisions),
            revoke_reason=row.text("revoke_reason", 5000),
        )
        if record.agency is not None and award_type is not None:
            row.label = f"{row.label} ({award_type.code} {record.year}, {record.agency.name})"
            if not record.person_name and record.status == AwardRecord.Status.AWARDED:
                collective[(id(record.agency), code, record.year)] += 1
                if collective[(id(record.agency), code, record.year)] > 1:
                    row.error(_("đơn vị đã có danh hiệu này trong năm đó ở dòng khác của gói."))
        if row.ok:
            plan.awards.append(record)


# --- Import -------------------------------------------------------------------------------------


@transaction.atomic
def import_bundle(data: bytes, former_province: FormerProvince, *, actor) -> BundlePlan:
    """Create everything in the bundle, tagged with `former_province`, or nothing."""
    return apply_bundle(data, former_province, actor=actor)


def apply_bundle(data: bytes, former_province: FormerProvince, *, actor) -> BundlePlan:
    """Create everything in the bundle, tagged with `former_province`; any broken row refuses
    the whole file (BundleError naming the first rows). The caller holds the transaction: the
    import pipeline's commit step, or `import_bundle`."""
    serialise_imports()
    plan = plan_bundle(data, former_province)
    if plan.has_errors:
        raise BundleError(
            _("Gói có %(n)s lỗi; chưa nhập gì. %(first)s")
            % {"n": plan.error_count, "first": " ".join(plan.errors[:3])}
        )
    Agency.objects.bulk_create(plan.agencies, batch_size=500)
    for agency, successor in plan.successors:
        agency.successor = successor
    Agency.objects.bulk_update([a for a, _s in plan.successors], ["successor"], batch_size=500)
    for change in plan.changes:
        change.agency_id, change.related_agency_id = change.agency.pk, _pk(change.related_agency)
    AgencyChange.objects.bulk_create(plan.changes, batch_size=500)
    Bloc.objects.bulk_create(plan.blocs, batch_size=500)
    for by in plan.bloc_years:
        by.bloc_id = by.bloc.pk
        for role in ("head", "deputy", "next_head", "next_deputy"):
            setattr(by, f"{role}_id", _pk(getattr(by, role)))
    BlocYear.objects.bulk_create(plan.bloc_years, batch_size=500)
    for membership in plan.memberships:
        membership.bloc_year_id, membership.agency_id = (
            membership.bloc_year.pk,
            membership.agency.pk,
        )
    Membership.objects.bulk_create(plan.memberships, batch_size=1000)
    Decision.objects.bulk_create(plan.decisions, batch_size=500)
    for record in plan.awards:
        record.agency_id, record.decision_id = record.agency.pk, record.decision.pk
        record.revoked_by_id = _pk(record.revoked_by)
    AwardRecord.objects.bulk_create(plan.awards, batch_size=1000)
    log_action(
        "awards.bundle.imported",
        former_province,
        actor=actor,
        data={"province": plan.province, "exported_at": plan.exported_at, **plan.counts},
    )
    return plan


def _pk(obj) -> int | None:
    return obj.pk if obj is not None else None

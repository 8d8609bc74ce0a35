"""The membership import: one year's blocs, members, signatories, heads and deputies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.formats import date_format
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
from blocs.models import Agency, Bloc, BlocYear, Membership
from blocs.services import structure
from blocs.services.structure import MAX_YEAR, MIN_YEAR
from emulation.excel import Column, SheetRow, header_key

MEMBERSHIP_COLUMNS = (
    Column("year", "Năm", required=True, kind="int"),
    Column("bloc_name", "Khối thi đua", max_length=300, aliases=("Tên khối",)),
    Column("bloc_code", "Mã khối", max_length=30),
    Column("agency", "Đơn vị", required=True, max_length=300, aliases=("Tên cơ quan, đơn vị",)),
    Column("signatory_name", "Người ký", max_length=150),
    Column("signatory_title", "Chức vụ người ký", max_length=200),
    Column("role", "Vai trò", max_length=50),
)

HEAD, DEPUTY = "head", "deputy"
ROLE_VALUES = {HEAD: "Trưởng khối", DEPUTY: "Phó khối"}
_ROLE_LOOKUP = {
    header_key(text): role
    for role, texts in {
        HEAD: ("Trưởng khối", "Khối trưởng", "Cụm trưởng", "Trưởng cụm", "head"),
        DEPUTY: ("Phó khối", "Khối phó", "Cụm phó", "Phó cụm", "deputy"),
    }.items()
    for text in texts
}
_NO_ROLE = {"", header_key("Thành viên"), "member"}


@dataclass
class _BlocIndex:
    by_code: dict
    by_name: dict

    @classmethod
    def load(cls) -> _BlocIndex:
        blocs = list(Bloc.objects.filter(former_province__isnull=True))
        return cls(
            {bloc.code.casefold(): bloc for bloc in blocs},
            {name_key(bloc.name): bloc for bloc in blocs},
        )


def _ended_message(agency: Agency, year: int) -> str | None:
    """Why `agency` cannot be a member in `year` (same rule as the add_member service)."""
    if agency.established_on and agency.established_on.year > year:
        return _("%(agency)s được thành lập ngày %(day)s, sau năm %(year)s.") % {
            "agency": quote(agency.name),
            "day": date_format(agency.established_on, "d/m/Y"),
            "year": year,
        }
    if agency.is_active or (agency.ended_on and agency.ended_on.year >= year):
        return None
    day = date_format(agency.ended_on, "d/m/Y") if agency.ended_on else "—"
    if agency.status == Agency.Status.MERGED and agency.successor_id:
        return _(
            "%(agency)s đã hợp nhất vào %(successor)s (kết thúc hoạt động %(day)s) nên không thể "
            "là thành viên năm %(year)s; hãy ghi đơn vị kế thừa."
        ) % {
            "agency": quote(agency.name),
            "successor": quote(agency.successor.name),
            "day": day,
            "year": year,
        }
    return _(
        "%(agency)s đã kết thúc hoạt động (%(day)s) nên không thể là thành viên năm %(year)s."
    ) % {"agency": quote(agency.name), "day": day, "year": year}


def _file_year(sheet_rows: list[SheetRow]) -> int | None:
    for row in sheet_rows:
        if isinstance(row.values.get("year"), int):
            return row.values["year"]
    return None


def plan_memberships(sheet_rows: list[SheetRow]) -> ImportPlan:
    """Compare one year's membership rows with the database (a fixed number of queries)."""
    year = _file_year(sheet_rows)
    plan = ImportPlan(kind="memberships", rows=[], year=year)
    plan.rows = [
        PlanRow(r.number, dict(r.values), list(r.errors), list(r.notes)) for r in sheet_rows
    ]
    agencies = AgencyIndex.load()
    blocs = _BlocIndex.load()
    bloc_years = {
        by.bloc_id: by
        for by in BlocYear.objects.filter(year=year or 0).select_related(
            "head", "deputy", "covenant", "voting_session"
        )
    }
    current = {
        m.agency_id: m
        for m in Membership.objects.filter(year=year or 0).select_related("bloc_year__bloc")
    }
    new_bloc_rows: dict[str, PlanRow] = {}
    mark_duplicates(
        plan.rows, lambda row: name_key(row.values["agency"]), lambda row: row.values["agency"]
    )
    for row in plan.rows:
        values = row.values
        _check_year(row, year)
        role_text = values["role"]
        values["role_code"] = _ROLE_LOOKUP.get(header_key(role_text), "")
        if header_key(role_text) not in _NO_ROLE and not values["role_code"]:
            row.errors.append(
                _("Vai trò %(value)s không hợp lệ; để trống hoặc ghi %(head)s, %(deputy)s.")
                % {
                    "value": quote(role_text),
                    "head": quote(ROLE_VALUES[HEAD]),
                    "deputy": quote(ROLE_VALUES[DEPUTY]),
                }
            )
        bloc = _resolve_bloc(row, blocs, new_bloc_rows, plan)
        if bloc is not None and year and bloc.pk not in bloc_years and not bloc.active:
            row.errors.append(
                _("%(bloc)s không còn hoạt động nên không thể mở năm %(year)s.")
                % {"bloc": quote(bloc.name), "year": year}
            )
        agency = agencies.find(values["agency"], row, year=year) if values["agency"] else None
        if agency is not None and year:
            ended = _ended_message(agency, year)
            if ended:
                row.errors.append(ended)
            membership = current.get(agency.pk)
            if membership and row.bloc_ref and row.bloc_ref != ("db", membership.bloc_year.bloc_id):
                row.errors.append(
                    _(
                        "%(agency)s đã là thành viên %(other)s năm %(year)s, không thể thêm vào "
                        "%(bloc)s; mỗi đơn vị chỉ thuộc một khối trong một năm. Nếu cần chuyển "
                        "khối, hãy rút đơn vị khỏi khối cũ trên trang của khối đó trước."
                    )
                    % {
                        "agency": quote(agency.name),
                        "other": quote(membership.bloc_year.bloc.name),
                        "year": year,
                        "bloc": quote(values["bloc_name"] or values["bloc_code"]),
                    }
                )
        if values["agency"] and agency is None and not row.errors:
            row.agency_ref = ("new", name_key(values["agency"]))
            plan.new_agencies.setdefault(row.agency_ref[1], values["agency"])
            row.notes.append(_("Đơn vị chưa có trong danh mục: sẽ được tạo với loại hình “Khác”."))
        elif agency is not None:
            row.agency_ref = ("db", agency.pk)
    bloc_names = {("db", bloc.pk): bloc.name for bloc in blocs.by_code.values()}
    bloc_names.update({("new", key): name for key, (name, _code) in plan.new_blocs.items()})
    _plan_leaders(plan, bloc_years, bloc_names)
    for row in plan.rows:
        _membership_status(row, plan, bloc_years, current)
        _check_joining_mid_year(row, bloc_years)
    leader_notes, plan.notes = plan.notes, []
    _describe_creations(plan, bloc_years)
    plan.notes += leader_notes
    return plan


def _check_joining_mid_year(row: PlanRow, bloc_years: dict) -> None:
    """What add_member will do to a new member's bloc-year, said in the preview: refused once
    its conference has ended; a fully signed covenant goes back to collecting signatures."""
    if row.status != RowStatus.NEW or row.bloc_ref is None or row.bloc_ref[0] != "db":
        return
    bloc_year = bloc_years.get(row.bloc_ref[1])
    session = getattr(bloc_year, "voting_session", None)
    if session is not None and session.state == session.State.FINALIZED:
        row.errors.append(
            _(
                "Hội nghị tổng kết năm %(year)s của khối đã kết thúc; không thêm thành viên được "
                "nữa."
            )
            % {"year": bloc_year.year}
        )
        finish_row(row, RowStatus.ERROR)
        return
    covenant = getattr(bloc_year, "covenant", None)
    if covenant is not None and covenant.status == covenant.Status.SIGNED:
        row.notes.append(
            _("Giao ước của khối đã ký đủ sẽ trở lại trạng thái đang ký kết để đơn vị mới ký.")
        )


def _check_year(row: PlanRow, year: int | None) -> None:
    value = row.values["year"]
    if not isinstance(value, int):
        return
    if not MIN_YEAR <= value <= MAX_YEAR:
        row.errors.append(
            _("Năm %(year)s không hợp lệ (từ %(min)s đến %(max)s).")
            % {"year": value, "min": MIN_YEAR, "max": MAX_YEAR}
        )
    elif value != year:
        row.errors.append(
            _("Năm %(year)s khác năm của tệp (%(file_year)s): mỗi tệp chỉ nhập một năm.")
            % {"year": value, "file_year": year}
        )


def _resolve_bloc(row: PlanRow, blocs: _BlocIndex, new_bloc_rows: dict, plan) -> Bloc | None:
    """Find the row's bloc by code (then name), or plan a new one when the code is new."""
    name, code = row.values["bloc_name"], row.values["bloc_code"]
    if not name and not code:
        row.errors.append(_("Thiếu khối thi đua: ghi tên khối và mã khối."))
        return None
    by_code = blocs.by_code.get(code.casefold()) if code else None
    by_name = blocs.by_name.get(name_key(name)) if name else None
    if by_code is not None:
        if name and by_name is not by_code:
            row.errors.append(
                _("Mã khối %(code)s là của %(bloc)s, không khớp tên %(name)s trong tệp.")
                % {"code": quote(code), "bloc": quote(by_code.name), "name": quote(name)}
            )
            return None
        row.bloc_ref = ("db", by_code.pk)
        return by_code
    if by_name is not None:
        if code:
            row.errors.append(
                _("%(bloc)s đã có mã %(existing)s, tệp ghi mã %(code)s.")
                % {
                    "bloc": quote(by_name.name),
                    "existing": quote(by_name.code),
                    "code": quote(code),
                }
            )
            return None
        row.bloc_ref = ("db", by_name.pk)
        return by_name
    if not code:
        row.errors.append(
            _("Khối %(name)s chưa có; ghi “Mã khối” để tạo khối mới.") % {"name": quote(name)}
        )
        return None
    if not name:
        row.errors.append(
            _("Mã khối %(code)s chưa có; ghi tên khối để tạo khối mới.") % {"code": quote(code)}
        )
        return None
    key = code.casefold()
    first = new_bloc_rows.setdefault(key, row)
    if first is not row and name_key(first.values["bloc_name"]) != name_key(name):
        row.errors.append(
            _("Mã khối %(code)s đã dùng cho %(other)s ở dòng %(row)s.")
            % {
                "code": quote(code),
                "other": quote(first.values["bloc_name"]),
                "row": first.number,
            }
        )
        return None
    for other_key, other in new_bloc_rows.items():
        if other_key != key and name_key(other.values["bloc_name"]) == name_key(name):
            row.errors.append(
                _("Khối %(name)s ghi hai mã khác nhau: %(code)s và %(other)s (dòng %(row)s).")
                % {
                    "name": quote(name),
                    "code": quote(code),
                    "other": quote(other.values["bloc_code"]),
                    "row": other.number,
                }
            )
            return None
    plan.new_blocs.setdefault(key, (first.values["bloc_name"], first.values["bloc_code"]))
    row.bloc_ref = ("new", key)
    row.notes.append(_("Khối mới: sẽ được tạo."))
    return None


def _plan_leaders(plan: ImportPlan, bloc_years: dict, bloc_names: dict) -> None:
    """Decide each bloc's head and deputy: the file's when it names them, else the current."""
    by_bloc: dict[tuple, dict[str, list[PlanRow]]] = defaultdict(lambda: defaultdict(list))
    for row in plan.rows:
        if row.bloc_ref and row.values["role_code"]:
            by_bloc[row.bloc_ref][row.values["role_code"]].append(row)
    refs = dict.fromkeys(row.bloc_ref for row in plan.rows if row.bloc_ref)
    names = {row.agency_ref: row.values["agency"] for row in plan.rows if row.agency_ref}
    for ref in refs:
        roles = by_bloc.get(ref, {})
        for role, rows in roles.items():
            if len(rows) > 1:
                message = _("Khối có %(count)s %(role)s trong tệp: dòng %(rows)s.") % {
                    "count": len(rows),
                    "role": ROLE_VALUES[role].lower(),
                    "rows": ", ".join(str(row.number) for row in rows),
                }
                for row in rows:
                    row.errors.append(message)
        bloc_year = bloc_years.get(ref[1]) if ref[0] == "db" else None
        old_head = ("db", bloc_year.head_id) if bloc_year and bloc_year.head_id else None
        old_deputy = ("db", bloc_year.deputy_id) if bloc_year and bloc_year.deputy_id else None
        file_head, file_deputy = _single_ref(roles, HEAD), _single_ref(roles, DEPUTY)
        head = file_head or old_head
        deputy = file_deputy or old_deputy
        # A former deputy named head (or the reverse) leaves the other seat empty, not doubled.
        if head is not None and head == deputy:
            if file_head:
                deputy = None
            else:
                head = None
        if (head, deputy) != (old_head, old_deputy):
            plan.leaders[ref] = (head, deputy)
            if bloc_year:
                names.update({old_head: bloc_year.head, old_deputy: bloc_year.deputy})
            for role, old, new in ((HEAD, old_head, head), (DEPUTY, old_deputy, deputy)):
                if old != new:
                    plan.notes.append(
                        _("%(bloc)s: %(role)s %(old)s → %(new)s.")
                        % {
                            "bloc": bloc_names[ref],
                            "role": ROLE_VALUES[role].lower(),
                            "old": names.get(old, "—") if old else "—",
                            "new": names.get(new, "—") if new else "—",
                        }
                    )


def _single_ref(roles: dict, role: str):
    """The agency the file names for `role`; only a single, resolved row replaces the current."""
    rows = roles.get(role, [])
    return rows[0].agency_ref if len(rows) == 1 else None


def _role_of(agency_ref, leaders) -> str:
    head, deputy = leaders
    if agency_ref is not None and agency_ref == head:
        return HEAD
    if agency_ref is not None and agency_ref == deputy:
        return DEPUTY
    return ""


def _membership_status(row: PlanRow, plan, bloc_years: dict, current: dict) -> None:
    if row.errors or row.agency_ref is None or row.bloc_ref is None:
        finish_row(row, RowStatus.ERROR)
        return
    values = row.values
    membership = current.get(row.agency_ref[1]) if row.agency_ref[0] == "db" else None
    if membership is None:
        finish_row(row, RowStatus.NEW)
        return
    bloc_year = bloc_years[membership.bloc_year.bloc_id]
    old_leaders = (
        ("db", bloc_year.head_id) if bloc_year.head_id else None,
        ("db", bloc_year.deputy_id) if bloc_year.deputy_id else None,
    )
    new_leaders = plan.leaders.get(row.bloc_ref, old_leaders)
    old_role, new_role = (
        _role_of(row.agency_ref, old_leaders),
        _role_of(row.agency_ref, new_leaders),
    )
    if old_role != new_role:
        row.changes.append(
            _("Vai trò: %(old)s → %(new)s")
            % {"old": ROLE_VALUES.get(old_role, "—"), "new": ROLE_VALUES.get(new_role, "—")}
        )
    signatory = {
        "signatory_name": membership.signatory_name,
        "signatory_title": membership.signatory_title,
    }
    labels = {"signatory_name": _("Người ký"), "signatory_title": _("Chức vụ người ký")}
    for name in signatory:
        if values[name] and values[name] != signatory[name]:
            row.changes.append(f"{labels[name]}: {signatory[name] or '—'} → {values[name]}")
            signatory[name] = values[name]
    if signatory["signatory_name"] != membership.signatory_name or (
        signatory["signatory_title"] != membership.signatory_title
    ):
        row.updates = {"membership": membership.pk, **signatory}
    finish_row(row, RowStatus.UPDATE if row.changes else RowStatus.UNCHANGED)


def _describe_creations(plan: ImportPlan, bloc_years: dict) -> None:
    """Say what the commit creates beyond rows, counting only rows without errors."""
    valid = [row for row in plan.rows if row.status != RowStatus.ERROR]
    new_blocs = [
        name
        for key, (name, _code) in plan.new_blocs.items()
        if any(row.bloc_ref == ("new", key) for row in valid)
    ]
    new_agencies = [
        name
        for key, name in plan.new_agencies.items()
        if any(row.agency_ref == ("new", key) for row in valid)
    ]
    if new_blocs:
        plan.notes.append(
            _("Sẽ tạo %(count)s khối mới: %(names)s.")
            % {"count": len(new_blocs), "names": ", ".join(map(quote, new_blocs))}
        )
    if new_agencies:
        plan.notes.append(
            _("Sẽ tạo %(count)s đơn vị mới (loại hình “Khác”): %(names)s.")
            % {"count": len(new_agencies), "names": ", ".join(map(quote, new_agencies))}
        )
    opened = {
        row.bloc_ref
        for row in valid
        if row.bloc_ref[0] == "new" or row.bloc_ref[1] not in bloc_years
    }
    if opened and plan.year:
        plan.notes.append(
            _("Sẽ mở năm %(year)s cho %(count)s khối.") % {"year": plan.year, "count": len(opened)}
        )


def apply_memberships(plan: ImportPlan, *, actor) -> None:
    """Create blocs, agencies and bloc-years the plan needs, add members, update signatories,
    then assign leaders: every step through the audited structure services."""
    first_bloc_row, first_agency_row = {}, {}
    for row in plan.rows:
        first_bloc_row.setdefault(row.bloc_ref, row)
        first_agency_row.setdefault(row.agency_ref, row)
    blocs: dict[tuple, Bloc] = {}
    for key, (name, code) in plan.new_blocs.items():
        with row_context(first_bloc_row[("new", key)]):
            blocs[("new", key)] = structure.create_bloc(name=name, code=code, actor=actor)
    existing_blocs = Bloc.objects.in_bulk(
        {row.bloc_ref[1] for row in plan.rows if row.bloc_ref[0] == "db"}
    )
    blocs.update({("db", pk): bloc for pk, bloc in existing_blocs.items()})
    agencies: dict[tuple, Agency] = {}
    for key, name in plan.new_agencies.items():
        with row_context(first_agency_row[("new", key)]):
            agencies[("new", key)] = structure.create_agency(
                name=name, kind=Agency.Kind.OTHER, actor=actor
            )
    existing_agencies = Agency.objects.in_bulk(
        {ref[1] for ref in _agency_refs(plan) if ref[0] == "db"}
    )
    agencies.update({("db", pk): agency for pk, agency in existing_agencies.items()})
    bloc_years: dict[tuple, BlocYear] = {}
    for row in plan.rows:
        if row.bloc_ref not in bloc_years and (
            row.status == RowStatus.NEW or row.bloc_ref in plan.leaders
        ):
            with row_context(row):
                bloc_years[row.bloc_ref] = structure.ensure_bloc_year(
                    blocs[row.bloc_ref], plan.year, actor=actor
                )
    for row in plan.rows:
        with row_context(row):
            if row.status == RowStatus.NEW:
                structure.add_member(
                    bloc_years[row.bloc_ref],
                    agencies[row.agency_ref],
                    signatory_name=row.values["signatory_name"],
                    signatory_title=row.values["signatory_title"],
                    actor=actor,
                )
            elif row.updates:
                structure.update_signatory(
                    Membership.objects.get(pk=row.updates["membership"]),
                    signatory_name=row.updates["signatory_name"],
                    signatory_title=row.updates["signatory_title"],
                    actor=actor,
                )
    for ref, (head, deputy) in plan.leaders.items():
        with row_context(first_bloc_row[ref]):
            structure.assign_leaders(
                bloc_years[ref],
                head=agencies[head] if head else None,
                deputy=agencies[deputy] if deputy else None,
                actor=actor,
            )


def _agency_refs(plan: ImportPlan) -> set:
    refs = {row.agency_ref for row in plan.rows if row.agency_ref}
    for head, deputy in plan.leaders.values():
        refs |= {ref for ref in (head, deputy) if ref}
    return refs

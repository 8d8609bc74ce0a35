"""Writes to the province's structure: agencies and their history, blocs, bloc-years, members.

Every function is atomic, takes a keyword-only `actor`, checks its invariants and writes one audit
entry (with the changed fields) in the same transaction. Refusals are `ValidationError`s whose
Vietnamese message a view can show as is.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from blocs.models import (
    Agency,
    AgencyChange,
    Bloc,
    BlocYear,
    Covenant,
    CovenantSignature,
    FormerProvince,
    Membership,
    MembershipFlag,
    Registration,
)
from emulation.audit import diff, log_action, snapshot
from emulation.text import collapse_spaces, fold, nfc

AGENCY_UPDATABLE = ("short_name", "kind", "notes", "established_on", "ended_on")
BLOC_UPDATABLE = ("name", "code", "kind", "description", "active")
BLOC_YEAR_UPDATABLE = ("liaison_name", "liaison_title", "notes")
# Derived columns that full_clean must not judge: the model fills them on save.
_DERIVED = ["search_name", "sort_name"]
MIN_YEAR, MAX_YEAR = 2000, 2100


def _day(value: datetime.date) -> str:
    return date_format(value, "d/m/Y")


def _only(fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Cannot update {sorted(unknown)} here; allowed: {allowed}")


def _refuse(message: str, field_name: str | None = None):
    raise ValidationError({field_name: message} if field_name else message)


def _ended_label(agency: Agency) -> str:
    if agency.status == Agency.Status.MERGED and agency.successor_id:
        return _("đã hợp nhất vào %(successor)s") % {"successor": agency.successor.name}
    if agency.status == Agency.Status.MERGED:
        return _("đã hợp nhất")
    return _("đã giải thể")


# Agencies ----------------------------------------------------------------------------------------


def same_name_agency(
    name: str, *, exclude: Agency | None = None, former_province=None
) -> Agency | None:
    """The active agency whose name reads the same as `name` once NFC-normalised and folded
    ("Sở Y tế" typed in NFD, "SỞ Y TẾ", "Sở  Y tế"), if any, among the province's own agencies
    or those of one former province (each province had its own Sở Y tế)."""
    folded = fold(collapse_spaces(nfc(name)))
    candidates = Agency.objects.filter(
        status=Agency.Status.ACTIVE, search_name__startswith=folded, former_province=former_province
    ).only("pk", "name", "status")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    return next((agency for agency in candidates if fold(agency.name) == folded), None)


def _check_unique_name(name: str, *, exclude: Agency | None = None, field="name") -> None:
    province = exclude.former_province if exclude is not None else None
    existing = same_name_agency(name, exclude=exclude, former_province=province)
    if existing is not None:
        _refuse(
            _("Đã có đơn vị đang hoạt động tên “%(name)s” (mã %(pk)s): không tạo trùng.")
            % {"name": existing.name, "pk": existing.pk},
            field,
        )


@transaction.atomic
def create_agency(*, name, short_name="", kind, established_on=None, notes="", actor) -> Agency:
    """Register a new agency (cơ quan, đơn vị) in the province's registry; its name may not
    read the same as an active agency's."""
    _check_unique_name(name)
    agency = Agency(
        name=collapse_spaces(name),
        short_name=collapse_spaces(short_name),
        kind=kind,
        established_on=established_on,
        notes=notes or "",
    )
    agency.full_clean(exclude=[*_DERIVED, "successor"])
    agency.save()
    fields = ["name", "short_name", "kind", "established_on", "notes"]
    log_action("blocs.agency.created", agency, actor=actor, data=diff({}, snapshot(agency, fields)))
    return agency


@transaction.atomic
def update_agency(agency: Agency, *, actor, **fields) -> Agency:
    """Change an agency's short name, kind, notes or dates (its name changes by `rename_agency`)."""
    _only(fields, AGENCY_UPDATABLE)
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = snapshot(agency, list(fields))
    for name, value in fields.items():
        setattr(agency, name, collapse_spaces(value) if name == "short_name" else value)
    if agency.established_on and agency.ended_on and agency.ended_on < agency.established_on:
        _refuse(_("Ngày kết thúc hoạt động không thể trước ngày thành lập."), "ended_on")
    agency.full_clean(exclude=[*_DERIVED, "successor"])
    changes = diff(before, snapshot(agency, list(fields)))
    if changes:
        agency.save()
        log_action("blocs.agency.updated", agency, actor=actor, data=changes)
    return agency


def _check_active(agency: Agency, action: str) -> None:
    if agency.status != Agency.Status.ACTIVE:
        _refuse(
            _("%(agency)s %(ended)s nên không thể %(action)s.")
            % {"agency": agency.name, "ended": _ended_label(agency), "action": action}
        )


def _check_effective_date(agency: Agency, effective_on: datetime.date) -> None:
    if effective_on is None:
        _refuse(_("Hãy nhập ngày hiệu lực."), "effective_on")
    if agency.established_on and effective_on < agency.established_on:
        _refuse(
            _("Ngày hiệu lực không thể trước ngày thành lập của đơn vị (%(day)s).")
            % {"day": _day(agency.established_on)},
            "effective_on",
        )
    last = agency.changes.order_by("-effective_on").values_list("effective_on", flat=True).first()
    if last and effective_on < last:
        _refuse(
            _("Ngày hiệu lực không thể trước lần thay đổi gần nhất của đơn vị (%(day)s).")
            % {"day": _day(last)},
            "effective_on",
        )


def _record_change(agency, kind, *, effective_on, decision_ref, reason, actor, **extra):
    return AgencyChange.objects.create(
        agency=agency,
        kind=kind,
        effective_on=effective_on,
        decision_ref=collapse_spaces(decision_ref),
        reason=reason or "",
        created_by=actor if getattr(actor, "pk", None) else None,
        **extra,
    )


@transaction.atomic
def rename_agency(
    agency: Agency,
    *,
    new_name,
    effective_on,
    new_short_name=None,
    new_kind=None,
    decision_ref="",
    reason="",
    actor,
) -> Agency:
    """Give an agency a new official name (and short name and kind, kept when None) from
    `effective_on`. The record is the agency's identity from then on; pages and documents of
    earlier years read the old one from the rename (`dated_agency`)."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _check_active(agency, _("đổi tên"))
    new_name = collapse_spaces(new_name)
    if not new_name:
        _refuse(_("Hãy nhập tên mới."), "new_name")
    if new_name == agency.name:
        _refuse(_("Tên mới trùng với tên hiện tại."), "new_name")
    _check_unique_name(new_name, exclude=agency, field="new_name")
    _check_effective_date(agency, effective_on)
    fields = ["name", "short_name", "kind"]
    before = snapshot(agency, fields)
    agency.name = new_name
    if new_short_name is not None:
        agency.short_name = collapse_spaces(new_short_name)
    if new_kind:
        agency.kind = new_kind
    agency.full_clean(exclude=[*_DERIVED, "successor"])
    agency.save()
    _record_change(
        agency,
        AgencyChange.Kind.RENAME,
        effective_on=effective_on,
        decision_ref=decision_ref,
        reason=reason,
        actor=actor,
        old_name=before["name"],
        new_name=agency.name,
        old_short_name=before["short_name"],
        new_short_name=agency.short_name,
        old_kind=before["kind"],
        new_kind=agency.kind,
    )
    log_action(
        "blocs.agency.renamed",
        agency,
        actor=actor,
        data={**diff(before, snapshot(agency, fields)), "effective_on": [effective_on]},
    )
    return agency


def _check_no_membership_after(agency: Agency, ended_on: datetime.date) -> None:
    later = (
        agency.memberships.filter(year__gt=ended_on.year)
        .select_related("bloc_year__bloc")
        .order_by("year")
        .first()
    )
    if later:
        _refuse(
            _(
                "%(agency)s đang là thành viên %(bloc)s năm %(year)s, sau ngày kết thúc hoạt động; "
                "hãy rút đơn vị khỏi khối năm đó trước."
            )
            % {"agency": agency.name, "bloc": later.bloc_year.bloc.name, "year": later.year}
        )


@transaction.atomic
def merge_agency(
    agency: Agency, *, into: Agency, effective_on, decision_ref="", reason="", actor
) -> Agency:
    """Merge `agency` into `into` from `effective_on`; it ends the day before, `into` succeeds."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _check_active(agency, _("hợp nhất"))
    if into is None:
        _refuse(_("Hãy chọn đơn vị tiếp nhận."), "into")
    if into.pk == agency.pk:
        _refuse(_("Không thể hợp nhất một đơn vị vào chính nó."), "into")
    into = Agency.objects.get(pk=into.pk)
    if into.status != Agency.Status.ACTIVE:
        _refuse(
            _("%(agency)s %(ended)s nên không thể tiếp nhận đơn vị khác.")
            % {"agency": into.name, "ended": _ended_label(into)},
            "into",
        )
    _check_effective_date(agency, effective_on)
    before = snapshot(agency, ["status", "successor", "ended_on"])
    agency.status = Agency.Status.MERGED
    agency.successor = into
    agency.ended_on = effective_on - datetime.timedelta(days=1)
    _check_no_membership_after(agency, agency.ended_on)
    agency.save()
    change = _record_change(
        agency,
        AgencyChange.Kind.MERGE_INTO,
        effective_on=effective_on,
        decision_ref=decision_ref,
        reason=reason,
        actor=actor,
        old_name=agency.name,
        related_agency=into,
    )
    _flag_memberships(agency, change)
    log_action(
        "blocs.agency.merged",
        agency,
        actor=actor,
        data={
            **diff(before, snapshot(agency, ["status", "successor", "ended_on"])),
            "effective_on": [effective_on],
        },
    )
    return agency


@transaction.atomic
def split_agency(
    agency: Agency,
    *,
    new_name,
    new_short_name="",
    new_kind=None,
    effective_on,
    decision_ref="",
    reason="",
    actor,
) -> Agency:
    """Split a new agency off `agency` from `effective_on` (chia tách): the new one is
    established that day, its history starts with the split, and its lineage reaches back to
    `agency` (award history follows). Dated ahead, it waits: it may join a bloc only for the
    years it exists, and the split can be cancelled until then."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _check_active(agency, _("chia tách"))
    _check_effective_date(agency, effective_on)
    new_name = collapse_spaces(new_name or "")
    if not new_name:
        _refuse(_("Hãy nhập tên đơn vị mới."), "new_name")
    _check_unique_name(new_name, field="new_name")
    created = Agency(
        name=new_name,
        short_name=collapse_spaces(new_short_name or ""),
        kind=new_kind or agency.kind,
        established_on=effective_on,
    )
    created.full_clean(exclude=[*_DERIVED, "successor"])
    created.save()
    _record_change(
        created,
        AgencyChange.Kind.SPLIT_FROM,
        effective_on=effective_on,
        decision_ref=decision_ref,
        reason=reason,
        actor=actor,
        related_agency=agency,
    )
    log_action(
        "blocs.agency.split",
        created,
        actor=actor,
        data={
            "split_from": agency.name,
            **diff({}, snapshot(created, ["name", "short_name", "kind", "established_on"])),
        },
    )
    return created


@transaction.atomic
def dissolve_agency(agency: Agency, *, effective_on, decision_ref="", reason="", actor) -> Agency:
    """Dissolve an agency from `effective_on` (its last day of activity is the day before)."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _check_active(agency, _("giải thể"))
    _check_effective_date(agency, effective_on)
    before = snapshot(agency, ["status", "ended_on"])
    agency.status = Agency.Status.DISSOLVED
    agency.ended_on = effective_on - datetime.timedelta(days=1)
    _check_no_membership_after(agency, agency.ended_on)
    agency.save()
    change = _record_change(
        agency,
        AgencyChange.Kind.DISSOLVE,
        effective_on=effective_on,
        decision_ref=decision_ref,
        reason=reason,
        actor=actor,
        old_name=agency.name,
    )
    _flag_memberships(agency, change)
    log_action(
        "blocs.agency.dissolved",
        agency,
        actor=actor,
        data={
            **diff(before, snapshot(agency, ["status", "ended_on"])),
            "effective_on": [effective_on],
        },
    )
    return agency


def _flag_memberships(agency: Agency, change: AgencyChange) -> None:
    """A merger or dissolution in a year already opened: flag each membership it affects and
    change nothing (see `resolve_membership_flag`)."""
    MembershipFlag.objects.bulk_create(
        MembershipFlag(membership=membership, change=change)
        for membership in agency.memberships.filter(year__gte=change.effective_on.year)
    )


@transaction.atomic
def resolve_membership_flag(flag: MembershipFlag, action: str, *, actor) -> None:
    """Act on a flagged membership: "replaced" (the successor takes the place, the merged
    agency leaves), "kept" (it stays a member until the merger's date), "ended" (it leaves).
    The usual refusals of removing and adding members apply; nothing is half done."""
    flag = MembershipFlag.objects.select_related(
        "membership__bloc_year", "membership__agency", "change__related_agency"
    ).get(pk=flag.pk)
    if flag.resolution:
        _refuse(_("Thay đổi này đã được xử lý."))
    bloc_year, agency, change = flag.membership.bloc_year, flag.membership.agency, flag.change
    if action not in (
        MembershipFlag.Resolution.REPLACED,
        MembershipFlag.Resolution.KEPT,
        MembershipFlag.Resolution.ENDED,
    ):
        _refuse(_("Hãy chọn một cách xử lý."))
    successor = change.related_agency
    if action == MembershipFlag.Resolution.REPLACED and successor is None:
        _refuse(_("Đơn vị đã giải thể, không có đơn vị kế thừa để thay."))
    data = {
        "agency": agency.name,
        "change": f"{change.get_kind_display()} {_day(change.effective_on)}",
        "resolution": str(MembershipFlag.Resolution(action).label),
    }
    if action == MembershipFlag.Resolution.KEPT:
        flag.resolution, flag.resolved_at = action, timezone.now()
        flag.resolved_by = actor if getattr(actor, "pk", None) else None
        flag.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    else:
        remove_member(bloc_year, agency, actor=actor)  # the flag goes with the membership
        if action == MembershipFlag.Resolution.REPLACED:
            add_member(bloc_year, successor, actor=actor)
            data["successor"] = successor.name
    log_action("blocs.membership.flag_resolved", bloc_year, actor=actor, data=data)


@transaction.atomic
def cancel_agency_change(change: AgencyChange, *, reason, actor) -> Agency:
    """Withdraw a rename, merger or dissolution recorded ahead of its date: the agency is as it
    was before the change, the change leaves its history, and the audit keeps what it was."""
    agency = Agency.objects.select_for_update().get(pk=change.agency_id)
    reason = collapse_spaces(reason or "")
    if not reason:
        _refuse(_("Hãy ghi lý do hủy."), "reason")
    if change.effective_on <= timezone.localdate():
        _refuse(
            _("Thay đổi đã có hiệu lực từ %(day)s: không hủy được.")
            % {"day": _day(change.effective_on)}
        )
    latest = agency.changes.order_by("-effective_on", "-pk").first()
    if latest is None or latest.pk != change.pk:
        _refuse(_("Chỉ hủy được thay đổi sau cùng của đơn vị; hãy hủy các thay đổi sau nó trước."))
    if change.kind == AgencyChange.Kind.RENAME:
        agency.name, agency.short_name = change.old_name, change.old_short_name
        agency.kind = change.old_kind or agency.kind
    elif change.kind in (AgencyChange.Kind.MERGE_INTO, AgencyChange.Kind.DISSOLVE):
        agency.status, agency.successor, agency.ended_on = Agency.Status.ACTIVE, None, None
    elif change.kind == AgencyChange.Kind.SPLIT_FROM and change.related_agency_id:
        return _cancel_split(agency, change, reason, actor)
    else:
        _refuse(_("Loại thay đổi này không hủy được."))
    agency.save()
    facts = {
        "kind": change.kind,
        "effective_on": _day(change.effective_on),
        "old_name": change.old_name,
        "new_name": change.new_name,
        "related_agency": change.related_agency.name if change.related_agency_id else "",
        "decision_ref": change.decision_ref,
        "reason": reason,
    }
    change.delete()
    log_action("blocs.agency.change_cancelled", agency, actor=actor, data=facts)
    return agency


def _cancel_split(agency: Agency, change: AgencyChange, reason: str, actor) -> Agency:
    """A split not yet in force is withdrawn by removing the agency it would have made, as
    long as nothing refers to it yet; the audit entry on the parent keeps what it said."""
    source = change.related_agency
    if agency.memberships.exists() or agency.changes.exclude(pk=change.pk).exists():
        _refuse(
            _("%(agency)s đã có thành viên khối hoặc thay đổi khác: không hủy được việc chia tách.")
            % {"agency": agency.name}
        )
    facts = {
        "kind": change.kind,
        "effective_on": _day(change.effective_on),
        "new_name": agency.name,
        "decision_ref": change.decision_ref,
        "reason": reason,
    }
    try:
        with transaction.atomic():
            change.delete()
            agency.delete()
    except ProtectedError:
        _refuse(
            _("%(agency)s đã được dùng ở nơi khác (tài khoản, khen thưởng): không hủy được.")
            % {"agency": agency.name}
        )
    log_action("blocs.agency.change_cancelled", source, actor=actor, data=facts)
    return source


# Former provinces and their sister agencies -----------------------------------------------------


@transaction.atomic
def create_former_province(*, name, merged_on, decision_ref="", notes="", actor) -> FormerProvince:
    """Record a province merged into this one (its history can then be imported, tagged)."""
    province = FormerProvince(
        name=collapse_spaces(name),
        merged_on=merged_on,
        decision_ref=collapse_spaces(decision_ref),
        notes=notes or "",
    )
    existing = next(
        (p for p in FormerProvince.objects.all() if fold(p.name) == fold(province.name)), None
    )
    if existing is not None:
        _refuse(_("Đã có tỉnh cũ “%(name)s”.") % {"name": existing.name}, "name")
    province.full_clean()
    province.save()
    fields = ["name", "merged_on", "decision_ref", "notes"]
    log_action(
        "blocs.former_province.created",
        province,
        actor=actor,
        data=diff({}, snapshot(province, fields)),
    )
    return province


@dataclass
class SisterGroup:
    """Active agencies that read the same name, at least one from a former province: the
    province's Sở Y tế and those of Hà Nam and Nam Định, waiting to become one."""

    name: str
    agencies: list[Agency]

    @property
    def key(self) -> str:
        return fold(self.name)

    @property
    def own(self) -> Agency | None:
        return next((a for a in self.agencies if a.former_province_id is None), None)

    @property
    def merge_date(self) -> datetime.date | None:
        dates = [a.former_province.merged_on for a in self.agencies if a.former_province_id]
        return min(dates) if dates else None


def sister_agency_groups() -> list[SisterGroup]:
    """Every group of same-named active agencies that spans former provinces, by name."""
    today = timezone.localdate()
    by_name: dict[str, list[Agency]] = {}
    for agency in Agency.objects.select_related("former_province").order_by("sort_name", "pk"):
        if agency.status_on(today) == Agency.Status.ACTIVE and not agency.scheduled_end:
            by_name.setdefault(fold(agency.name), []).append(agency)
    groups = []
    for agencies in by_name.values():
        if len(agencies) > 1 and any(a.former_province_id for a in agencies):
            agencies.sort(
                key=lambda a: (a.former_province_id is not None, str(a.former_province or ""))
            )
            groups.append(SisterGroup(agencies[0].name, agencies))
    return groups


@transaction.atomic
def merge_sister_agencies(
    agencies: list[Agency], *, into: Agency | None, effective_on, decision_ref="", reason="", actor
) -> Agency:
    """Merge sister agencies of former provinces into one (`into`, or a new agency of this
    province named like them when None). Each merger is the ordinary audited `merge_agency`, so
    their award histories and memberships follow the successor through its lineage."""
    if effective_on is None:
        _refuse(_("Hãy nhập ngày hiệu lực."), "effective_on")
    if into is None:
        model = agencies[0]
        into = create_agency(
            name=model.name,
            short_name=model.short_name,
            kind=model.kind,
            established_on=effective_on,
            notes=_("Hợp nhất từ các đơn vị cùng ngành của các tỉnh cũ."),
            actor=actor,
        )
    merged = [agency for agency in agencies if agency.pk != into.pk]
    if not merged:
        _refuse(_("Hãy chọn ít nhất một đơn vị để hợp nhất vào đơn vị tiếp nhận."))
    for agency in merged:
        merge_agency(
            agency,
            into=into,
            effective_on=effective_on,
            decision_ref=decision_ref,
            reason=reason or _("Hợp nhất tỉnh"),
            actor=actor,
        )
    log_action(
        "blocs.agency.sisters_merged",
        into,
        actor=actor,
        data={
            "merged": [
                f"{a.name} ({a.former_province.label if a.former_province_id else _('tỉnh này')})"
                for a in merged
            ],
            "effective_on": [effective_on],
        },
    )
    return into


# Blocs and bloc-years ----------------------------------------------------------------------------


@transaction.atomic
def create_bloc(*, name, code, kind=Bloc.Kind.KHOI, description="", actor) -> Bloc:
    """Create a khối or cụm thi đua; its code is used in the numbers of its documents."""
    bloc = Bloc(
        name=collapse_spaces(name),
        code=collapse_spaces(code),
        kind=kind,
        description=description or "",
    )
    bloc.full_clean(exclude=_DERIVED)
    bloc.save()
    fields = ["name", "code", "kind", "description"]
    log_action("blocs.bloc.created", bloc, actor=actor, data=diff({}, snapshot(bloc, fields)))
    return bloc


@transaction.atomic
def update_bloc(bloc: Bloc, *, actor, **fields) -> Bloc:
    """Change a bloc's name, code, kind, description or active flag."""
    _only(fields, BLOC_UPDATABLE)
    bloc = Bloc.objects.select_for_update().get(pk=bloc.pk)
    before = snapshot(bloc, list(fields))
    for name, value in fields.items():
        setattr(bloc, name, collapse_spaces(value) if name in ("name", "code") else value)
    bloc.full_clean(exclude=_DERIVED)
    changes = diff(before, snapshot(bloc, list(fields)))
    if changes:
        bloc.save()
        log_action("blocs.bloc.updated", bloc, actor=actor, data=changes)
    return bloc


@transaction.atomic
def ensure_bloc_year(bloc: Bloc, year: int, *, actor) -> BlocYear:
    """The bloc's term for `year`, created (and audited) when it does not exist yet."""
    existing = BlocYear.objects.filter(bloc=bloc, year=year).first()
    if existing:
        return existing
    if not (MIN_YEAR <= int(year) <= MAX_YEAR):
        _refuse(_("Năm phải từ %(min)s đến %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}, "year")
    if not bloc.active:
        _refuse(
            _("%(bloc)s không còn hoạt động nên không thể mở năm %(year)s.")
            % {"bloc": bloc.name, "year": year}
        )
    bloc_year = BlocYear.objects.create(bloc=bloc, year=year)
    log_action("blocs.bloc_year.created", bloc_year, actor=actor, data={"year": [None, year]})
    return bloc_year


@transaction.atomic
def update_bloc_year(bloc_year: BlocYear, *, actor, **fields) -> BlocYear:
    """Change the liaison (name and title) or the notes of a bloc-year."""
    _only(fields, BLOC_YEAR_UPDATABLE)
    bloc_year = BlocYear.objects.select_for_update().get(pk=bloc_year.pk)
    before = snapshot(bloc_year, list(fields))
    for name, value in fields.items():
        setattr(bloc_year, name, value or "")
    bloc_year.full_clean(exclude=["bloc", "head", "deputy", "next_head", "next_deputy"])
    changes = diff(before, snapshot(bloc_year, list(fields)))
    if changes:
        bloc_year.save(update_fields=list(fields))
        log_action("blocs.bloc_year.updated", bloc_year, actor=actor, data=changes)
    return bloc_year


def _membership_refusal(agency: Agency, year: int) -> str | None:
    """Why `agency` cannot be a member of a bloc in `year`, or None when it can."""
    if agency.established_on and agency.established_on.year > year:
        return _("%(agency)s được thành lập ngày %(day)s, sau năm %(year)s.") % {
            "agency": agency.name,
            "day": _day(agency.established_on),
            "year": year,
        }
    if agency.status == Agency.Status.ACTIVE:
        return None
    if agency.ended_on is None or agency.ended_on.year < year:
        message = _(
            "%(agency)s %(ended)s (ngày kết thúc hoạt động: %(day)s) nên không thể là thành viên "
            "khối năm %(year)s."
        ) % {
            "agency": agency.name,
            "ended": _ended_label(agency),
            "day": _day(agency.ended_on) if agency.ended_on else "—",
            "year": year,
        }
        if agency.status == Agency.Status.MERGED and agency.successor_id:
            message += " " + _("Hãy thêm đơn vị kế thừa.")
        return message
    return None


def _already_member_message(agency: Agency, year: int) -> str:
    other = (
        Membership.objects.filter(agency=agency, year=year)
        .select_related("bloc_year__bloc")
        .first()
    )
    bloc_name = other.bloc_year.bloc.name if other else _("một khối khác")
    return _(
        "%(agency)s đã là thành viên %(bloc)s năm %(year)s; mỗi đơn vị chỉ thuộc một khối trong "
        "một năm."
    ) % {"agency": agency.name, "bloc": bloc_name, "year": year}


@transaction.atomic
def add_member(
    bloc_year: BlocYear, agency: Agency, *, signatory_name="", signatory_title="", actor
) -> Membership:
    """Add `agency` to the bloc-year; an agency is in at most one bloc per year."""
    agency = Agency.objects.select_related("successor").get(pk=agency.pk)
    refusal = _membership_refusal(agency, bloc_year.year)
    if refusal:
        _refuse(refusal)
    if Membership.objects.filter(agency=agency, year=bloc_year.year).exists():
        _refuse(_already_member_message(agency, bloc_year.year))
    membership = Membership(
        bloc_year=bloc_year,
        agency=agency,
        signatory_name=collapse_spaces(signatory_name),
        signatory_title=collapse_spaces(signatory_title),
    )
    membership.full_clean(exclude=["bloc_year", "agency", "year"], validate_unique=False)
    session = _session_of(bloc_year)
    if session is not None and session.state == session.State.FINALIZED:
        _refuse(
            _(
                "Hội nghị tổng kết năm %(year)s của khối đã kết thúc; không thêm thành viên được "
                "nữa."
            )
            % {"year": bloc_year.year}
        )
    try:
        # A concurrent add of the same agency loses on the database constraint.
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        _refuse(_already_member_message(agency, bloc_year.year))
    if session is not None:
        from awards.models import Attendance

        Attendance.absent_member(session, membership).save()
    covenant = Covenant.objects.select_for_update().filter(bloc_year=bloc_year).first()
    if covenant is not None and covenant.status == Covenant.Status.SIGNED:
        from blocs.services.covenants import transition_covenant

        # The newcomer has not signed: the covenant collects its signature again.
        transition_covenant(
            covenant,
            Covenant.Status.OPEN,
            actor=actor,
            reason=_("Thêm thành viên %(agency)s") % {"agency": agency.name},
        )
    log_action(
        "blocs.membership.added",
        bloc_year,
        actor=actor,
        data={
            "agency": [agency.name],
            **diff({}, snapshot(membership, ["signatory_name", "signatory_title"])),
        },
    )
    return membership


@transaction.atomic
def remove_member(bloc_year: BlocYear, agency: Agency, *, actor) -> None:
    """Take `agency` out of the bloc-year; the head and deputy must be replaced first."""
    bloc_year = BlocYear.objects.select_for_update().get(pk=bloc_year.pk)
    membership = bloc_year.memberships.select_related("agency").filter(agency=agency).first()
    if membership is None:
        _refuse(
            _("%(agency)s không phải thành viên của khối năm %(year)s.")
            % {"agency": agency.name, "year": bloc_year.year}
        )
    for agency_id, role in (
        (bloc_year.head_id, _("trưởng khối")),
        (bloc_year.deputy_id, _("phó khối")),
    ):
        if agency_id == agency.pk:
            _refuse(
                _(
                    "%(agency)s đang là %(role)s năm %(year)s; hãy phân công đơn vị khác làm "
                    "%(role)s trước khi rút đơn vị này khỏi khối."
                )
                % {"agency": agency.name, "role": role, "year": bloc_year.year}
            )
    session = _session_of(bloc_year)
    refusal = _removal_refusal(bloc_year, agency, session)
    if refusal:
        _refuse(refusal % {"agency": agency.name, "year": bloc_year.year})
    membership.delete()
    data = {"agency": [agency.name]}
    if session is not None:
        session.attendance.filter(agency=agency).delete()
    covenant = Covenant.objects.select_for_update().filter(bloc_year=bloc_year).first()
    if covenant is not None and covenant.status == Covenant.Status.OPEN:
        from blocs.services.covenants import complete_if_all_signed

        complete_if_all_signed(covenant, actor=actor)
    if Registration.objects.filter(bloc_year=bloc_year, agency=agency).exists():
        data["registration_kept"] = True
    log_action("blocs.membership.removed", bloc_year, actor=actor, data=data)


def _session_of(bloc_year: BlocYear):
    from awards.models import VotingSession

    return VotingSession.objects.filter(bloc_year=bloc_year).first()


def _removal_refusal(bloc_year: BlocYear, agency: Agency, session) -> str | None:
    """Why taking `agency` out of the bloc-year would contradict what is already recorded: its
    signature on the covenant, its place at the conference, its award proposals. A registration
    is kept (and shows again if the agency comes back)."""
    from awards.models import AwardProposal, Candidate

    signed = CovenantSignature.objects.filter(
        covenant__bloc_year=bloc_year, agency=agency, voided_at__isnull=True
    ).select_related("covenant")
    signature = signed.first()
    if signature is not None:
        if signature.covenant.status == Covenant.Status.ISSUED:
            return _(
                "%(agency)s đã ký giao ước thi đua năm %(year)s và giao ước đã phát hành; hãy mở "
                "lại giao ước trước khi rút đơn vị khỏi khối."
            )
        return _(
            "%(agency)s đã ký giao ước thi đua năm %(year)s; hãy hủy chữ ký của đơn vị trên "
            "trang giao ước trước khi rút đơn vị khỏi khối."
        )
    if session is not None:
        if session.state == session.State.FINALIZED:
            return _(
                "Hội nghị tổng kết năm %(year)s của khối đã kết thúc; không rút %(agency)s khỏi "
                "khối được nữa."
            )
        if session.attendance.filter(agency=agency, present=True).exists():
            return _(
                "%(agency)s đang được ghi có mặt tại hội nghị tổng kết năm %(year)s; hãy sửa "
                "điểm danh trước khi rút đơn vị khỏi khối."
            )
        if Candidate.objects.filter(poll__session=session, agency=agency).exists():
            return _(
                "%(agency)s có tên trong danh sách bình xét tại hội nghị tổng kết năm %(year)s; "
                "hãy bỏ đơn vị khỏi danh sách trước khi rút đơn vị khỏi khối."
            )
    if AwardProposal.objects.filter(bloc_year=bloc_year, agency=agency).exists():
        return _(
            "%(agency)s đã có đề nghị khen thưởng trong khối năm %(year)s nên không rút khỏi "
            "khối được."
        )
    return None


@transaction.atomic
def update_signatory(
    membership: Membership, *, signatory_name, signatory_title, actor
) -> Membership:
    """Set the leader who signs for a member agency this year (name and title)."""
    membership = (
        Membership.objects.select_for_update().select_related("agency").get(pk=membership.pk)
    )
    fields = ["signatory_name", "signatory_title"]
    before = snapshot(membership, fields)
    membership.signatory_name = collapse_spaces(signatory_name)
    membership.signatory_title = collapse_spaces(signatory_title)
    membership.full_clean(exclude=["bloc_year", "agency", "year"], validate_unique=False)
    changes = diff(before, snapshot(membership, fields))
    if changes:
        membership.save(update_fields=fields)
        log_action(
            "blocs.membership.signatory_updated",
            membership.bloc_year,
            actor=actor,
            data={"agency": [membership.agency.name], **changes},
        )
    return membership


def _check_leader_pair(head, deputy, *, members_of: BlocYear) -> None:
    if head is not None and deputy is not None and head.pk == deputy.pk:
        _refuse(_("Trưởng khối và phó khối phải là hai đơn vị khác nhau."))
    member_ids = set(members_of.memberships.values_list("agency_id", flat=True))
    for agency, label in ((head, _("Trưởng khối")), (deputy, _("Phó khối"))):
        if agency is not None and agency.pk not in member_ids:
            _refuse(
                _("%(role)s phải là thành viên của khối năm %(year)s: %(agency)s không phải.")
                % {"role": label, "year": members_of.year, "agency": agency.name}
            )


@transaction.atomic
def assign_leaders(bloc_year: BlocYear, *, head, deputy, actor) -> BlocYear:
    """Set the bloc-year's head and deputy: both members of that year, and not the same agency."""
    return _set_leader_pair(
        bloc_year, ("head", "deputy"), (head, deputy), "blocs.bloc_year.leaders_assigned", actor
    )


@transaction.atomic
def set_elected_leaders(bloc_year: BlocYear, *, next_head, next_deputy, actor) -> BlocYear:
    """Record next year's head and deputy as elected at this year's conference (members now)."""
    return _set_leader_pair(
        bloc_year,
        ("next_head", "next_deputy"),
        (next_head, next_deputy),
        "blocs.bloc_year.leaders_elected",
        actor,
    )


def _set_leader_pair(bloc_year: BlocYear, fields, pair, action: str, actor) -> BlocYear:
    """The one path for a head/deputy pair: checked, saved and audited only when it changes."""
    bloc_year = BlocYear.objects.select_for_update().get(pk=bloc_year.pk)
    _check_leader_pair(*pair, members_of=bloc_year)
    before = snapshot(bloc_year, list(fields))
    for name, agency in zip(fields, pair, strict=True):
        setattr(bloc_year, name, agency)
    changes = diff(before, snapshot(bloc_year, list(fields)))
    if changes:
        bloc_year.save(update_fields=list(fields))
        log_action(action, bloc_year, actor=actor, data=changes)
    return bloc_year


# The conference's election carried to a next year that already exists -------------------------


@dataclass
class ElectionCarryOver:
    """What "Áp dụng kết quả bầu cho năm Y+1" would do to year Y+1's head and deputy."""

    source: BlocYear
    target: BlocYear | None
    head: Agency | None = None
    deputy: Agency | None = None
    notes: list[str] = field(default_factory=list)
    # Y+1's covenant is past its draft: only province staff may change its leaders then.
    needs_staff: bool = False

    @property
    def changes(self) -> bool:
        return self.target is not None and (
            (self.head and self.head.pk != self.target.head_id)
            or (self.deputy and self.deputy.pk != self.target.deputy_id)
        )


def plan_election_carry_over(bloc_year: BlocYear) -> ElectionCarryOver:
    """The elected head/deputy of year Y mapped to members of the existing year Y+1 (through
    mergers), with a note for each one that cannot be placed."""
    target = (
        BlocYear.objects.filter(bloc_id=bloc_year.bloc_id, year=bloc_year.year + 1)
        .select_related("head", "deputy", "covenant")
        .first()
    )
    plan = ElectionCarryOver(source=bloc_year, target=target)
    if target is None:
        return plan
    covenant = getattr(target, "covenant", None)
    plan.needs_staff = covenant is not None and covenant.status != Covenant.Status.DRAFT
    member_ids = set(target.memberships.values_list("agency_id", flat=True))
    successors = _successor_map()
    labels = {"head": _("Trưởng khối"), "deputy": _("Phó khối")}
    elected = {"head": bloc_year.next_head, "deputy": bloc_year.next_deputy}
    for role, agency in elected.items():
        if agency is None:
            plan.notes.append(
                _("%(role)s năm %(year)s chưa được bầu: giữ nguyên.")
                % {"role": labels[role], "year": target.year}
            )
            continue
        if agency.pk not in member_ids:  # merged since: its successor may sit in its place
            agency = successors.get(agency.pk, agency)
        if agency.pk in member_ids:
            setattr(plan, role, agency)
        else:
            plan.notes.append(
                _("%(role)s được bầu (%(agency)s) không phải thành viên năm %(year)s: giữ nguyên.")
                % {"role": labels[role], "agency": agency.name, "year": target.year}
            )
    return plan


@transaction.atomic
def apply_election_to_next_year(
    bloc_year: BlocYear, *, actor, staff_confirmed: bool = False
) -> BlocYear:
    """Put year Y's elected head and deputy on the existing year Y+1 (audited on Y+1).

    Refused once Y+1's covenant is open (its papers already name the leaders) unless province
    staff confirm.
    """
    plan = plan_election_carry_over(bloc_year)
    if plan.target is None:
        _refuse(_("Chưa có năm %(year)s của khối.") % {"year": bloc_year.year + 1})
    if plan.needs_staff and not (staff_confirmed and getattr(actor, "is_province_staff", False)):
        _refuse(
            _(
                "Giao ước năm %(year)s đã mở ký kết: chỉ cán bộ %(office)s xác nhận mới thay đổi "
                "được Trưởng khối, Phó khối năm này."
            )
            % {"year": plan.target.year, "office": settings.EMULATION_OFFICE_NAME}
        )
    if not plan.changes:
        _refuse(
            _("Trưởng khối, Phó khối năm %(year)s đã đúng kết quả bầu.")
            % {"year": plan.target.year}
        )
    head = plan.head or plan.target.head
    deputy = plan.deputy or plan.target.deputy
    if head is not None and deputy is not None and head.pk == deputy.pk:
        # The newly elected one wins; the other seat is left for staff to fill.
        deputy = None if plan.head else deputy
        head = head if plan.head else None
    return _set_leader_pair(
        plan.target,
        ("head", "deputy"),
        (head, deputy),
        "blocs.bloc_year.election_applied",
        actor,
    )


# Rollover: opening year Y+1 from year Y ----------------------------------------------------------


@dataclass
class PlannedMember:
    """One member of next year's bloc: `agency` joins, carried over from `source`."""

    agency: Agency
    source: Agency
    signatory_name: str = ""
    signatory_title: str = ""

    @property
    def mapped(self) -> bool:
        return self.agency.pk != self.source.pk


@dataclass
class DroppedMember:
    """A member of year Y that is not carried over, and why."""

    source: Agency
    reason: str


@dataclass
class PlannedBloc:
    """What opening the next year does for one bloc."""

    bloc: Bloc
    source: BlocYear
    existing: BlocYear | None = None
    members: list[PlannedMember] = field(default_factory=list)
    dropped: list[DroppedMember] = field(default_factory=list)
    head: Agency | None = None
    deputy: Agency | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def creates(self) -> bool:
        return self.existing is None


@dataclass
class RolloverPlan:
    """The preview of opening `next_year` from `year`; `apply_rollover` creates exactly this."""

    year: int
    blocs: list[PlannedBloc] = field(default_factory=list)

    @property
    def next_year(self) -> int:
        return self.year + 1

    @property
    def to_create(self) -> list[PlannedBloc]:
        return [item for item in self.blocs if item.creates]

    @property
    def member_count(self) -> int:
        return sum(len(item.members) for item in self.to_create)


@dataclass
class RolloverResult:
    """What `apply_rollover` created: bloc-years and the number of memberships."""

    year: int
    bloc_years: list[BlocYear] = field(default_factory=list)
    membership_count: int = 0

    @property
    def created(self) -> bool:
        return bool(self.bloc_years)


def _successor_map() -> dict[int, Agency]:
    """Every agency that has a successor, mapped to the end of its merge chain, in two queries."""
    links = dict(Agency.objects.filter(successor__isnull=False).values_list("pk", "successor_id"))
    ends = {}
    for start in links:
        current, seen = start, {start}
        while current in links and links[current] not in seen:
            current = links[current]
            seen.add(current)
        ends[start] = current
    agencies = Agency.objects.in_bulk(set(ends.values()))
    return {start: agencies[end] for start, end in ends.items()}


def plan_rollover(year: int) -> RolloverPlan:
    """Preview what opening `year + 1` would create from the active blocs of `year`.

    Members are copied with their signatories; merged agencies become their current successor
    (unless it is already in that bloc or in another bloc next year); dissolved agencies are
    dropped; next year's head and deputy come from this year's election when one was recorded.
    Plain members are placed before successors, so a successor never displaces a member.
    """
    # Mergers and dissolutions count once in force: on the new year's first day, or today when
    # the year is opened late (a merger of 01/03 is applied by a rollover made after it).
    first_day = max(datetime.date(year + 1, 1, 1), timezone.localdate())
    next_year = year + 1
    plan = RolloverPlan(year=year)
    sources = list(
        BlocYear.objects.filter(year=year, bloc__active=True, bloc__former_province__isnull=True)
        .select_related("bloc", "next_head", "next_deputy")
        .prefetch_related("memberships__agency")
        .order_by("bloc__sort_name", "bloc__pk")
    )
    existing = {
        by.bloc_id: by for by in BlocYear.objects.filter(year=next_year).select_related("bloc")
    }
    # agency id -> bloc name, for every agency placed next year (existing rows, then this plan).
    placed = dict(
        Membership.objects.filter(year=next_year).values_list("agency_id", "bloc_year__bloc__name")
    )
    successors = _successor_map()
    for source in sources:
        item = PlannedBloc(bloc=source.bloc, source=source, existing=existing.get(source.bloc_id))
        plan.blocs.append(item)
        if not item.creates:
            item.notes.append(
                _("%(bloc)s đã có năm %(year)s: không tạo gì thêm.")
                % {"bloc": source.bloc.name, "year": next_year}
            )
            if source.next_head_id or source.next_deputy_id:
                item.notes.append(
                    _(
                        "Trưởng khối, Phó khối năm %(year)s đã được bầu: áp dụng bằng “Áp dụng "
                        "kết quả bầu” trên trang năm %(source)s của khối."
                    )
                    % {"year": next_year, "source": year}
                )
            continue
        for membership in source.memberships.all():
            agency = membership.agency
            if agency.status_on(first_day) == Agency.Status.DISSOLVED:
                item.dropped.append(DroppedMember(agency, _("Đã giải thể: không chuyển sang.")))
            elif agency.status_on(first_day) == Agency.Status.ACTIVE and agency.pk in placed:
                item.dropped.append(
                    DroppedMember(
                        agency,
                        _("Đã là thành viên %(bloc)s năm %(year)s.")
                        % {"bloc": placed[agency.pk], "year": next_year},
                    )
                )
            elif agency.status_on(first_day) == Agency.Status.ACTIVE:
                placed[agency.pk] = source.bloc.name
                item.members.append(
                    PlannedMember(
                        agency, agency, membership.signatory_name, membership.signatory_title
                    )
                )
    for item in plan.to_create:
        member_ids = {planned.agency.pk for planned in item.members}
        for membership in item.source.memberships.all():
            agency = membership.agency
            if agency.status_on(first_day) != Agency.Status.MERGED:
                continue
            successor = successors.get(agency.pk)
            if successor is None or successor.status_on(first_day) != Agency.Status.ACTIVE:
                item.dropped.append(
                    DroppedMember(agency, _("Đã hợp nhất, không có đơn vị kế thừa đang hoạt động."))
                )
            elif successor.pk in member_ids:
                item.dropped.append(
                    DroppedMember(
                        agency,
                        _("Đã hợp nhất vào %(successor)s, đơn vị này đã có trong khối.")
                        % {"successor": successor.name},
                    )
                )
            elif successor.pk in placed:
                item.dropped.append(
                    DroppedMember(
                        agency,
                        _(
                            "Đã hợp nhất vào %(successor)s, đơn vị này đã là thành viên "
                            "%(bloc)s năm %(year)s."
                        )
                        % {
                            "successor": successor.name,
                            "bloc": placed[successor.pk],
                            "year": next_year,
                        },
                    )
                )
            else:
                # The merged agency's leader does not sign for the successor: staff fill it in.
                placed[successor.pk] = item.bloc.name
                member_ids.add(successor.pk)
                item.members.append(PlannedMember(successor, agency))
        item.members.sort(key=lambda planned: planned.agency.sort_name)
        _plan_leaders(item, successors, member_ids, next_year)
    return plan


def _plan_leaders(item: PlannedBloc, successors, member_ids: set[int], next_year: int) -> None:
    elected = {"head": item.source.next_head, "deputy": item.source.next_deputy}
    labels = {"head": _("Trưởng khối"), "deputy": _("Phó khối")}
    for role, agency in elected.items():
        if agency is None:
            item.notes.append(
                _("%(role)s năm %(year)s chưa được bầu: cán bộ chọn sau khi mở năm.")
                % {"role": labels[role], "year": next_year}
            )
            continue
        first_day = max(datetime.date(next_year, 1, 1), timezone.localdate())
        if agency.status_on(first_day) == Agency.Status.MERGED:
            agency = successors.get(agency.pk, agency)
        if agency.pk in member_ids and agency.status_on(first_day) == Agency.Status.ACTIVE:
            setattr(item, role, agency)
        else:
            item.notes.append(
                _("%(role)s được bầu (%(agency)s) không còn là thành viên: cán bộ chọn sau.")
                % {"role": labels[role], "agency": agency.name}
            )
    if item.head is not None and item.deputy is not None and item.head.pk == item.deputy.pk:
        item.deputy = None


@transaction.atomic
def apply_rollover(year: int, *, actor) -> RolloverResult:
    """Open `year + 1` exactly as `plan_rollover(year)` shows it; a second run adds nothing."""
    # Serialise concurrent runs on the source rows so both cannot plan the same year at once.
    list(BlocYear.objects.select_for_update().filter(year=year).values_list("pk", flat=True))
    plan = plan_rollover(year)
    result = RolloverResult(year=plan.next_year)
    for item in plan.to_create:
        bloc_year = BlocYear.objects.create(
            bloc=item.bloc,
            year=plan.next_year,
            head=None,
            deputy=None,
            liaison_name=item.source.liaison_name,
            liaison_title=item.source.liaison_title,
        )
        Membership.objects.bulk_create(
            Membership(
                bloc_year=bloc_year,
                agency=planned.agency,
                year=plan.next_year,
                signatory_name=planned.signatory_name,
                signatory_title=planned.signatory_title,
            )
            for planned in item.members
        )
        if item.head or item.deputy:
            bloc_year.head, bloc_year.deputy = item.head, item.deputy
            bloc_year.save(update_fields=["head", "deputy"])
        log_action(
            "blocs.rollover.applied",
            bloc_year,
            actor=actor,
            data={
                # One-element lists: the history include shows each value as "old → new".
                "from_year": [year],
                "members": ["; ".join(planned.agency.name for planned in item.members)],
                "mapped": [
                    "; ".join(
                        f"{planned.source.name} → {planned.agency.name}"
                        for planned in item.members
                        if planned.mapped
                    )
                ],
                "dropped": [
                    "; ".join(
                        f"{dropped.source.name}: {dropped.reason}" for dropped in item.dropped
                    )
                ],
                **diff({}, {"head": item.head, "deputy": item.deputy}),
            },
        )
        result.bloc_years.append(bloc_year)
        result.membership_count += len(item.members)
    return result

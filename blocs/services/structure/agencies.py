"""Agencies and their history: create, update, rename, merge, split, dissolve, and cancelling a
change recorded ahead of its date. The status moves only through `Agency.WORKFLOW`."""

import datetime

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Agency, AgencyChange, MembershipFlag
from blocs.services.structure.common import (
    _DERIVED,
    AGENCY_UPDATABLE,
    _day,
    _ended_label,
    _only,
    _refuse,
)
from emulation.audit import apply_changes, diff, log_action, snapshot
from emulation.text import collapse_spaces, fold, nfc
from emulation.workflow import transition


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
    changes = {
        name: collapse_spaces(value) if name == "short_name" else value
        for name, value in fields.items()
    }
    established_on = changes.get("established_on", agency.established_on)
    ended_on = changes.get("ended_on", agency.ended_on)
    if established_on and ended_on and ended_on < established_on:
        _refuse(_("Ngày kết thúc hoạt động không thể trước ngày thành lập."), "ended_on")
    apply_changes(
        agency,
        changes,
        actor=actor,
        action="blocs.agency.updated",
        clean_exclude=[*_DERIVED, "successor"],
    )
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
    before = snapshot(agency, ["name", "short_name", "kind"])
    apply_changes(
        agency,
        {
            "name": new_name,
            "short_name": agency.short_name
            if new_short_name is None
            else collapse_spaces(new_short_name),
            "kind": new_kind or agency.kind,
        },
        actor=actor,
        action="blocs.agency.renamed",
        clean_exclude=[*_DERIVED, "successor"],
        data={"effective_on": [effective_on]},
    )
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
    ended_on = effective_on - datetime.timedelta(days=1)
    _check_no_membership_after(agency, ended_on)
    transition(
        agency,
        Agency.Status.MERGED,
        actor=actor,
        action="blocs.agency.merged",
        changes={"successor": into, "ended_on": ended_on},
        tracked=["status", "successor", "ended_on"],
        data={"effective_on": [effective_on]},
        locked=True,
    )
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
    ended_on = effective_on - datetime.timedelta(days=1)
    _check_no_membership_after(agency, ended_on)
    transition(
        agency,
        Agency.Status.DISSOLVED,
        actor=actor,
        action="blocs.agency.dissolved",
        changes={"ended_on": ended_on},
        tracked=["status", "ended_on"],
        data={"effective_on": [effective_on]},
        locked=True,
    )
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
    return agency


def _flag_memberships(agency: Agency, change: AgencyChange) -> None:
    """A merger or dissolution in a year already opened: flag each membership it affects and
    change nothing (see `resolve_membership_flag`)."""
    MembershipFlag.objects.bulk_create(
        MembershipFlag(membership=membership, change=change)
        for membership in agency.memberships.filter(year__gte=change.effective_on.year)
    )


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
        agency.save()
    elif change.kind in (AgencyChange.Kind.MERGE_INTO, AgencyChange.Kind.DISSOLVE):
        # One audit entry below tells the whole cancellation.
        transition(
            agency,
            Agency.Status.ACTIVE,
            actor=actor,
            action=None,
            changes={"successor": None, "ended_on": None},
            locked=True,
        )
    elif change.kind == AgencyChange.Kind.SPLIT_FROM and change.related_agency_id:
        return _cancel_split(agency, change, reason, actor)
    else:
        _refuse(_("Loại thay đổi này không hủy được."))
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

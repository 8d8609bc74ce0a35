"""A bloc-year's members: adding and removing them (with the upper apps' hooks), their
signatories, and acting on the memberships a merger or dissolution flagged."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.hooks import (
    MEMBER_ADD_REFUSALS,
    MEMBER_ADDED,
    MEMBER_REMOVAL_REFUSALS,
    MEMBER_REMOVED,
    first_refusal,
)
from blocs.models import (
    Agency,
    BlocYear,
    Covenant,
    CovenantSignature,
    Membership,
    MembershipFlag,
    Registration,
)
from blocs.services.covenants import complete_if_all_signed, transition_covenant
from blocs.services.structure.common import _day, _ended_label, _refuse
from emulation.audit import diff, log_action, snapshot
from emulation.text import collapse_spaces


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
    refusal = first_refusal(MEMBER_ADD_REFUSALS, bloc_year, agency)
    if refusal:
        _refuse(refusal)
    try:
        # A concurrent add of the same agency loses on the database constraint.
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        _refuse(_already_member_message(agency, bloc_year.year))
    for added in MEMBER_ADDED:
        added(membership)
    covenant = Covenant.objects.select_for_update().filter(bloc_year=bloc_year).first()
    if covenant is not None and covenant.status == Covenant.Status.SIGNED:
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
    refusal = _removal_refusal(bloc_year, agency)
    if refusal:
        _refuse(refusal % {"agency": agency.name, "year": bloc_year.year})
    refusal = first_refusal(MEMBER_REMOVAL_REFUSALS, bloc_year, agency)
    if refusal:
        _refuse(refusal)
    membership.delete()
    data = {"agency": [agency.name]}
    for removed in MEMBER_REMOVED:
        removed(bloc_year, agency)
    covenant = Covenant.objects.select_for_update().filter(bloc_year=bloc_year).first()
    if covenant is not None and covenant.status == Covenant.Status.OPEN:
        complete_if_all_signed(covenant, actor=actor)
    if Registration.objects.filter(bloc_year=bloc_year, agency=agency).exists():
        data["registration_kept"] = True
    log_action("blocs.membership.removed", bloc_year, actor=actor, data=data)


def _removal_refusal(bloc_year: BlocYear, agency: Agency) -> str | None:
    """Why taking `agency` out of the bloc-year would contradict its signature on the covenant
    (the conference and proposals answer through MEMBER_REMOVAL_REFUSALS). A registration is
    kept (and shows again if the agency comes back)."""
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

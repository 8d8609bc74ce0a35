"""A bloc-year's head and deputy (trưởng khối, phó khối): assigned by staff, elected at the
conference for the next year, and carried to a next year that already exists."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from blocs.models import Agency, BlocYear, Covenant
from blocs.services.structure.common import _refuse, _successor_map
from emulation.audit import apply_changes
from emulation.notifications import agency_users, message, notify_many


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
    before = (bloc_year.head_id, bloc_year.deputy_id)
    apply_changes(bloc_year, dict(zip(fields, pair, strict=True)), actor=actor, action=action)
    notify_many(leader_messages(bloc_year, before=before))
    return bloc_year


def leader_messages(bloc_year: BlocYear, *, before=(None, None)) -> list:
    """A new head or deputy hears it (its accounts); one that keeps its seat hears nothing."""
    seats = (
        (bloc_year.head, before[0], _("Đơn vị %(agency)s là Trưởng khối %(bloc)s năm %(year)s.")),
        (bloc_year.deputy, before[1], _("Đơn vị %(agency)s là Phó khối %(bloc)s năm %(year)s.")),
    )
    url = reverse("blocs:bloc_year_detail", args=[bloc_year.pk])
    where = {"bloc": bloc_year.bloc.name, "year": bloc_year.year}
    return [
        message(
            agency_users([agency.pk]),
            kind="blocs.leader",
            text=text % {"agency": agency.name, **where},
            url=url,
        )
        for agency, old_id, text in seats
        if agency is not None and agency.pk != old_id
    ]


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

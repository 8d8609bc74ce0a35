"""Opening year Y+1 from year Y: the preview (`plan_rollover`) and the run that creates exactly
what it showed (`apply_rollover`)."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Agency, Bloc, BlocYear, Membership
from blocs.services.structure.common import _successor_map
from blocs.services.structure.leaders import leader_messages
from emulation.audit import diff, log_action
from emulation.notifications import notify_many


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
        if item.creates:
            _place_active_members(item, placed, first_day, next_year)
        else:
            _note_existing_year(item, next_year)
    for item in plan.to_create:
        member_ids = {planned.agency.pk for planned in item.members}
        _place_successors(item, successors, placed, member_ids, first_day, next_year)
        item.members.sort(key=lambda planned: planned.agency.sort_name)
        _plan_leaders(item, successors, member_ids, next_year)
    return plan


def _note_existing_year(item: PlannedBloc, next_year: int) -> None:
    """A bloc that already has next year gets nothing, only notes (and the election's pointer)."""
    source = item.source
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
            % {"year": next_year, "source": source.year}
        )


def _place_active_members(
    item: PlannedBloc, placed: dict[int, str], first_day: datetime.date, next_year: int
) -> None:
    """Carry over the members still active, with their signatories; drop the dissolved ones and
    those already placed in a bloc next year. Merged ones wait for `_place_successors`."""
    for membership in item.source.memberships.all():
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
            placed[agency.pk] = item.bloc.name
            item.members.append(
                PlannedMember(agency, agency, membership.signatory_name, membership.signatory_title)
            )


def _place_successors(
    item: PlannedBloc,
    successors: dict[int, Agency],
    placed: dict[int, str],
    member_ids: set[int],
    first_day: datetime.date,
    next_year: int,
) -> None:
    """Put each merged member's active successor in its place, unless it already has one."""
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
    notify_many(message for by in result.bloc_years for message in leader_messages(by))
    return result

"""Reads shared by the covenant pages, the overview and the PDF: who the members are and what
they registered. Below both the services and the renderer, so neither imports the other."""

from dataclasses import dataclass, field

from blocs.models import Agency, AwardType, BlocYear, Membership, Registration
from emulation.text import vn_sort_key


@dataclass
class TitleLine:
    award_type: AwardType
    agencies: list[Agency] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.agencies)


@dataclass
class RegistrationSummary:
    """Per title, which members registered (submitted or accepted); and who has not yet."""

    titles: list[TitleLine]
    not_registered: list[Agency]
    registrations: list[Registration]
    member_count: int


def members_of(bloc_year: BlocYear) -> list[Membership]:
    """The bloc-year's memberships with their agencies, in Vietnamese name order.

    The bloc-year page reads them once for its table and leaves them on the bloc-year as
    `members_read` for its panels, which would otherwise read 200 members again."""
    if (read := getattr(bloc_year, "members_read", None)) is not None:
        return read
    memberships = list(bloc_year.memberships.as_of_year())
    memberships.sort(key=lambda membership: vn_sort_key(membership.agency.name))
    return memberships


def registration_summary(
    bloc_year: BlocYear, memberships=None, *, with_targets: bool = True
) -> RegistrationSummary:
    """What the covenant annex and the bloc-year panel print (three queries; two without the
    targets, which only the annex prints). Agencies are named as they stood in the year, from
    the memberships."""
    memberships = members_of(bloc_year) if memberships is None else memberships
    by_agency = {membership.agency_id: membership for membership in memberships}
    order = {agency_id: index for index, agency_id in enumerate(by_agency)}
    queryset = bloc_year.registrations.registered().prefetch_related("titles")
    if with_targets:
        queryset = queryset.prefetch_related("targets")
    registrations = sorted(
        (registration for registration in queryset if registration.agency_id in order),
        key=lambda registration: order[registration.agency_id],
    )
    lines: dict[int, TitleLine] = {}
    for registration in registrations:
        registration.agency = by_agency[registration.agency_id].agency
        for award_type in registration.titles.all():
            lines.setdefault(award_type.pk, TitleLine(award_type)).agencies.append(
                registration.agency
            )
    registered_ids = {registration.agency_id for registration in registrations}
    return RegistrationSummary(
        titles=sorted(
            lines.values(), key=lambda line: (line.award_type.order, line.award_type.code)
        ),
        not_registered=[m.agency for m in memberships if m.agency_id not in registered_ids],
        registrations=registrations,
        member_count=len(memberships),
    )

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


def summarize(memberships, registered_ids, title_pairs) -> RegistrationSummary:
    """The summary from what was read: the registered agencies' ids and (agency id, award type)
    pairs. Agencies are named as they stood in the year, from the memberships, in their order."""
    by_agency = {membership.agency_id: membership.agency for membership in memberships}
    order = {agency_id: index for index, agency_id in enumerate(by_agency)}
    lines: dict[int, TitleLine] = {}
    for agency_id, award_type in sorted(
        (pair for pair in title_pairs if pair[0] in order), key=lambda pair: order[pair[0]]
    ):
        lines.setdefault(award_type.pk, TitleLine(award_type)).agencies.append(by_agency[agency_id])
    return RegistrationSummary(
        titles=sorted(
            lines.values(), key=lambda line: (line.award_type.order, line.award_type.code)
        ),
        not_registered=[m.agency for m in memberships if m.agency_id not in registered_ids],
        member_count=len(memberships),
    )


def registration_summary(bloc_year: BlocYear, memberships=None) -> RegistrationSummary:
    """What the bloc-year panel and the covenant page show, in two light queries (registered
    agencies, then title rows; building 200 registrations with their titles cost 30 ms)."""
    memberships = members_of(bloc_year) if memberships is None else memberships
    agency_of = dict(bloc_year.registrations.registered().values_list("pk", "agency_id"))
    title_rows = Registration.titles.through.objects.filter(
        registration_id__in=agency_of
    ).select_related("awardtype")
    pairs = [(agency_of[row.registration_id], row.awardtype) for row in title_rows]
    return summarize(memberships, set(agency_of.values()), pairs)


def annex_registrations(bloc_year: BlocYear, memberships) -> tuple[RegistrationSummary, dict]:
    """The covenant annex: the summary and each member's registration with its titles and
    targets, by agency id (three queries)."""
    registrations = {
        registration.agency_id: registration
        for registration in bloc_year.registrations.registered().prefetch_related(
            "titles", "targets"
        )
    }
    pairs = [
        (agency_id, award_type)
        for agency_id, registration in registrations.items()
        for award_type in registration.titles.all()
    ]
    return summarize(memberships, set(registrations), pairs), registrations

"""The units leading a bloc-year (from the vote on the provincial flag, or named by the head),
mirrored on each collective proposal's `leads_bloc`."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards.models import AwardProposal, LeadingUnit
from awards.services.proposals.common import facts
from blocs.models import Agency
from emulation.audit import log_action
from emulation.text import collapse_spaces


def leading_agency_ids(bloc_year) -> set[int]:
    return set(bloc_year.leading_units.values_list("agency_id", flat=True))


def _sync_leads_bloc(bloc_year) -> None:
    """Each collective proposal of the bloc-year says whether its unit leads the bloc."""
    leaders = leading_agency_ids(bloc_year)
    collective = AwardProposal.objects.filter(bloc_year=bloc_year, person_name="")
    collective.filter(agency_id__in=leaders).update(leads_bloc=True)
    collective.exclude(agency_id__in=leaders).update(leads_bloc=False)
    AwardProposal.objects.filter(bloc_year=bloc_year).exclude(person_name="").update(
        leads_bloc=False
    )


def record_voted_leaders(bloc_year, agency_ids, *, actor) -> set[int]:
    """The leading units from the vote on the provincial flag (winners, best first), up to the
    province's number per bloc; a choice the head recorded stays. Returns the leaders."""
    if bloc_year.leading_units.filter(source=LeadingUnit.Source.HEAD).exists():
        return leading_agency_ids(bloc_year)
    chosen = list(dict.fromkeys(agency_ids))[: settings.LEADING_UNITS_PER_BLOC]
    if {*chosen} != leading_agency_ids(bloc_year):
        bloc_year.leading_units.all().delete()
        LeadingUnit.objects.bulk_create(
            LeadingUnit(bloc_year=bloc_year, agency_id=agency_id, source=LeadingUnit.Source.VOTE)
            for agency_id in chosen
        )
        names = dict(Agency.objects.filter(pk__in=chosen).values_list("pk", "name"))
        log_action(
            "awards.leading_units.voted",
            bloc_year,
            actor=actor,
            data=facts(agencies=", ".join(names[a] for a in chosen)),
        )
    _sync_leads_bloc(bloc_year)
    return set(chosen)


@transaction.atomic
def set_leading_units(bloc_year, agencies, *, reason, actor) -> list:
    """The head names the units leading the bloc-year (a bloc without a vote on the flag, or a
    correction), with a reason; at most the province's number per bloc, members only."""
    agencies = list({agency.pk: agency for agency in agencies}.values())
    reason = collapse_spaces(reason or "")
    limit = settings.LEADING_UNITS_PER_BLOC
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi căn cứ xác định đơn vị dẫn đầu khối.")})
    if len(agencies) > limit:
        raise ValidationError(
            {
                "agencies": _(
                    "Mỗi khối có tối đa %(limit)s đơn vị dẫn đầu trong một năm (quy định của tỉnh)."
                )
                % {"limit": limit}
            }
        )
    members = set(bloc_year.memberships.values_list("agency_id", flat=True))
    outsiders = [agency.name for agency in agencies if agency.pk not in members]
    if outsiders:
        raise ValidationError(
            {
                "agencies": _("%(agencies)s không phải thành viên của khối năm %(year)s.")
                % {"agencies": ", ".join(outsiders), "year": bloc_year.year}
            }
        )
    before = sorted(
        bloc_year.leading_units.select_related("agency").values_list("agency__name", flat=True)
    )
    bloc_year.leading_units.all().delete()
    units = LeadingUnit.objects.bulk_create(
        LeadingUnit(
            bloc_year=bloc_year,
            agency=agency,
            source=LeadingUnit.Source.HEAD,
            reason=reason,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        for agency in agencies
    )
    _sync_leads_bloc(bloc_year)
    log_action(
        "awards.leading_units.set",
        bloc_year,
        actor=actor,
        data={
            "agencies": [", ".join(before), ", ".join(a.name for a in agencies)],
            "reason": reason,
        },
    )
    return units

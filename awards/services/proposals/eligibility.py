"""The eligibility findings and quota state of a year's proposals, gathered in a fixed number of
queries for the pure `awards.eligibility` checks."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from awards import eligibility
from awards.models import AwardProposal, AwardRecord, EligibilityRule, LeadingUnit
from blocs.models import Agency, AgencyChange


def rules_for_year(year: int) -> list:
    """The pure rule objects in effect for achievements of `year`."""
    return [rule.to_rule() for rule in EligibilityRule.objects.in_effect(year)]


def lineage_map(agency_ids) -> dict[int, set[int]]:
    """Each agency's lineage (itself and its predecessors), from two queries for the province."""
    predecessors = defaultdict(set)
    for pk, successor_id in Agency.objects.filter(successor__isnull=False).values_list(
        "pk", "successor_id"
    ):
        predecessors[successor_id].add(pk)
    for agency_id, related_id in AgencyChange.objects.filter(
        kind=AgencyChange.Kind.SPLIT_FROM, related_agency__isnull=False
    ).values_list("agency_id", "related_agency_id"):
        predecessors[agency_id].add(related_id)
    result = {}
    for agency_id in agency_ids:
        seen, frontier = {agency_id}, {agency_id}
        while frontier:
            frontier = {p for a in frontier for p in predecessors.get(a, ())} - seen
            seen |= frontier
        result[agency_id] = seen
    return result


@dataclass
class YearEligibility:
    """Findings per proposal id and the quota state for one achievement year."""

    findings: dict[int, list[eligibility.Finding]]
    quotas: list[eligibility.QuotaStatus]
    rules: list


def _key(proposal) -> eligibility.ProposalKey:
    return eligibility.ProposalKey(
        proposal.agency_id,
        proposal.award_type.code,
        proposal.year,
        eligibility.person_key(proposal.person_name),
    )


def _candidate(proposal, leaders) -> eligibility.Candidate:
    return eligibility.Candidate(
        agency_id=proposal.agency_id,
        award_code=proposal.award_type.code,
        year=proposal.year,
        award_label=proposal.award_type.label,
        agency_name=proposal.agency.name,
        person_name=proposal.person_name,
        agency_ended_on=proposal.agency.ended_on,
        leads_bloc=proposal.leads_bloc or proposal.agency_id in leaders,
        score=proposal.score,
    )


def year_eligibility(year: int, proposals) -> YearEligibility:
    """Evaluate `proposals` (of `year`, with agency and award_type loaded) against the year's
    other proposals, the ledger and the rules in effect. A constant number of queries."""
    rules = rules_for_year(year)
    live = list(
        AwardProposal.objects.live()
        .filter(year=year)
        .values_list(
            "pk", "agency_id", "award_type__code", "person_name", "leads_bloc", "percent", "votes"
        )
    )
    leading = defaultdict(set)
    for bloc_year_id, agency_id in LeadingUnit.objects.filter(bloc_year__year=year).values_list(
        "bloc_year_id", "agency_id"
    ):
        leading[bloc_year_id].add(agency_id)
    # The quota counts the bloc-years' leading units, at most the province's number per bloc.
    leader_count = sum(
        min(len(agencies), settings.LEADING_UNITS_PER_BLOC) for agencies in leading.values()
    )
    leaders = set().union(*leading.values()) if leading else set()
    keys_by_pk = {
        pk: eligibility.ProposalKey(agency, code, year, eligibility.person_key(person))
        for pk, agency, code, person, *_rest in live
    }
    awarded_keys = {
        eligibility.ProposalKey(agency, code, year, eligibility.person_key(person))
        for agency, code, person, proposal_id in AwardRecord.objects.awarded()
        .filter(year=year)
        .values_list("agency_id", "award_type__code", "person_name", "proposal_id")
        if proposal_id is None
    }
    history_rules = [
        r for r in rules if isinstance(r, eligibility.ConsecutiveRule | eligibility.WindowRule)
    ]
    history = defaultdict(list)
    lineages = {}
    if history_rules:
        lineages = lineage_map({p.agency_id for p in proposals})
        all_ids = set().union(*lineages.values()) if lineages else set()
        for agency_id, award_year, code in (
            AwardRecord.objects.awarded()
            .filter(agency_id__in=all_ids, person_name="")
            .values_list("agency_id", "year", "award_type__code")
        ):
            history[agency_id].append((award_year, code))
    proposed = Counter(code for _pk, _agency, code, *_rest in live)
    quotas = eligibility.quota_statuses(rules, leader_count, proposed)
    exceeded = {status.rule.award_code: status for status in quotas if status.exceeded}
    ranks = {
        code: eligibility.quota_ranks(
            [
                (pk, leads, percent, votes)
                for pk, _a, c, _p, leads, percent, votes in live
                if c == code
            ]
        )
        for code in exceeded
    }
    key_counts = Counter(keys_by_pk.values())
    findings = {}
    for proposal in proposals:
        own_key = _key(proposal)
        others_with_key = key_counts[own_key] - (1 if keys_by_pk.get(proposal.pk) == own_key else 0)
        duplicate = others_with_key > 0 or own_key in awarded_keys
        lineage_history = [
            item for agency in lineages.get(proposal.agency_id, ()) for item in history[agency]
        ]
        context = eligibility.Context(
            other_keys={own_key} if duplicate else set(), history=lineage_history
        )
        found = eligibility.check_candidate(_candidate(proposal, leaders), context, rules)
        code = proposal.award_type.code
        if code in exceeded and ranks[code].get(proposal.pk, 0) > exceeded[code].limit:
            status = exceeded[code]
            found.append(eligibility.Finding("quota", f"{status.message} {status.rule_text}"))
        findings[proposal.pk] = found
    return YearEligibility(findings, quotas, rules)


def _refuse_blocking(proposal):
    blocking = [
        finding
        for finding in year_eligibility(proposal.year, [proposal]).findings[proposal.pk]
        if finding.blocking
    ]
    if blocking:
        raise ValidationError([finding.message for finding in blocking])

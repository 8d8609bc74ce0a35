"""The proposal layer: every award poll's winners proposed to the province; past years decided
(one decision per year and award type, each award in the ledger), the last year's proposals
accepted for the council, so the council list of a large province holds its 300 proposals."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from awards.models import AwardProposal, AwardRecord, Decision, LeadingUnit
from awards.models.voting import Poll, PollKind
from emulation.models import AuditEntry
from portal.bench.province import Province

BATCH = 2000


def build_proposals(province: Province) -> int:
    """Every counted award poll's winners proposed; past years decided and in the ledger."""
    last_year = province.year
    proposals = _proposals(province)
    leading = _leading_units(proposals)
    decisions = _decisions(proposals, province.users["staff"])
    records = _ledger(proposals, decisions)
    entries = _audit_trail(province.users["staff"], proposals)

    province.ids["proposal"] = next(
        p.pk for p in proposals if p.bloc_year_id == province.bloc_year_id
    )
    province.ids["council_proposals"] = sum(1 for p in proposals if p.year == last_year)
    return len(proposals) + len(leading) + len(decisions) + len(records) + len(entries)


def _proposals(province: Province) -> list[AwardProposal]:
    """One proposal per winner of every counted award poll, decided before the last year and
    accepted in it, saved."""
    last_year = province.year
    now = timezone.now()
    polls = (
        Poll.objects.filter(
            bloc_year_id__in=province.bloc_year_ids,
            kind=PollKind.AWARD,
            tally_data__isnull=False,
        )
        .select_related("award_type", "bloc_year")
        .order_by("pk")
    )
    proposals = []
    for poll in polls:
        result = poll.result()
        for agency_id in result.winners:
            candidate = result.candidate(agency_id)
            decided = poll.bloc_year.year != last_year
            proposals.append(
                AwardProposal(
                    bloc_year_id=poll.bloc_year_id,
                    agency_id=agency_id,
                    award_type=poll.award_type,
                    year=poll.bloc_year.year,
                    origin=AwardProposal.Origin.POLL,
                    source_poll=poll,
                    votes=candidate.votes,
                    percent=Decimal(candidate.percent),
                    leads_bloc=poll.award_type.code == "CO_TINH",
                    state=AwardProposal.State.DECIDED if decided else AwardProposal.State.ACCEPTED,
                    council_percent=Decimal("92.50") if decided else None,
                    submitted_at=now,
                    created_by_id=province.users["head"],
                )
            )
    AwardProposal.objects.bulk_create(proposals, batch_size=BATCH)
    return proposals


def _leading_units(proposals) -> set[tuple[int, int]]:
    """The flag's winners lead their bloc-year, as the conference's proposals would record."""
    leading = {(p.bloc_year_id, p.agency_id) for p in proposals if p.leads_bloc}
    LeadingUnit.objects.bulk_create(
        (
            LeadingUnit(bloc_year_id=bloc_year_id, agency_id=agency_id, source="vote")
            for bloc_year_id, agency_id in sorted(leading)
        ),
        batch_size=BATCH,
    )
    return leading


def _decisions(proposals, staff_id) -> dict[tuple[int, int], Decision]:
    """One decision per year and award type of the decided proposals, saved."""
    decisions = {}
    for proposal in proposals:
        if proposal.state != AwardProposal.State.DECIDED:
            continue
        key = (proposal.year, proposal.award_type_id)
        if key not in decisions:
            decisions[key] = Decision(
                number=f"{len(decisions) + 101}/QĐ-UBND",
                signed_on=datetime.date(proposal.year + 1, 3, 15),
                signer_name="Trương Quốc Huy",
                signer_title="Chủ tịch Ủy ban nhân dân tỉnh",
                deciding_level=proposal.award_type.deciding_level,
                subject=f"Về việc tặng {proposal.award_type.label} năm {proposal.year}",
                created_by_id=staff_id,
            )
    Decision.objects.bulk_create(decisions.values(), batch_size=BATCH)
    return decisions


def _ledger(proposals, decisions) -> list[AwardRecord]:
    """Every decided proposal linked to its decision and entered in the ledger, saved."""
    records = []
    for proposal in proposals:
        if proposal.state == AwardProposal.State.DECIDED:
            decision = decisions[proposal.year, proposal.award_type_id]
            proposal.decision = decision
            records.append(
                AwardRecord(
                    agency_id=proposal.agency_id,
                    award_type_id=proposal.award_type_id,
                    year=proposal.year,
                    decision=decision,
                    source=AwardRecord.Source.BLOC_VOTE,
                    proposal=proposal,
                )
            )
    AwardProposal.objects.bulk_update(
        [p for p in proposals if p.decision_id], ["decision"], batch_size=BATCH
    )
    AwardRecord.objects.bulk_create(records, batch_size=BATCH)
    return records


def _audit_trail(staff_id, proposals) -> list[AuditEntry]:
    """Staff's created, submitted and accepted entries for every proposal, saved."""
    proposal_type = ContentType.objects.get_for_model(AwardProposal)
    entries = [
        AuditEntry(
            actor_id=staff_id,
            actor_name="Nguyễn Thị Thu Hà",
            action=f"awards.proposal.{action}",
            content_type=proposal_type,
            object_id=str(proposal.pk),
            object_repr=f"{proposal.year}: {proposal.award_type.label}",
        )
        for proposal in proposals
        for action in ("created", "submitted", "accepted")
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
    return entries

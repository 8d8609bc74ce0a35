"""New proposals: drafts from a finalized conference's winners, or entered by hand."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards import eligibility
from awards.models import AwardProposal, AwardType, ProposalDocument, VotingSession
from awards.services.proposals.common import LEADING_AWARD_CODE, Kind, facts
from awards.services.proposals.eligibility import _refuse_blocking
from awards.services.proposals.leading import leading_agency_ids, record_voted_leaders
from awards.services.scoring import counted_scores
from blocs.models import Agency
from emulation.audit import log_action
from emulation.text import collapse_spaces


def unit_scores(bloc_year) -> dict:
    """Each member's total in the bloc's score table as printed, kept on its proposals so the
    province's minimum score can be checked (empty when the bloc did not score)."""
    scores = counted_scores(bloc_year)
    return {} if scores is None else {r.agency.pk: r.total_shown for r in scores.results}


def _minutes_of(bloc_year) -> list:
    """The issued minutes of the bloc-year's finalized conference (count, then conference)."""
    session = (
        VotingSession.objects.filter(bloc_year=bloc_year, state=VotingSession.State.FINALIZED)
        .select_related("count_minutes", "conference_minutes")
        .first()
    )
    if session is None:
        return []
    return [doc for doc in (session.count_minutes, session.conference_minutes) if doc]


def _attach_minutes(bloc_year, proposals, *, actor):
    """Link the conference's issued minutes into each editable proposal's dossier, once."""
    minutes = _minutes_of(bloc_year)
    if not minutes:
        return
    attached = set(
        ProposalDocument.objects.filter(
            proposal__in=proposals, issued_document__in=minutes
        ).values_list("proposal_id", "issued_document_id")
    )
    ProposalDocument.objects.bulk_create(
        ProposalDocument(
            proposal=proposal,
            kind=Kind.MINUTES,
            issued_document=document,
            original_name=document.number,
            size=document.size,
            sha256=document.sha256,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        for proposal in proposals
        if proposal.is_editable
        for document in minutes
        if (proposal.pk, document.pk) not in attached
    )


def _poll_evidence(poll, result, agency_id) -> tuple[int | None, Decimal | None, dict]:
    """The winner's votes and percent and a snapshot of the poll's counts, as evidence."""
    candidate_result = next((c for c in result.candidates if c.candidate_id == agency_id), None)
    snapshot_data = {
        "poll": poll.pk,
        "poll_title": str(poll),
        "members": result.members,
        "present": result.present,
        "issued": result.issued,
        "returned": result.returned,
        "valid": result.valid,
        "invalid": result.invalid,
        "base": result.rule.base,
        "base_count": result.base_count,
        "candidates": [
            {"id": c.candidate_id, "name": c.name, "votes": c.votes, "percent": str(c.percent)}
            for c in result.candidates
        ],
    }
    if candidate_result is None:
        return None, None, snapshot_data
    return candidate_result.votes, candidate_result.percent, snapshot_data


@transaction.atomic
def create_proposals_for_session(session, *, actor) -> list[AwardProposal]:
    """One draft per winner of each award poll of a finalized session; running it again
    creates nothing twice. Winners of the leading-title poll become the bloc-year's leading
    units (unless the head named them), up to the province's number per bloc."""
    bloc_year = session.bloc_year
    award_polls = [
        poll
        for poll in session.polls.select_related("award_type").order_by("pk")
        if poll.kind == "award" and poll.award_type_id
    ]
    winners = []
    for poll in award_polls:
        result = poll.result()
        if result is not None:
            winners.append((poll, result, list(result.winners)))
    voted_leaders = [
        agency_id
        for poll, _result, agency_ids in winners
        if poll.award_type.code == LEADING_AWARD_CODE
        for agency_id in agency_ids
    ]
    leaders = record_voted_leaders(bloc_year, voted_leaders, actor=actor)
    totals = unit_scores(bloc_year)
    agencies = Agency.objects.in_bulk({a for _p, _r, agency_ids in winners for a in agency_ids})
    created, skipped = [], []
    for poll, result, agency_ids in winners:
        for agency_id in agency_ids:
            agency = agencies[agency_id]
            exists = (
                AwardProposal.objects.live()
                .filter(
                    agency_id=agency_id,
                    award_type=poll.award_type,
                    year=bloc_year.year,
                    person_name="",
                )
                .exists()
            )
            if exists:
                continue
            if eligibility.ended_before_year_closed(agency.ended_on, bloc_year.year):
                skipped.append(agency.name)
                continue
            votes, percent, evidence = _poll_evidence(poll, result, agency_id)
            proposal = AwardProposal.objects.create(
                bloc_year=bloc_year,
                agency=agency,
                award_type=poll.award_type,
                year=bloc_year.year,
                origin=AwardProposal.Origin.POLL,
                votes=votes,
                percent=percent,
                evidence=evidence,
                leads_bloc=agency_id in leaders,
                score=totals.get(agency_id),
                source_poll=poll,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            log_action(
                "awards.proposal.created",
                proposal,
                actor=actor,
                data=facts(origin="poll", poll=str(poll), votes=votes),
            )
            created.append(proposal)
    _attach_minutes(
        bloc_year,
        list(bloc_year.proposals.filter(state__in=AwardProposal.EDITABLE_STATES)),
        actor=actor,
    )
    if skipped:
        log_action(
            "awards.proposal.skipped_ended_agencies",
            bloc_year,
            actor=actor,
            data=facts(agencies=", ".join(skipped)),
        )
    return created


@transaction.atomic
def add_manual_proposal(
    bloc_year,
    *,
    agency,
    award_type: AwardType,
    person_name: str = "",
    person_title: str = "",
    votes: int | None = None,
    percent: Decimal | None = None,
    basis: str = "",
    actor,
) -> AwardProposal:
    """A proposal entered by hand (individuals, imported history, or a bloc without a session);
    it leads the bloc when its unit is one of the bloc-year's leading units.

    It was not voted at the conference, so its dossier does not get the conference minutes as
    its biên bản bình xét, and the tờ trình cites its own `basis`.
    """
    if not bloc_year.memberships.filter(agency=agency).exists():
        raise ValidationError(
            _("%(agency)s không phải thành viên của khối năm %(year)s.")
            % {"agency": agency, "year": bloc_year.year}
        )
    if person_name and award_type.recipient == AwardType.Recipient.COLLECTIVE:
        raise ValidationError(_("%(award)s chỉ dành cho tập thể.") % {"award": award_type})
    if not person_name and award_type.recipient == AwardType.Recipient.INDIVIDUAL:
        raise ValidationError(
            _("%(award)s dành cho cá nhân: vui lòng nhập họ tên.") % {"award": award_type}
        )
    proposal = AwardProposal(
        bloc_year=bloc_year,
        agency=agency,
        award_type=award_type,
        year=bloc_year.year,
        person_name=person_name,
        person_title=person_title,
        leads_bloc=not person_name and agency.pk in leading_agency_ids(bloc_year),
        score=None if person_name else unit_scores(bloc_year).get(agency.pk),
        votes=votes,
        percent=percent,
        basis=collapse_spaces(basis),
        origin=AwardProposal.Origin.MANUAL,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _refuse_blocking(proposal)
    proposal.save()
    log_action(
        "awards.proposal.created",
        proposal,
        actor=actor,
        data=facts(origin="manual", leads_bloc=proposal.leads_bloc, basis=proposal.basis),
    )
    return proposal

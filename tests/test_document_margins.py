"""Every document kind keeps its ink inside the Decree-30 margins (left 30 mm, right 15 mm; the
ballot papers' own 12 mm), on every page, at a realistic size: 16 members with long names,
targets in the covenant's annex, the minutes of a conference with a runoff."""

import pytest

from awards.models import AwardProposal, AwardType, ProposalDocument
from awards.pdf import (
    ballot_papers_pdf,
    conference_minutes_pdf,
    council_list_pdf,
    count_minutes_pdf,
)
from awards.services import proposals as proposal_services
from awards.services import voting
from blocs.pdf import covenant_pdf
from blocs.services import covenants
from emulation.documents import read_document, sample_minutes_pdf
from tests.awards.voting_fixtures import agency_ids, award, make_session
from tests.blocs.test_covenant_pdf import SIXTEEN_AGENCIES
from tests.factories import bloc_year_with_members, covenant_for
from tests.pdf_helpers import ink_in_margins

DECREE_30 = {"left_mm": 30, "right_mm": 15}


@pytest.fixture
def sixteen(db):
    bloc_year = bloc_year_with_members(16)
    for index, membership in enumerate(bloc_year.memberships.select_related("agency")):
        membership.agency.name = SIXTEEN_AGENCIES[index]
        membership.agency.save()
    return bloc_year


def test_the_covenant_with_its_annex_keeps_the_margins(sixteen):
    titles = list(AwardType.objects.filter(code__in=["CO_CP", "CO_TINH"]))
    for index, membership in enumerate(sixteen.memberships.select_related("agency")):
        registration = covenants.save_registration(
            sixteen,
            membership.agency,
            titles=[titles[index % 2]],
            targets=[
                {
                    "indicator": "Tỷ lệ hồ sơ giải quyết đúng và trước hạn",
                    "value": "100",
                    "unit": "%",
                },
                {
                    "indicator": "Mô hình, sáng kiến thi đua mới được công nhận",
                    "value": "2",
                    "unit": "mô hình",
                },
            ],
            actor=None,
        )
        covenants.submit_registration(registration, actor=None)
        covenants.accept_registration(registration, actor=None)
    draft = covenant_for(sixteen)
    assert ink_in_margins(covenant_pdf(draft)[2], **DECREE_30) == []
    signed = covenants.open_covenant(draft, actor=None)
    covenants.record_paper_signatures(
        signed,
        [m.agency for m in sixteen.memberships.select_related("agency")],
        signed_on=sixteen.memberships.first().joined_at.date(),
        actor=None,
    )
    signed.refresh_from_db()
    assert ink_in_margins(covenant_pdf(signed)[2], **DECREE_30) == []


def conference_of(bloc_year):
    session = make_session(bloc_year, absent=2)
    poll = voting.create_poll(
        session, kind="award", award_type=award("CO_TINH"), seats=2, actor=None
    )
    voting.open_poll(poll, actor=None)
    ids = agency_ids(poll)
    for marks in [ids[:2]] * 6 + [[ids[0], ids[2]]] * 6 + [ids[1:3]] * 2:
        voting.record_ballot(poll, marks, actor=None)
    voting.count_poll(poll, actor=None)
    for kind in ("next_head", "next_deputy"):
        leader = voting.create_poll(session, kind=kind, actor=None)
        voting.open_poll(leader, actor=None)
        for _ in range(14):
            voting.record_ballot(leader, [ids[3 if kind == "next_head" else 4]], actor=None)
        voting.count_poll(leader, actor=None)
    return session, poll


def test_both_minutes_keep_the_margins(sixteen):
    session, _poll = conference_of(sixteen)
    assert ink_in_margins(count_minutes_pdf(session)[2], **DECREE_30) == []
    assert ink_in_margins(conference_minutes_pdf(session)[2], **DECREE_30) == []


def test_ballot_papers_of_forty_candidates_keep_their_margins(db):
    bloc_year = bloc_year_with_members(40)
    session = make_session(bloc_year)
    poll = voting.create_poll(
        session, kind="award", award_type=award("CO_TINH"), seats=3, actor=None
    )
    data = ballot_papers_pdf(poll, papers=2)[2]
    assert ink_in_margins(data, left_mm=12, right_mm=12) == []


def test_the_request_letter_the_council_list_and_the_sample_minutes_keep_the_margins(sixteen):
    session, _poll = conference_of(sixteen)
    voting.finalize_session(session, actor=None)
    proposals = list(AwardProposal.objects.filter(bloc_year=sixteen))
    for proposal in proposals:
        for kind in proposal.required_document_kinds():
            ProposalDocument.objects.create(proposal=proposal, kind=kind)
    proposal_services.submit_proposals(sixteen, proposals, actor=None)
    letter = proposals[0].documents.get(kind=ProposalDocument.Kind.REQUEST_LETTER)
    assert ink_in_margins(read_document(letter.issued_document), **DECREE_30) == []
    AwardProposal.objects.update(state=AwardProposal.State.ACCEPTED)
    assert ink_in_margins(council_list_pdf(2024)[2], **DECREE_30) == []
    assert ink_in_margins(sample_minutes_pdf(sixteen)[2], **DECREE_30) == []


def test_the_score_table_and_the_minutes_annex_keep_the_margins(sixteen):
    from awards.models import ScoreSheet
    from awards.score_table import score_table_pdf
    from awards.seed import example_criteria_rows
    from awards.services import scoring

    scoring.save_province_criteria(
        year=sixteen.year,
        bloc_kind=sixteen.bloc.kind,
        title="Bảng tiêu chí chấm điểm thi đua các khối",
        rows=example_criteria_rows(),
        bonus_cap=5,
        actor=None,
    )
    scoring.adopt_criteria(sixteen, actor=None)
    scoring.set_scoring_plan(sixteen, method="self_only", actor=None)
    for number, sheet in enumerate(ScoreSheet.objects.filter(bloc_year=sixteen)):
        criteria = [c for c in scoring.sheet_criteria(sheet) if c.scored]
        points = {
            c.pk: (str(c.max_points if c.kind == "yes_no" else c.max_points - number % 3), "")
            for c in criteria
        }
        scoring.save_sheet(sheet, points, actor=None)
        for criterion in criteria:
            if criterion.evidence_required:
                sheet.evidence.create(
                    criterion=criterion, file_name="x.pdf", original_name="x.pdf", sha256="0" * 64
                )
        scoring.submit_sheet(sheet, actor=None)
    scores = scoring.bloc_scores(sixteen)
    assert ink_in_margins(score_table_pdf(sixteen, scores)[2], **DECREE_30) == []
    session, _poll = conference_of(sixteen)
    minutes = conference_minutes_pdf(session, scores=scores)[2]
    assert ink_in_margins(minutes, **DECREE_30) == []

"""The proposal state machine: every allowed move works and is audited, every other is refused."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from awards.models import AwardProposal, AwardRecord, ProposalDocument
from awards.services import ledger
from awards.services import proposals as services
from awards.services.proposals.common import _transition
from emulation.models import AuditEntry
from tests.factories import AwardProposalFactory, award_type

State = AwardProposal.State
ALL_PAIRS = list(itertools.product(State.values, State.values))


def in_state(bloc_year, state, code="CO_TINH", **kwargs):
    proposal = AwardProposalFactory(bloc_year=bloc_year, award_type=award_type(code), **kwargs)
    AwardProposal.objects.filter(pk=proposal.pk).update(state=state)
    proposal.refresh_from_db()
    return proposal


def complete_dossier(proposal):
    for kind in proposal.required_document_kinds():
        ProposalDocument.objects.create(proposal=proposal, kind=kind, original_name=f"{kind}.pdf")


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS)
def test_the_transition_path_allows_exactly_the_table(bloc_year, province_staff, source, target):
    proposal = in_state(bloc_year, source)
    allowed = target in AwardProposal.WORKFLOW.moves[source]
    if allowed:
        _transition(proposal, target, actor=province_staff, verb="moved")
        proposal.refresh_from_db()
        assert proposal.state == target
        entry = AuditEntry.objects.for_object(proposal).get()
        assert entry.data["state"] == [source, target]
    else:
        with pytest.raises(ValidationError, match="Không thể chuyển"):
            _transition(proposal, target, actor=province_staff, verb="moved")
        proposal.refresh_from_db()
        assert proposal.state == source
        assert not AuditEntry.objects.for_object(proposal).exists()


def test_every_state_has_a_row_in_the_table():
    assert set(AwardProposal.WORKFLOW.moves) == set(State)


def test_the_head_submits_a_complete_draft(bloc_year, bloc_head):
    proposal = in_state(bloc_year, State.DRAFT)
    complete_dossier(proposal)
    services.submit_proposals(bloc_year, [proposal], actor=bloc_head)
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED
    assert proposal.submitted_at is not None
    assert AuditEntry.objects.for_object(proposal).filter(action="awards.proposal.submitted")


def test_a_missing_dossier_document_blocks_submission_and_says_which(bloc_year, bloc_head):
    proposal = in_state(bloc_year, State.DRAFT)
    ProposalDocument.objects.create(
        proposal=proposal, kind=ProposalDocument.Kind.REQUEST_LETTER, original_name="ttr.pdf"
    )
    with pytest.raises(ValidationError) as error:
        services.submit_proposals(bloc_year, [proposal], actor=bloc_head)
    text = " ".join(error.value.messages)
    assert "Biên bản họp bình xét" in text
    assert "Báo cáo thành tích" in text
    assert "Tờ trình" not in text
    proposal.refresh_from_db()
    assert proposal.state == State.DRAFT


def test_an_individual_title_also_needs_initiative_certificates(bloc_year, bloc_head):
    proposal = in_state(
        bloc_year, State.DRAFT, code="CSTD_TINH", person_name="Nguyễn Văn An", agency=bloc_year.head
    )
    assert ProposalDocument.Kind.INITIATIVE in proposal.required_document_kinds()
    for kind in proposal.required_document_kinds()[:-1]:
        ProposalDocument.objects.create(proposal=proposal, kind=kind)
    with pytest.raises(ValidationError, match="Giấy chứng nhận sáng kiến"):
        services.submit_proposals(bloc_year, [proposal], actor=bloc_head)


def test_an_award_form_needs_no_minutes(bloc_year):
    proposal = in_state(bloc_year, State.DRAFT, code="BK_TINH")
    assert ProposalDocument.Kind.MINUTES not in proposal.required_document_kinds()


def test_one_incomplete_proposal_stops_the_whole_submission(bloc_year, bloc_head):
    ready = in_state(bloc_year, State.DRAFT)
    complete_dossier(ready)
    incomplete = in_state(bloc_year, State.DRAFT, code="TTLDXS")
    with pytest.raises(ValidationError):
        services.submit_proposals(bloc_year, [ready, incomplete], actor=bloc_head)
    ready.refresh_from_db()
    assert ready.state == State.DRAFT


def test_a_returned_proposal_carries_its_reason_and_can_be_resubmitted(
    bloc_year, bloc_head, province_staff
):
    proposal = in_state(bloc_year, State.UNDER_REVIEW)
    complete_dossier(proposal)
    services.return_proposal(proposal, reason="Thiếu chữ ký trên báo cáo", actor=province_staff)
    proposal.refresh_from_db()
    assert proposal.state == State.RETURNED
    assert proposal.return_reason == "Thiếu chữ ký trên báo cáo"
    services.submit_proposals(bloc_year, [proposal], actor=bloc_head)
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED
    assert proposal.return_reason == ""


def test_returning_needs_a_reason(bloc_year, province_staff):
    proposal = in_state(bloc_year, State.UNDER_REVIEW)
    with pytest.raises(ValidationError, match="lý do"):
        services.return_proposal(proposal, reason="  ", actor=province_staff)


def test_staff_review_and_accept_in_bulk(bloc_year, province_staff):
    first, second = in_state(bloc_year, State.SUBMITTED), in_state(bloc_year, State.SUBMITTED)
    services.start_review([first, second], actor=province_staff)
    services.accept_proposals([first, second], actor=province_staff)
    assert set(AwardProposal.objects.values_list("state", flat=True)) == {State.ACCEPTED}


def test_bulk_accept_is_all_or_nothing(bloc_year, province_staff):
    reviewed, draft = in_state(bloc_year, State.UNDER_REVIEW), in_state(bloc_year, State.DRAFT)
    with pytest.raises(ValidationError):
        services.accept_proposals([reviewed, draft], actor=province_staff)
    reviewed.refresh_from_db()
    assert reviewed.state == State.UNDER_REVIEW


@pytest.mark.parametrize(
    ("approved", "state"), [(True, "council_approved"), (False, "council_rejected")]
)
def test_the_council_outcome_records_its_percentage(bloc_year, province_staff, approved, state):
    proposal = in_state(bloc_year, State.ACCEPTED)
    services.record_council_outcome(
        proposal, approved=approved, percent=Decimal("92.5"), actor=province_staff
    )
    proposal.refresh_from_db()
    assert proposal.state == state
    assert proposal.council_percent == Decimal("92.5")


@pytest.mark.parametrize("percent", [Decimal("-1"), Decimal("100.01"), None])
def test_the_council_percentage_must_be_between_0_and_100(bloc_year, province_staff, percent):
    proposal = in_state(bloc_year, State.ACCEPTED)
    with pytest.raises(ValidationError):
        services.record_council_outcome(
            proposal, approved=True, percent=percent, actor=province_staff
        )


def decide(proposals, actor, number="15/QĐ-UBND", level="province_chairman"):
    return ledger.record_decision(
        proposals,
        number=number,
        signed_on=datetime.date(2025, 3, 1),
        signer_name="Nguyễn Văn Chủ",
        signer_title="Chủ tịch UBND tỉnh",
        deciding_level=level,
        actor=actor,
    )


def test_one_decision_covers_many_proposals_and_fills_the_ledger(bloc_year, province_staff):
    first = in_state(bloc_year, State.COUNCIL_APPROVED)
    second = in_state(bloc_year, State.COUNCIL_APPROVED, code="TTLDXS")
    decision = decide([first, second], province_staff)
    assert set(decision.proposals.values_list("state", flat=True)) == {State.DECIDED}
    records = AwardRecord.objects.filter(decision=decision)
    assert records.count() == 2
    assert {r.source for r in records} == {AwardRecord.Source.BLOC_VOTE}


def test_a_state_level_award_must_be_forwarded_before_its_decision(bloc_year, province_staff):
    proposal = in_state(bloc_year, State.COUNCIL_APPROVED, code="CO_CP")
    with pytest.raises(ValidationError, match="trình cấp trên"):
        decide([proposal], province_staff)
    services.forward_proposals(
        [proposal],
        letter_number="45/TTr-UBND",
        forwarded_on=datetime.date(2025, 2, 1),
        actor=province_staff,
    )
    proposal.refresh_from_db()
    assert proposal.state == State.FORWARDED
    assert proposal.forwarded_letter_number == "45/TTr-UBND"
    decide([proposal], province_staff, number="200/QĐ-TTg", level="prime_minister")
    proposal.refresh_from_db()
    assert proposal.state == State.DECIDED


def test_a_provincial_award_cannot_be_forwarded(bloc_year, province_staff):
    proposal = in_state(bloc_year, State.COUNCIL_APPROVED)
    with pytest.raises(ValidationError, match="do tỉnh quyết định"):
        services.forward_proposals(
            [proposal],
            letter_number="1/TTr",
            forwarded_on=datetime.date(2025, 1, 1),
            actor=province_staff,
        )


def test_a_later_decision_revokes_an_award_and_its_proposal(bloc_year, province_staff):
    proposal = in_state(bloc_year, State.COUNCIL_APPROVED)
    decide([proposal], province_staff)
    record = AwardRecord.objects.get(proposal=proposal)
    ledger.revoke_award(
        record,
        number="99/QĐ-UBND",
        signed_on=datetime.date(2025, 9, 1),
        reason="Phát hiện sai phạm",
        actor=province_staff,
    )
    record.refresh_from_db()
    proposal.refresh_from_db()
    assert record.status == AwardRecord.Status.REVOKED
    assert record.revoked_by.number == "99/QĐ-UBND"
    assert proposal.state == State.REVOKED


def test_revoking_needs_a_later_decision_and_a_reason(bloc_year, province_staff):
    proposal = in_state(bloc_year, State.COUNCIL_APPROVED)
    decide([proposal], province_staff)
    record = AwardRecord.objects.get(proposal=proposal)
    with pytest.raises(ValidationError, match="lý do"):
        ledger.revoke_award(
            record, number="9/QĐ", signed_on=datetime.date(2025, 9, 1), reason="", actor=None
        )
    with pytest.raises(ValidationError, match="sau quyết định"):
        ledger.revoke_award(
            record, number="9/QĐ", signed_on=datetime.date(2024, 1, 1), reason="x", actor=None
        )


@pytest.mark.parametrize("state", sorted(set(State.values) - {"draft", "returned"}))
def test_a_dossier_is_locked_once_sent(bloc_year, bloc_head, state):
    proposal = in_state(bloc_year, state)
    document = ProposalDocument.objects.create(proposal=proposal, kind="other")
    with pytest.raises(ValidationError, match="không sửa được"):
        services.remove_document(document, actor=bloc_head)
    assert ProposalDocument.objects.filter(pk=document.pk).exists()


def test_an_issued_document_stays_in_the_dossier(bloc_year, bloc_head):
    from emulation.models import IssuedDocument

    proposal = in_state(bloc_year, State.DRAFT)
    issued = IssuedDocument.objects.create(
        issuer_code="KTĐVHXH",
        issuer_name="Khối",
        year=2024,
        sequence=1,
        kind="BB",
        number="01/BB-KTĐVHXH",
        title="Biên bản",
        sha256="0" * 64,
        size=1,
    )
    document = ProposalDocument.objects.create(
        proposal=proposal, kind="minutes", issued_document=issued
    )
    with pytest.raises(ValidationError, match="không gỡ"):
        services.remove_document(document, actor=bloc_head)

"""The province workspace's refusals: each names the proposal and the state or level it needs."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from awards.models import AwardProposal, AwardRecord, AwardType
from awards.services import ledger
from awards.services import proposals as services
from tests.awards.test_proposals_states import in_state

State = AwardProposal.State
Level = AwardType.Level
LEVEL_PAIRS = list(itertools.product(Level.values, Level.values))


def messages_of(error: ValidationError) -> str:
    return " | ".join(error.messages)


def decide(proposals, actor, level, number="15/QĐ-UBND"):
    return ledger.record_decision(
        proposals,
        number=number,
        signed_on=datetime.date(2025, 3, 1),
        signer_name="Nguyễn Văn Chủ",
        deciding_level=level,
        actor=actor,
    )


@pytest.mark.parametrize(("award_level", "decision_level"), LEVEL_PAIRS)
def test_only_the_award_types_own_authority_decides_it(award_level, decision_level):
    award_type = AwardType(label="Danh hiệu thử", deciding_level=award_level)
    refusal = services.level_refusal(award_type, decision_level)
    if award_level == decision_level:
        assert refusal is None
        return
    assert "Danh hiệu thử" in refusal
    assert str(Level(award_level).label) in refusal
    if award_level in (Level.STATE_PRESIDENT, Level.PRIME_MINISTER):
        assert "tỉnh không quyết định được" in refusal
    else:
        assert str(Level(decision_level).label) in refusal


def test_a_decision_without_a_stated_level_is_not_checked():
    assert services.level_refusal(AwardType(deciding_level=Level.AGENCY_HEAD), "") is None


def test_a_head_of_agency_decision_is_refused_for_a_provincial_award(bloc_year, province_staff):
    proposal = in_state(bloc_year, State.COUNCIL_APPROVED, "CO_TINH")
    with pytest.raises(ValidationError) as caught:
        decide([proposal], province_staff, Level.AGENCY_HEAD)
    assert proposal.recipient_label in messages_of(caught.value)
    assert "Chủ tịch UBND tỉnh" in messages_of(caught.value)
    proposal.refresh_from_db()
    assert proposal.state == State.COUNCIL_APPROVED
    assert not AwardRecord.objects.exists()


def test_the_province_cannot_decide_a_state_level_award(bloc_year, province_staff):
    proposal = in_state(bloc_year, State.FORWARDED, "CO_CP")
    with pytest.raises(ValidationError, match="tỉnh không quyết định được"):
        decide([proposal], province_staff, Level.PROVINCE_CHAIRMAN)
    decide([proposal], province_staff, Level.PRIME_MINISTER, number="200/QĐ-TTg")
    proposal.refresh_from_db()
    assert proposal.state == State.DECIDED


def test_a_decision_without_the_council_result_says_it_is_missing(bloc_year, province_staff):
    ready = in_state(bloc_year, State.COUNCIL_APPROVED, "CO_TINH", agency=bloc_year.head)
    waiting = in_state(bloc_year, State.ACCEPTED, "TTLDXS", agency=bloc_year.deputy)
    with pytest.raises(ValidationError) as caught:
        decide([ready, waiting], province_staff, Level.PROVINCE_CHAIRMAN)
    text = messages_of(caught.value)
    assert "chưa có kết quả của Hội đồng" in text
    assert waiting.recipient_label in text
    assert ready.recipient_label not in text
    ready.refresh_from_db()
    assert ready.state == State.COUNCIL_APPROVED


def test_a_bulk_accept_with_one_wrong_proposal_names_it_and_changes_nothing(
    bloc_year, province_staff
):
    good = in_state(bloc_year, State.UNDER_REVIEW, "CO_TINH", agency=bloc_year.head)
    wrong = in_state(bloc_year, State.SUBMITTED, "TTLDXS", agency=bloc_year.deputy)
    with pytest.raises(ValidationError) as caught:
        services.accept_proposals([good, wrong], actor=province_staff)
    text = messages_of(caught.value)
    assert wrong.recipient_label in text
    assert "“Đã gửi”" in text and "“Đang thẩm định”" in text
    assert good.recipient_label not in text
    good.refresh_from_db()
    assert good.state == State.UNDER_REVIEW


@pytest.mark.parametrize(
    ("step", "needed"),
    [
        (lambda chosen, actor: services.start_review(chosen, actor=actor), State.SUBMITTED),
        (lambda chosen, actor: services.accept_proposals(chosen, actor=actor), State.UNDER_REVIEW),
        (
            lambda chosen, actor: services.forward_proposals(
                chosen, letter_number="1/TTr", forwarded_on=datetime.date(2025, 2, 1), actor=actor
            ),
            State.COUNCIL_APPROVED,
        ),
    ],
)
def test_every_bulk_step_names_the_state_it_needs(bloc_year, province_staff, step, needed):
    wrong = in_state(bloc_year, State.DRAFT, "CO_CP")
    with pytest.raises(ValidationError) as caught:
        step([wrong], province_staff)
    text = messages_of(caught.value)
    assert f"“{State(needed).label}”" in text
    assert wrong.recipient_label in text


def test_council_results_for_many_proposals_are_all_or_none(bloc_year, province_staff):
    first = in_state(bloc_year, State.ACCEPTED, "CO_TINH", agency=bloc_year.head)
    decided = in_state(bloc_year, State.DECIDED, "TTLDXS", agency=bloc_year.deputy)
    entries = {first: (True, Decimal("90"), ""), decided: (False, Decimal("10"), "")}
    with pytest.raises(ValidationError) as caught:
        services.record_council_outcomes(entries, actor=province_staff)
    assert decided.recipient_label in messages_of(caught.value)
    first.refresh_from_db()
    assert first.state == State.ACCEPTED
    services.record_council_outcomes({first: (True, Decimal("90"), "")}, actor=province_staff)
    first.refresh_from_db()
    assert (first.state, first.council_percent) == (State.COUNCIL_APPROVED, Decimal("90"))


@given(percent=st.decimals(min_value=-1000, max_value=1000, places=2))
def test_the_council_percentage_must_be_between_0_and_100(percent):
    from awards.forms.council_results import CouncilResultRowForm
    from blocs.models import Agency

    proposal = AwardProposal(pk=1, person_name="Nguyễn Văn A")
    proposal.agency = Agency(name="Sở Y tế")
    proposal.award_type = AwardType(label="Chiến sĩ thi đua")
    form = CouncilResultRowForm({"p1-result": "1", "p1-percent": str(percent)}, proposal=proposal)
    assert form.is_valid() == (Decimal(0) <= percent <= Decimal(100))

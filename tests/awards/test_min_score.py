"""A province's minimum score for an award: "only units scoring ≥ X may be candidates for award
Y". The rule in words (pure), kept as a rule version by staff, and applied to a poll's list."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from awards import eligibility
from awards.models import EligibilityRule, ScoreSheet, VotingSession
from awards.services import scoring as services
from awards.services import voting
from tests.awards.test_scoring_services import _evidence
from tests.awards.test_scoring_views import FULL, _entries
from tests.factories import award_type

POINTS = st.decimals(min_value=0, max_value=120, places=2, allow_nan=False, allow_infinity=False)


@given(POINTS, POINTS, POINTS)
def test_a_higher_score_is_never_below_when_a_lower_one_is_not(minimum, lower, extra):
    rule = eligibility.MinScoreRule("CO_TINH", minimum)
    if not eligibility.below_min_score(rule, lower):
        assert not eligibility.below_min_score(rule, lower + extra)
    assert eligibility.below_min_score(rule, minimum) is False
    assert eligibility.below_min_score(rule, None) is False  # the bloc did not score


def test_the_rule_in_words():
    rule = eligibility.MinScoreRule("CO_TINH", Decimal("92.5"), "Cờ thi đua của UBND tỉnh")
    assert eligibility.rule_text(rule) == (
        "Cờ thi đua của UBND tỉnh chỉ dành cho đơn vị đạt từ 92,5 điểm trở lên trong bảng tổng "
        "hợp kết quả chấm điểm thi đua của khối."
    )


def _rule(points, code="CO_TINH"):
    return EligibilityRule.objects.create(
        kind=EligibilityRule.Kind.MIN_SCORE,
        award_type=award_type(code),
        min_points=Decimal(points),
        effective_from="2024-01-01",
    )


def test_staff_add_the_rule_and_a_missing_or_wrong_minimum_is_refused(staff_client):
    add = reverse("awards:eligibility_rule_add")
    data = {
        "kind": "min_score",
        "award_type": award_type("CO_TINH").pk,
        "rounding": "floor",
        "percent": "20",  # not used by this kind: cleared
        "effective_from": "01/01/2024",
        "enabled": "on",
    }
    missing = staff_client.post(add, data)
    assert missing.status_code == 200 and "Nhập số điểm tối thiểu." in missing.content.decode()
    wrong = staff_client.post(add, {**data, "min_points": "chín mươi"})
    assert "Nhập một số, ví dụ 90 hoặc 92,5." in wrong.content.decode()
    too_high = staff_client.post(add, {**data, "min_points": "5000"})
    assert too_high.status_code == 200 and not EligibilityRule.objects.filter(kind="min_score")
    assert staff_client.post(add, {**data, "min_points": "67,5"}).status_code == 302
    rule = EligibilityRule.objects.get(kind="min_score")
    assert (rule.min_points, rule.percent) == (Decimal("67.5"), None)
    listed = staff_client.get(reverse("awards:eligibility_rules")).content.decode()
    assert "chỉ dành cho đơn vị đạt từ 67,5 điểm trở lên" in listed


@pytest.fixture
def scored(planned, bloc_head):
    """Sở Y tế 70 points, the four others 66; a conference to vote in."""
    for sheet in ScoreSheet.objects.filter(
        bloc_year=planned, agency_id=F("scorer_id")
    ).select_related("agency"):
        values = {**FULL, "I_1": "40"} if sheet.agency.name == "Sở Y tế" else FULL
        services.save_sheet(sheet, _entries(sheet, values), actor=bloc_head)
        _evidence(sheet)
        services.submit_sheet(sheet, actor=bloc_head)
    session = VotingSession.objects.create(
        bloc_year=planned, held_at="2024-12-20T08:00+07:00", place="Hội trường"
    )
    return session


def _ids(session, *names):
    by_name = {m.agency.name: m.agency_id for m in session.bloc_year.memberships.all()}
    return [by_name[name] for name in names]


def test_a_poll_list_leaves_out_units_under_the_minimum(scored, bloc_head):
    _rule("68")
    flag = award_type("CO_TINH")
    with pytest.raises(ValidationError) as refused:
        voting.create_poll(
            scored,
            kind="award",
            award_type=flag,
            candidate_ids=_ids(scored, "Sở Y tế", "Sở Giáo dục và Đào tạo"),
            actor=bloc_head,
        )
    assert "Sở Giáo dục và Đào tạo chưa đạt điểm tối thiểu" in str(refused.value)
    assert "đạt từ 68 điểm trở lên" in str(refused.value)
    poll = voting.create_poll(scored, kind="award", award_type=flag, actor=bloc_head)
    assert list(poll.candidates.values_list("agency__name", flat=True)) == ["Sở Y tế"]
    with pytest.raises(ValidationError):
        voting.update_poll(
            poll,
            seats=1,
            entry_mode=poll.entry_mode,
            candidate_ids=_ids(scored, "Sở Y tế", "Bảo hiểm xã hội tỉnh"),
            actor=bloc_head,
        )
    # Another award has no minimum: everyone may stand.
    merit = voting.create_poll(
        scored, kind="award", award_type=award_type("BK_TINH"), actor=bloc_head
    )
    assert merit.candidates.count() == 5


def test_nobody_over_the_minimum_is_a_clear_refusal_and_a_bloc_that_did_not_score_is_free(
    scored, bloc_head
):
    _rule("99")
    with pytest.raises(ValidationError) as refused:
        voting.create_poll(scored, kind="award", award_type=award_type("CO_TINH"), actor=bloc_head)
    assert "chưa đạt điểm tối thiểu" in str(refused.value)
    ScoreSheet.objects.filter(bloc_year=scored.bloc_year).update(status=ScoreSheet.Status.DRAFT)
    poll = voting.create_poll(
        scored, kind="award", award_type=award_type("CO_TINH"), actor=bloc_head
    )
    assert poll.candidates.count() == 5  # no sheet sent: the bloc does not score this year


def test_the_head_reads_the_refusal_on_the_poll_form(scored, head_client):
    _rule("68")
    flag = award_type("CO_TINH")
    url = reverse("awards:poll_add", args=[scored.bloc_year_id])
    response = head_client.post(
        url,
        {
            "kind": "award",
            "award_type": flag.pk,
            "seats": 1,
            "entry_mode": "ballots",
            "candidates": _ids(scored, "Sở Y tế", "Bảo hiểm xã hội tỉnh"),
        },
        follow=True,
    )
    assert "Bảo hiểm xã hội tỉnh chưa đạt điểm tối thiểu" in response.content.decode()
    assert not scored.polls.exists()


def test_a_proposal_under_the_minimum_gets_a_finding():
    rule = eligibility.MinScoreRule("CO_TINH", Decimal(90), "Cờ thi đua của UBND tỉnh")
    below = eligibility.Candidate(1, "CO_TINH", 2024, agency_name="Sở Y tế", score=Decimal("88.5"))
    (finding,) = eligibility.check_candidate(below, eligibility.Context(), [rule])
    assert finding.code == "below_min_score" and "Sở Y tế đạt 88,5 điểm." in finding.message
    assert not finding.blocking  # rules warn staff; they do not drop a proposal
    at = eligibility.Candidate(1, "CO_TINH", 2024, agency_name="Sở Y tế", score=Decimal(90))
    unscored = eligibility.Candidate(1, "CO_TINH", 2024, agency_name="Sở Y tế")
    for candidate in (at, unscored):
        assert eligibility.check_candidate(candidate, eligibility.Context(), [rule]) == []


def test_proposals_keep_the_units_score_and_staff_see_the_minimum(scored, bloc_head):
    from awards.models import AwardProposal
    from awards.services import proposals

    _rule("68")
    agencies = {m.agency.name: m.agency for m in scored.bloc_year.memberships.all()}
    manual = proposals.add_manual_proposal(
        scored.bloc_year,
        agency=agencies["Bảo hiểm xã hội tỉnh"],
        award_type=award_type("CO_TINH"),
        basis="Biên bản họp bình xét ngày 15/12/2024",
        actor=bloc_head,
    )
    assert manual.score == Decimal(66)
    result = proposals.year_eligibility(
        2024, [AwardProposal.objects.with_related().get(pk=manual.pk)]
    )
    assert "below_min_score" in [f.code for f in result.findings[manual.pk]]

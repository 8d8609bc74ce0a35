"""The pure count: hand-computed cases for every base and comparator, ties, refusals, properties."""

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awards.tally import (
    AggregateInput,
    BallotInput,
    CandidateInput,
    InconsistentCounts,
    RuleSpec,
    TallyResult,
    format_percent,
    percent_of,
    tally,
)

A, B, C, D = (CandidateInput(i, name) for i, name in enumerate(["Sở A", "Sở B", "Sở C", "Sở D"], 1))


def ballots(*marks_list):
    return [BallotInput(serial, tuple(marks)) for serial, marks in enumerate(marks_list, 1)]


def seven_members_case(base, comparator="gt", threshold=Fraction(1, 2)):
    """7 members, 6 present, 6 returned, 1 invalid; A has 4 votes."""
    rule = RuleSpec(base=base, comparator=comparator, threshold=threshold, max_marks=1)
    papers = ballots([1], [1], [1], [1], [2], [1, 2])
    return tally(rule=rule, seats=1, candidates=[A, B], members=7, present=6, ballots=papers)


@pytest.mark.parametrize(
    ("base", "percent", "base_count"),
    [
        ("all_members", "57.14", 7),
        ("present", "66.67", 6),
        ("returned", "66.67", 6),
        ("valid", "80.00", 5),
    ],
)
def test_each_base_gives_the_hand_computed_percentage(base, percent, base_count):
    result = seven_members_case(base)
    a = result.candidate(1)
    assert result.base_count == base_count
    assert a.votes == 4
    assert a.percent == Decimal(percent)
    assert a.passed
    assert result.winners == (1,)
    assert (result.returned, result.valid, result.invalid) == (6, 5, 1)


@pytest.mark.parametrize(
    ("base", "comparator", "threshold", "passes"),
    [
        # 4 of 7 members = 0.571; 4 of 6 present/returned = 0.667 (exactly 2/3); 4 of 5 valid.
        ("all_members", "gt", Fraction(1, 2), True),
        ("all_members", "ge", Fraction(1, 2), True),
        ("all_members", "gt", Fraction(2, 3), False),
        ("all_members", "ge", Fraction(2, 3), False),
        ("present", "gt", Fraction(1, 2), True),
        ("present", "ge", Fraction(1, 2), True),
        ("present", "gt", Fraction(2, 3), False),
        ("present", "ge", Fraction(2, 3), True),
        ("returned", "gt", Fraction(2, 3), False),
        ("returned", "ge", Fraction(2, 3), True),
        ("valid", "gt", Fraction(2, 3), True),
        ("valid", "ge", Fraction(80, 100), True),
        ("valid", "gt", Fraction(80, 100), False),
        ("valid", "ge", Fraction(90, 100), False),
    ],
)
def test_every_base_and_comparator_against_hand_computed_answers(
    base, comparator, threshold, passes
):
    assert seven_members_case(base, comparator, threshold).candidate(1).passed is passes


def test_four_of_seven_does_not_reach_two_thirds_of_all_members():
    result = seven_members_case("all_members", "ge", Fraction(2, 3))
    assert not result.candidate(1).passed
    assert result.winners == ()


def test_four_of_six_present_is_exactly_two_thirds_passes_ge_but_not_gt():
    assert seven_members_case("present", "ge", Fraction(2, 3)).candidate(1).passed
    assert not seven_members_case("present", "gt", Fraction(2, 3)).candidate(1).passed


def test_exactly_half_passes_ge_but_not_gt():
    rule_gt = RuleSpec(base="all_members", comparator="gt", threshold=Fraction(1, 2))
    rule_ge = RuleSpec(base="all_members", comparator="ge", threshold=Fraction(1, 2))
    assert not rule_gt.passes(4, 8)
    assert rule_ge.passes(4, 8)
    assert rule_gt.passes(5, 8)


@pytest.mark.parametrize(
    ("threshold", "votes", "base", "expected"),
    [
        (Fraction(70, 100), 7, 10, True),
        (Fraction(70, 100), 6, 10, False),
        (Fraction(90, 100), 9, 10, True),
        (Fraction(90, 100), 8, 9, False),
        (Fraction(2, 3), 10, 15, True),
        (Fraction(5, 7), 5, 7, True),
    ],
)
def test_any_fraction_is_compared_exactly_with_ge(threshold, votes, base, expected):
    rule = RuleSpec(comparator="ge", threshold=threshold)
    assert rule.passes(votes, base) is expected


def test_nobody_passes_when_the_base_is_empty():
    rule = RuleSpec(base="valid")
    result = tally(
        rule=rule,
        seats=1,
        candidates=[A],
        members=5,
        present=5,
        ballots=[BallotInput(1, (), "Phiếu rách")],
    )
    assert result.valid == 0
    assert not result.candidate(1).passed
    assert result.candidate(1).percent == Decimal("0.00")


def test_a_tie_at_the_last_seat_is_reported_not_broken():
    rule = RuleSpec(base="present", comparator="ge", threshold=Fraction(1, 2), max_marks=2)
    papers = ballots([1, 2], [1, 3], [1, 2], [1, 3], [2, 3], [4])
    result = tally(
        rule=rule, seats=2, candidates=[A, B, C, D], members=6, present=6, ballots=papers
    )
    assert result.winners == (1,)
    assert result.tie.candidate_ids == (2, 3)
    assert (result.tie.first_seat, result.tie.last_seat, result.tie.seats_open) == (2, 2, 1)
    assert result.tie.votes == 3
    assert result.has_open_tie
    assert [c.rank for c in result.candidates] == [1, 2, 2, 4]
    resolved = result.with_tie_resolved([3])
    assert resolved.winners == (1, 3)
    assert not resolved.has_open_tie
    assert resolved.candidate(3).elected and not resolved.candidate(2).elected


def test_a_tie_among_more_candidates_than_seats_left_names_every_seat():
    rule = RuleSpec(base="valid", threshold=Fraction(0), comparator="ge", max_marks=3)
    papers = ballots([1, 2, 3], [1, 4], [1])
    result = tally(
        rule=rule, seats=3, candidates=[A, B, C, D], members=4, present=4, ballots=papers
    )
    assert result.winners == (1,)
    assert result.tie.candidate_ids == (2, 3, 4)
    assert (result.tie.first_seat, result.tie.last_seat, result.tie.seats_open) == (2, 3, 2)


def test_equal_votes_within_the_seats_are_not_a_tie():
    rule = RuleSpec(base="valid", threshold=Fraction(0), comparator="ge", max_marks=2)
    result = tally(
        rule=rule,
        seats=2,
        candidates=[A, B, C],
        members=3,
        present=3,
        ballots=ballots([1, 2], [1, 2], [3]),
    )
    assert set(result.winners) == {1, 2}
    assert result.tie is None


def test_winners_are_only_those_who_passed():
    rule = RuleSpec(base="all_members", threshold=Fraction(1, 2), max_marks=3)
    result = tally(
        rule=rule,
        seats=3,
        candidates=[A, B, C],
        members=4,
        present=4,
        ballots=ballots([1, 2], [1, 2], [1, 3], [2]),
    )
    assert result.winners == (1, 2)
    assert not result.candidate(3).passed


def test_over_voted_duplicate_and_declared_ballots_are_invalid_with_their_reason():
    rule = RuleSpec(base="valid", max_marks=2)
    papers = [
        BallotInput(1, (1, 2, 3)),
        BallotInput(2, (1, 1)),
        BallotInput(3, (), "Phiếu không có dấu của ban kiểm phiếu"),
        BallotInput(4, (1,)),
    ]
    result = tally(rule=rule, seats=2, candidates=[A, B, C], members=4, present=4, ballots=papers)
    assert (result.valid, result.invalid) == (1, 3)
    reasons = {v.serial: v.reason for v in result.verdicts}
    assert reasons[1] == "Phiếu đánh dấu 3 đơn vị, vượt quá số tối đa 2."
    assert reasons[2] == "Phiếu đánh dấu trùng một đơn vị."
    assert reasons[3] == "Phiếu không có dấu của ban kiểm phiếu"
    assert result.candidate(1).votes == 1


def test_a_mark_for_someone_not_on_the_list_is_refused():
    with pytest.raises(InconsistentCounts):
        tally(rule=RuleSpec(), seats=1, candidates=[A], members=3, present=3, ballots=ballots([9]))


def aggregate_errors(counts, *, present=15, seats=1, max_marks=None, self_vote=True):
    rule = RuleSpec(max_marks=max_marks, self_vote_allowed=self_vote)
    with pytest.raises(InconsistentCounts) as caught:
        tally(
            rule=rule, seats=seats, candidates=[A, B], members=16, present=present, aggregate=counts
        )
    return caught.value.errors


def test_more_returned_than_issued_is_refused_with_both_numbers():
    errors = aggregate_errors(AggregateInput(15, 16, 16, 0, {1: 3}))
    assert errors["returned"] == ["Số phiếu thu vào (16) lớn hơn số phiếu phát ra (15)."]


def test_more_issued_than_present_is_refused():
    errors = aggregate_errors(AggregateInput(16, 15, 15, 0, {}), present=15)
    assert errors["issued"] == ["Số phiếu phát ra (16) lớn hơn số thành viên có mặt (15)."]


def test_valid_plus_invalid_must_equal_returned():
    errors = aggregate_errors(AggregateInput(15, 15, 13, 1, {}))
    assert errors["valid"] == [
        "Số phiếu hợp lệ (13) cộng số phiếu không hợp lệ (1) bằng 14, khác số phiếu thu vào (15)."
    ]


def test_a_candidate_with_more_votes_than_valid_ballots_is_refused_on_its_field():
    errors = aggregate_errors(AggregateInput(15, 15, 14, 1, {1: 15, 2: 3}))
    assert errors["votes_1"] == ["Số phiếu đồng ý của Sở A (15) lớn hơn số phiếu hợp lệ (14)."]
    assert "votes_2" not in errors


def test_more_marks_than_valid_ballots_times_max_marks_is_refused():
    errors = aggregate_errors(AggregateInput(15, 15, 10, 5, {1: 8, 2: 3}))
    assert errors["__all__"] == [
        "Tổng số phiếu đồng ý của các đơn vị (11) lớn hơn số phiếu hợp lệ nhân số đơn vị được "
        "chọn tối đa trên mỗi phiếu (10 × 1 = 10)."
    ]


def test_negative_numbers_are_refused():
    errors = aggregate_errors(AggregateInput(-1, 0, 0, 0, {2: -2}))
    assert errors["issued"] == ["Số phiếu phát ra (-1) không được là số âm."]
    assert "votes_2" in errors


def test_a_unanimous_vote_for_a_present_candidate_proves_a_self_vote_when_forbidden():
    counts = AggregateInput(15, 15, 15, 0, {1: 15})
    errors = aggregate_errors(counts, self_vote=False)
    assert "nhiều nhất chỉ có 14 phiếu" in errors["votes_1"][0]
    rule = RuleSpec(self_vote_allowed=True)
    tally(rule=rule, seats=1, candidates=[A, B], members=16, present=15, aggregate=counts)


def test_a_ballot_beyond_the_issued_count_is_refused():
    with pytest.raises(InconsistentCounts) as caught:
        tally(
            rule=RuleSpec(),
            seats=1,
            candidates=[A],
            members=3,
            present=3,
            issued=2,
            ballots=ballots([1], [1], [1]),
        )
    assert "Số phiếu thu vào (3) lớn hơn số phiếu phát ra (2)." in caught.value.errors["returned"]


def test_quorum_is_a_fraction_of_all_members():
    rule = RuleSpec(quorum=Fraction(2, 3))
    assert rule.quorum_met(10, 15)
    assert not rule.quorum_met(9, 15)


def test_percent_prints_the_vietnamese_way():
    assert format_percent(Decimal("66.67")) == "66,67\u00a0%"
    assert format_percent(Decimal("50.00")) == "50,00\u00a0%"
    assert format_percent(Decimal("57.1")) == "57,10\u00a0%"
    assert format_percent(0) == "0,00\u00a0%"


@given(votes=st.integers(0, 500), base=st.integers(1, 500))
def test_every_percentage_has_two_decimals_and_reads_back_as_the_rounded_share(votes, base):
    text = format_percent(percent_of(votes, base))
    number, sign = text.split("\u00a0")
    assert sign == "%" and re.fullmatch(r"\d+,\d\d", number)
    assert abs(Decimal(number.replace(",", ".")) - Decimal(votes) * 100 / base) <= Decimal("0.005")


def test_the_result_survives_a_round_trip_through_json():
    result = seven_members_case("present")
    assert TallyResult.from_dict(result.to_dict()) == result


# Property tests ---------------------------------------------------------------------------------

rules = st.builds(
    RuleSpec,
    base=st.sampled_from(["all_members", "present", "returned", "valid"]),
    comparator=st.sampled_from(["gt", "ge"]),
    threshold=st.fractions(min_value=0, max_value=1, max_denominator=100),
    max_marks=st.one_of(st.none(), st.integers(1, 4)),
)


@st.composite
def polls(draw):
    n = draw(st.integers(1, 6))
    candidates = [CandidateInput(i, f"Đơn vị {i}") for i in range(1, n + 1)]
    seats = draw(st.integers(1, n))
    members = draw(st.integers(1, 20))
    present = draw(st.integers(0, members))
    count = draw(st.integers(0, present))
    papers = [
        BallotInput(serial, tuple(draw(st.lists(st.integers(1, n), max_size=n + 1))))
        for serial in range(1, count + 1)
    ]
    return {
        "rule": draw(rules),
        "seats": seats,
        "candidates": candidates,
        "members": members,
        "present": present,
        "ballots": papers,
    }


@given(polls())
@settings(max_examples=200, deadline=None)
def test_totals_never_exceed_the_base_or_the_valid_ballots(poll):
    result = tally(**poll)
    assert result.valid + result.invalid == result.returned <= result.issued <= result.present
    for candidate in result.candidates:
        assert candidate.votes <= result.valid
        assert candidate.votes <= result.base_count or result.base_count == 0
        assert Decimal(0) <= candidate.percent <= Decimal(100)


@given(polls())
@settings(max_examples=200, deadline=None)
def test_more_votes_never_rank_below_fewer(poll):
    result = tally(**poll)
    for x in result.candidates:
        for y in result.candidates:
            if x.votes > y.votes:
                assert x.rank < y.rank
            if x.votes == y.votes:
                assert x.rank == y.rank


@given(polls())
@settings(max_examples=200, deadline=None)
def test_winners_never_exceed_the_seats_and_all_passed(poll):
    result = tally(**poll)
    assert len(result.winners) <= result.seats
    assert all(result.candidate(w).passed for w in result.winners)
    if result.tie:
        assert len(result.winners) + result.tie.seats_open == result.seats
        assert len(result.tie.candidate_ids) > result.tie.seats_open


@given(polls(), st.randoms(use_true_random=False))
@settings(max_examples=200, deadline=None)
def test_the_result_does_not_depend_on_ballot_order(poll, rnd):
    shuffled = list(poll["ballots"])
    rnd.shuffle(shuffled)
    assert tally(**{**poll, "ballots": shuffled}) == tally(**poll)


@given(polls(), st.data())
@settings(max_examples=300, deadline=None)
def test_adding_a_ballot_for_a_never_makes_a_lose(poll, data):
    if len(poll["ballots"]) >= poll["present"]:
        poll = {**poll, "present": poll["present"] + 1, "members": poll["members"] + 1}
    before = tally(**poll)
    a = data.draw(st.sampled_from(poll["candidates"])).id
    extra = BallotInput(len(poll["ballots"]) + 1, (a,))
    after = tally(**{**poll, "ballots": [*poll["ballots"], extra]})
    if a in before.winners:
        assert a in after.winners
    if before.tie and a in before.tie.candidate_ids:
        assert a in after.winners or (after.tie and a in after.tie.candidate_ids)
    assert after.candidate(a).votes >= before.candidate(a).votes
    assert after.candidate(a).rank <= before.candidate(a).rank

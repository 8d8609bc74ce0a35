"""Rules in words: the sentences printed on ballot papers and in the minutes."""

from fractions import Fraction

import pytest

from awards.rules import describe, fraction_words, threshold_sentence
from awards.tally import RuleSpec


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (Fraction(1, 2), "50%"),
        (Fraction(70, 100), "70%"),
        (Fraction(9, 10), "90%"),
        (Fraction(1, 8), "12,5%"),
        (Fraction(2, 3), "2/3"),
        (Fraction(5, 7), "5/7"),
        (Fraction(1), "100%"),
    ],
)
def test_fractions_are_written_as_percent_when_exact_else_as_a_fraction(value, words):
    assert fraction_words(value) == words


def test_the_usual_award_rule_reads_like_the_minutes():
    rule = RuleSpec(base="all_members", comparator="gt", threshold=Fraction(1, 2))
    assert threshold_sentence(rule) == (
        "Đơn vị được đề nghị phải đạt trên 50% tổng số thành viên của Khối đồng ý"
    )


def test_a_ge_rule_on_members_present_says_from_and_upwards():
    rule = RuleSpec(base="present", comparator="ge", threshold=Fraction(2, 3))
    assert threshold_sentence(rule, kind="next_head") == (
        "Đơn vị được bầu làm Trưởng khối phải đạt từ 2/3 số thành viên có mặt trở lên đồng ý"
    )


@pytest.mark.parametrize(
    ("base", "words"),
    [("returned", "số phiếu thu vào"), ("valid", "số phiếu hợp lệ")],
)
def test_every_base_has_words(base, words):
    assert words in threshold_sentence(RuleSpec(base=base))


def test_the_full_description_states_quorum_marks_self_vote_and_ties():
    rule = RuleSpec(quorum=Fraction(2, 3), max_marks=None, self_vote_allowed=False, tie_rule="lot")
    text = " ".join(describe(rule, seats=2))
    assert "từ 2/3 tổng số thành viên của Khối trở lên có mặt" in text
    assert "tối đa 2 đơn vị" in text
    assert "không bỏ phiếu cho chính đơn vị mình" in text
    assert "bốc thăm" in text
    assert "chọn 2 đơn vị có số phiếu từ cao xuống thấp" in text


def test_a_tie_break_without_threshold_says_more_votes_win():
    rule = RuleSpec(threshold=Fraction(0), comparator="ge")
    assert threshold_sentence(rule, kind="tie_break") == (
        "Đơn vị được chọn là đơn vị có số phiếu đồng ý cao hơn"
    )


@pytest.mark.parametrize("tie_rule", ["runoff", "chair", "lot"])
def test_each_tie_rule_is_described(tie_rule):
    assert describe(RuleSpec(tie_rule=tie_rule))[-1].startswith("Trường hợp có nhiều đơn vị")

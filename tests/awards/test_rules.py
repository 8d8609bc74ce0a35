"""Rules in words: the sentences printed on ballot papers and in the minutes."""

from fractions import Fraction

import pytest

from awards.rules import (
    BASE_WORDS,
    base_words,
    describe,
    fraction_words,
    threshold_sentence,
    unit_of,
)
from awards.tally import RuleSpec
from blocs.models import Bloc


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


@pytest.mark.parametrize("tie_rule", ["runoff", "chair", "lot", "leaders"])
def test_each_tie_rule_is_described(tie_rule):
    assert describe(RuleSpec(tie_rule=tie_rule))[-1].startswith("Trường hợp có nhiều đơn vị")


def test_the_leaders_deciding_a_tie_is_described():
    assert describe(RuleSpec(tie_rule="leaders"))[-1] == (
        "Trường hợp có nhiều đơn vị bằng phiếu nhau ở vị trí cuối cùng thì Trưởng khối và "
        "Phó Trưởng khối quyết định."
    )


def test_a_round_limit_says_how_many_rounds_and_who_decides_after_them():
    rule = RuleSpec(tie_rule="runoff", max_rounds=2, fallback_rule="leaders")
    sentences = describe(rule)
    assert sentences[-2].endswith("thì bỏ phiếu lại giữa các đơn vị có số phiếu bằng nhau.")
    assert sentences[-1] == (
        "Bỏ phiếu tối đa 2 vòng; nếu vẫn bằng phiếu thì Trưởng khối và Phó Trưởng khối quyết định."
    )


def test_a_round_limit_without_a_named_decider_falls_to_the_chair():
    assert describe(RuleSpec(max_rounds=3))[-1] == (
        "Bỏ phiếu tối đa 3 vòng; nếu vẫn bằng phiếu thì chủ trì hội nghị quyết định."
    )


def test_a_single_round_sends_a_tie_straight_to_the_decider():
    sentences = describe(RuleSpec(tie_rule="runoff", max_rounds=1, fallback_rule="lot"))
    assert sentences[-1] == (
        "Trường hợp có nhiều đơn vị bằng phiếu nhau ở vị trí cuối cùng thì bốc thăm giữa các "
        "đơn vị có số phiếu bằng nhau."
    )
    assert not any("vòng" in sentence for sentence in sentences)


def test_no_round_limit_adds_no_sentence():
    assert not any("vòng" in sentence for sentence in describe(RuleSpec()))


def test_a_cum_is_named_as_a_cum_in_the_base_the_quorum_and_its_leaders():
    rule = RuleSpec(base="all_members", max_rounds=2, fallback_rule="leaders")
    text = " ".join(describe(rule, kind="next_head", unit="Cụm"))
    assert "Đơn vị được bầu làm Trưởng cụm phải đạt trên 50% tổng số thành viên của Cụm" in text
    assert "từ 2/3 tổng số thành viên của Cụm trở lên có mặt" in text
    assert "thì Trưởng cụm và Phó Trưởng cụm quyết định" in text
    assert "Khối" not in text and "khối" not in text
    assert threshold_sentence(rule, unit="Cụm").endswith("tổng số thành viên của Cụm đồng ý")


def test_the_khoi_words_stay_the_default_for_existing_callers():
    assert BASE_WORDS["all_members"] == "tổng số thành viên của Khối"
    assert base_words("all_members") == BASE_WORDS["all_members"]
    assert base_words("valid", "Cụm") == "số phiếu hợp lệ"
    assert describe(RuleSpec(), kind="award", seats=1) == describe(RuleSpec(), unit="Khối")


def test_the_unit_follows_the_blocs_kind():
    assert unit_of(Bloc(kind="cum")) == "Cụm"
    assert unit_of(Bloc(kind="khoi")) == "Khối"
    assert unit_of(None) == "Khối"

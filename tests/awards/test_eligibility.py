"""The pure eligibility checks: quota arithmetic, hard rules and history templates."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awards.eligibility import (
    ROUNDING_CEIL,
    ROUNDING_FLOOR,
    ROUNDING_HALF_UP,
    Candidate,
    ConsecutiveRule,
    Context,
    LeadingOnlyRule,
    ProposalKey,
    QuotaRule,
    QuotaStatus,
    WindowRule,
    check_candidate,
    check_consecutive,
    check_window,
    quota_limit,
    quota_statuses,
    rule_text,
)

GOV_FLAG = QuotaRule("CO_CP", Decimal("20"), ROUNDING_FLOOR, "Cờ thi đua của Chính phủ")


@pytest.mark.parametrize(("leaders", "limit"), [(4, 0), (5, 1), (10, 2), (11, 2)])
def test_the_government_flag_quota_is_twenty_percent_of_leaders_rounded_down(leaders, limit):
    assert quota_limit(leaders, Decimal("20"), ROUNDING_FLOOR) == limit


def test_the_rounding_is_configuration_not_a_constant():
    assert quota_limit(8, Decimal("20"), ROUNDING_FLOOR) == 1
    assert quota_limit(8, Decimal("20"), ROUNDING_HALF_UP) == 2
    assert quota_limit(6, Decimal("20"), ROUNDING_CEIL) == 2
    assert quota_limit(10, Decimal("25"), ROUNDING_FLOOR) == 2


@given(st.integers(min_value=0, max_value=2000), st.decimals(min_value=0, max_value=100, places=2))
def test_the_quota_never_exceeds_the_exact_share_when_rounding_down(leaders, percent):
    limit = quota_limit(leaders, percent, ROUNDING_FLOOR)
    assert 0 <= limit <= leaders
    assert limit <= leaders * percent / 100 < limit + 1 or leaders == 0


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=50))
def test_the_quota_status_says_how_many_more_can_be_proposed(leaders, proposed):
    status = QuotaStatus(GOV_FLAG, leaders, proposed)
    assert status.remaining == max(status.limit - proposed, 0)
    assert status.exceeded == (proposed > status.limit)


def test_the_quota_message_names_the_limit_and_what_is_left():
    status = quota_statuses([GOV_FLAG], 11, {"CO_CP": 1})[0]
    assert status.limit == 2
    assert "còn có thể đề nghị 1" in status.message
    over = QuotaStatus(GOV_FLAG, 4, 1)
    assert "vượt hạn mức 0" in over.message


def test_the_quota_rule_is_explained_in_vietnamese():
    assert "20% số tập thể được bình chọn dẫn đầu" in rule_text(GOV_FLAG)
    assert "làm tròn xuống" in rule_text(GOV_FLAG)


def candidate(**overrides):
    values = {
        "agency_id": 1,
        "award_code": "CO_CP",
        "year": 2024,
        "award_label": "Cờ thi đua của Chính phủ",
        "agency_name": "Sở Y tế",
        "leads_bloc": True,
    }
    return Candidate(**{**values, **overrides})


def test_an_agency_dissolved_before_the_year_ends_is_refused():
    findings = check_candidate(candidate(agency_ended_on=datetime.date(2024, 6, 30)), Context(), [])
    assert [f.code for f in findings] == ["ended"]
    assert findings[0].blocking
    assert "30/06/2024" in findings[0].message


def test_an_agency_ending_on_the_last_day_of_the_year_may_be_proposed():
    assert (
        check_candidate(candidate(agency_ended_on=datetime.date(2024, 12, 31)), Context(), []) == []
    )
    assert (
        check_candidate(candidate(agency_ended_on=datetime.date(2025, 2, 28)), Context(), []) == []
    )


def test_a_second_proposal_for_the_same_agency_award_and_year_is_refused():
    context = Context(other_keys={ProposalKey(1, "CO_CP", 2024)})
    findings = check_candidate(candidate(), context, [])
    assert [f.code for f in findings] == ["duplicate"]
    assert findings[0].blocking


def test_the_same_agency_may_have_another_award_or_another_year():
    context = Context(other_keys={ProposalKey(1, "CO_TINH", 2024), ProposalKey(1, "CO_CP", 2023)})
    assert check_candidate(candidate(), context, []) == []


def test_individuals_of_one_agency_are_told_apart_by_name_whatever_the_spacing():
    context = Context(other_keys={ProposalKey(1, "CSTD_TINH", 2024, "nguyễn văn a")})
    same = candidate(award_code="CSTD_TINH", person_name="Nguyễn  Văn A")
    other = candidate(award_code="CSTD_TINH", person_name="Trần Thị B")
    assert [f.code for f in check_candidate(same, context, [])] == ["duplicate"]
    assert check_candidate(other, context, []) == []


def test_the_flags_go_only_to_leading_units_as_a_warning():
    rules = [LeadingOnlyRule("CO_CP", "Cờ thi đua của Chính phủ"), LeadingOnlyRule("CO_TINH")]
    findings = check_candidate(candidate(leads_bloc=False), Context(), rules)
    assert [f.code for f in findings] == ["not_leading"]
    assert not findings[0].blocking
    assert "dẫn đầu khối" in findings[0].message
    assert check_candidate(candidate(leads_bloc=True), Context(), rules) == []


CONSECUTIVE = ConsecutiveRule("CO_TINH", "TTLDXS", 2, False, "Cờ tỉnh", "Tập thể LĐXS")
WINDOW = WindowRule("CO_CP", "CO_TINH", 2, 5, False, "Cờ CP", "Cờ tỉnh")


def test_n_consecutive_years_counts_the_years_before_the_achievement_year():
    assert check_consecutive(CONSECUTIVE, 2024, [(2022, "TTLDXS"), (2023, "TTLDXS")])
    assert not check_consecutive(CONSECUTIVE, 2024, [(2021, "TTLDXS"), (2023, "TTLDXS")])
    including = ConsecutiveRule("CO_TINH", "TTLDXS", 2, True)
    assert check_consecutive(including, 2024, [(2023, "TTLDXS"), (2024, "TTLDXS")])


def test_k_times_within_w_years_counts_distinct_years_inside_the_window():
    assert check_window(WINDOW, 2024, [(2019, "CO_TINH"), (2023, "CO_TINH")])
    assert not check_window(WINDOW, 2024, [(2018, "CO_TINH"), (2023, "CO_TINH")])
    assert not check_window(WINDOW, 2024, [(2023, "CO_TINH"), (2023, "CO_TINH")])


def test_history_rules_warn_with_the_rule_in_words():
    findings = check_candidate(
        candidate(award_code="CO_TINH"), Context(history=[(2023, "TTLDXS")]), [CONSECUTIVE]
    )
    assert [f.code for f in findings] == ["history_consecutive"]
    assert (
        findings[0].message
        == "Cờ tỉnh cần 2 năm liên tục đạt Tập thể LĐXS (liền trước năm đề nghị)."
    )
    assert not findings[0].blocking
    window = check_candidate(candidate(), Context(history=[(2023, "CO_TINH")]), [WINDOW])
    assert "ít nhất 2 lần đạt Cờ tỉnh trong 5 năm" in window[0].message


def test_rules_for_another_award_type_are_ignored():
    assert check_candidate(candidate(award_code="TTLDXS"), Context(), [WINDOW, CONSECUTIVE]) == []

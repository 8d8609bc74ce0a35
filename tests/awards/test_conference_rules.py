"""Rules at the conference: a draft follows the version in force, counted versions never change,
round limits end in a recorded decision, a second poll for one award needs a reason, runoffs
keep their tied list and the minutes' closing times are filled when the conference ends."""

import datetime
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from awards.models import Poll, RuleSet
from awards.services import voting
from awards.tally import TIE_RULES, RuleSpec
from emulation.models import AuditEntry
from tests.awards.voting_fixtures import agency_ids, award, make_session, open_award_poll


@pytest.fixture
def session(bloc_year, bloc_head):
    return make_session(bloc_year, bloc_head)


def general_award_rule() -> RuleSet:
    return RuleSet.objects.get(poll_kind="award", award_type=None, effective_from="2024-01-01")


def draft_poll(session, actor, code="CO_TINH", **kwargs):
    return voting.create_poll(session, kind="award", award_type=award(code), actor=actor, **kwargs)


def count_with(poll, ballots, actor):
    for marks in ballots:
        voting.record_ballot(poll, marks, actor=actor)
    return voting.count_poll(poll, actor=actor)


# A draft follows the rule in force ---------------------------------------------------------------


def test_a_draft_poll_takes_the_rule_in_force_when_it_opens_not_when_it_was_created(
    session, bloc_head, province_staff
):
    poll = draft_poll(session, bloc_head)
    assert poll.rule["threshold"] == [1, 2]
    rule = general_award_rule()
    rule.threshold_numerator, rule.threshold_denominator = 2, 3
    voting.save_rule_set(rule, actor=province_staff)
    rule_set, spec = voting.rule_in_force(poll)
    assert rule_set == rule and spec.threshold == Fraction(2, 3)
    opened = voting.open_poll(poll, actor=bloc_head)
    assert opened.rule["threshold"] == [2, 3]
    entry = AuditEntry.objects.filter(action="awards.poll.opened").latest("pk")
    assert "2/3" in str(entry.data["rule"])


def test_an_open_poll_keeps_its_frozen_rule_and_its_version_when_the_province_changes_it(
    session, bloc_head, province_staff
):
    poll = open_award_poll(session, actor=bloc_head)
    rule = general_award_rule()
    rule.threshold_numerator, rule.threshold_denominator = 9, 10
    saved = voting.save_rule_set(rule, actor=province_staff)
    poll.refresh_from_db()
    assert poll.rule["threshold"] == [1, 2]
    assert voting.rule_in_force(poll)[1].threshold.denominator == 2
    # The version the open poll points to is untouched: the change is the next version.
    used = RuleSet.objects.get(pk=poll.rule_set_id)
    assert (used.threshold_numerator, used.threshold_denominator) == (1, 2)
    assert saved.version == 2 and saved.pk != used.pk


def test_an_old_version_cannot_be_edited_once_a_newer_one_exists(
    session, bloc_head, province_staff
):
    open_award_poll(session, actor=bloc_head)
    rule = general_award_rule()
    rule.threshold_numerator, rule.threshold_denominator = 2, 3
    voting.save_rule_set(rule, actor=province_staff)
    old = RuleSet.objects.get(poll_kind="award", award_type=None, version=1)
    old.tie_rule = "chair"
    with pytest.raises(ValidationError, match="phiên bản 2 mới hơn"):
        voting.save_rule_set(old, actor=province_staff)
    assert not RuleSet.objects.filter(version=3).exists()


def test_a_reset_applies_the_rule_in_force_or_keeps_the_old_one_as_asked(
    session, bloc_head, province_staff
):
    first = open_award_poll(session, actor=bloc_head)
    second = open_award_poll(session, "BK_TINH", actor=bloc_head)
    rule = general_award_rule()
    rule.threshold_numerator, rule.threshold_denominator = 2, 3
    voting.save_rule_set(rule, actor=province_staff)
    voting.reset_poll(first, reason="Tỉnh sửa quy tắc", actor=bloc_head)
    voting.reset_poll(second, reason="Phát nhầm phiếu", apply_rule_in_force=False, actor=bloc_head)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.rule["threshold"] == [2, 3] and first.rule_follows_current
    assert second.rule["threshold"] == [1, 2] and not second.rule_follows_current
    assert voting.open_poll(second, actor=bloc_head).rule["threshold"] == [1, 2]
    assert voting.open_poll(first, actor=bloc_head).rule["threshold"] == [2, 3]


# Versions -----------------------------------------------------------------------------------------


def test_a_rule_version_used_by_a_counted_poll_is_kept_and_an_edit_saves_the_next_version(
    session, bloc_head, province_staff
):
    poll = open_award_poll(session, actor=bloc_head)
    count_with(poll, [agency_ids(poll)[:1]] * 3, bloc_head)
    rule = general_award_rule()
    assert voting.rule_set_in_use(rule)
    rule.threshold_numerator, rule.threshold_denominator = 2, 3
    saved = voting.save_rule_set(rule, actor=province_staff)
    old = RuleSet.objects.get(pk=poll.rule_set_id)
    assert saved.pk != old.pk and saved.version == 2
    assert (old.threshold_numerator, old.threshold_denominator) == (1, 2)
    assert saved.effective_from == old.effective_from
    assert "phiên bản 2" in str(saved)
    later = draft_poll(session, bloc_head, "BK_TINH")
    assert voting.rule_in_force(later)[0] == saved
    assert AuditEntry.objects.filter(action="awards.rule_set.versioned").count() == 1


def test_an_unchanged_save_of_a_used_rule_makes_no_new_version(session, bloc_head, province_staff):
    poll = open_award_poll(session, actor=bloc_head)
    count_with(poll, [agency_ids(poll)[:1]] * 3, bloc_head)
    voting.save_rule_set(general_award_rule(), actor=province_staff)
    assert RuleSet.objects.filter(poll_kind="award", award_type=None).count() == 1


def test_an_unused_rule_is_edited_in_place(province_staff):
    rule = general_award_rule()
    rule.tie_rule = "chair"
    saved = voting.save_rule_set(rule, actor=province_staff)
    assert saved.pk == rule.pk and saved.version == 1


def test_a_round_limit_needs_a_fallback_that_is_not_another_runoff(province_staff):
    rule = general_award_rule()
    rule.max_rounds = 2
    with pytest.raises(ValidationError, match="hết số vòng"):
        voting.save_rule_set(rule, actor=province_staff)
    rule.fallback_rule = "runoff"
    with pytest.raises(ValidationError, match="không thể bỏ phiếu lại"):
        voting.save_rule_set(rule, actor=province_staff)


# Round limits ----------------------------------------------------------------------------


@given(
    tie_rule=st.sampled_from(TIE_RULES),
    max_rounds=st.one_of(st.none(), st.integers(1, 5)),
    fallback=st.sampled_from(["chair", "lot", "leaders"]),
    round_number=st.integers(1, 8),
)
def test_a_runoff_is_offered_only_within_the_round_limit(
    tie_rule, max_rounds, fallback, round_number
):
    spec = RuleSpec(tie_rule=tie_rule, max_rounds=max_rounds, fallback_rule=fallback)
    methods = spec.tie_methods(round_number)
    assert methods
    if max_rounds is not None and round_number >= max_rounds:
        assert methods == (fallback,)
    elif round_number == 1:
        assert methods == (tie_rule,)
    else:
        assert tie_rule in methods and {"chair", "lot"} <= set(methods)


def tie_poll(session, actor, **rule):
    """CO_TINH, 2 seats, 5 present: A 4 votes, B and C 3 each → a tie for the 2nd seat."""
    RuleSet.objects.filter(poll_kind="award").update(
        base="present", comparator="gt", tie_rule="runoff", **rule
    )
    poll = open_award_poll(session, seats=2, actor=actor)
    a, b, c = agency_ids(poll)[:3]
    count_with(poll, [[a, b], [a, c], [a, b], [a, c], [b, c]], actor)
    poll.refresh_from_db()
    return poll, (a, b, c)


def test_after_two_rounds_the_head_and_deputy_decide_and_it_is_recorded(session, bloc_head):
    poll, (a, b, c) = tie_poll(session, bloc_head, max_rounds=2, fallback_rule="leaders")
    runoff = voting.resolve_tie(poll, method="runoff", actor=bloc_head).runoff_poll
    voting.open_poll(runoff, actor=bloc_head)
    count_with(runoff, [[b], [c], [b], [c], []], bloc_head)
    runoff.refresh_from_db()
    assert runoff.result().has_open_tie
    assert voting.tie_methods(runoff, runoff.result()) == ("leaders",)
    with pytest.raises(ValidationError, match="không cho phép"):
        voting.resolve_tie(runoff, method="runoff", actor=bloc_head)
    with pytest.raises(ValidationError, match="không cho phép"):
        voting.resolve_tie(runoff, method="lot", chosen=[b], decided_by="x", actor=bloc_head)
    resolution = voting.resolve_tie(
        runoff,
        method="leaders",
        chosen=[c],
        decided_by="Nguyễn Thị Minh Hằng (Trưởng khối), Phạm Văn Hùng (Phó Trưởng khối)",
        actor=bloc_head,
    )
    assert resolution.get_method_display() == "Trưởng khối và Phó Trưởng khối quyết định"
    poll.refresh_from_db()
    assert poll.result().winners == (a, c)


def test_without_a_round_limit_a_runoff_may_be_followed_by_another(session, bloc_head):
    poll, (a, b, c) = tie_poll(session, bloc_head)
    runoff = voting.resolve_tie(poll, method="runoff", actor=bloc_head).runoff_poll
    voting.open_poll(runoff, actor=bloc_head)
    count_with(runoff, [[b], [c], [b], [c], []], bloc_head)
    runoff.refresh_from_db()
    assert voting.round_number(runoff) == 2
    assert voting.tie_methods(runoff, runoff.result()) == ("runoff", "chair", "lot")


def test_a_runoffs_resolution_is_timed_when_the_runoff_settles_it(session, bloc_head):
    poll, (a, b, c) = tie_poll(session, bloc_head)
    resolution = voting.resolve_tie(poll, method="runoff", actor=bloc_head)
    created = resolution.decided_at
    runoff = resolution.runoff_poll
    voting.open_poll(runoff, actor=bloc_head)
    count_with(runoff, [[b], [b], [c], [b], [b]], bloc_head)
    resolution.refresh_from_db()
    assert resolution.chosen == [b]
    assert resolution.decided_at >= created
    assert resolution.decided_at >= Poll.objects.get(pk=runoff.pk).counted_at


def test_a_runoffs_list_and_seats_cannot_be_edited_even_after_a_reset(
    session, bloc_head, bloc_year
):
    poll, (a, b, c) = tie_poll(session, bloc_head)
    runoff = voting.resolve_tie(
        poll, method="runoff", entry_mode="aggregate", actor=bloc_head
    ).runoff_poll
    assert runoff.entry_mode == "aggregate"
    voting.open_poll(runoff, actor=bloc_head)
    voting.reset_poll(runoff, reason="Nhầm số", actor=bloc_head)
    runoff.refresh_from_db()
    with pytest.raises(ValidationError, match="chỉ gồm các đơn vị bằng phiếu"):
        voting.update_poll(
            runoff, seats=1, entry_mode="ballots", candidate_ids=[a, b, c], actor=bloc_head
        )
    with pytest.raises(ValidationError, match="chỉ gồm các đơn vị bằng phiếu"):
        voting.update_poll(
            runoff, seats=2, entry_mode="ballots", candidate_ids=[b, c], actor=bloc_head
        )
    voting.update_poll(runoff, seats=1, entry_mode="ballots", candidate_ids=[c, b], actor=bloc_head)
    runoff.refresh_from_db()
    assert runoff.entry_mode == "ballots" and sorted(agency_ids(runoff)) == sorted([b, c])


# Two polls for one award -----------------------------------------------------------------


def test_a_second_poll_for_the_same_award_needs_a_reason_that_is_kept(session, bloc_head):
    draft_poll(session, bloc_head)
    with pytest.raises(ValidationError) as caught:
        draft_poll(session, bloc_head)
    assert "ghi rõ lý do" in caught.value.message_dict["repeat_reason"][0]
    second = draft_poll(
        session, bloc_head, repeat_reason="  Hội nghị bổ sung đơn vị theo đề nghị  "
    )
    assert second.repeat_reason == "Hội nghị bổ sung đơn vị theo đề nghị"
    other = draft_poll(session, bloc_head, "BK_TINH", repeat_reason="không cần")
    assert other.repeat_reason == ""


# Locked and closing times -------------------------------------------------------------------------


def finalized(session, actor):
    poll = open_award_poll(session, actor=actor)
    count_with(poll, [agency_ids(poll)[:1]] * 4, actor)
    return voting.finalize_session(session, actor=actor), poll


def test_finalizing_fills_the_closing_times_left_blank_and_keeps_typed_ones(session, bloc_head):
    voting.update_session(session, closed_at=datetime.time(11, 30), actor=bloc_head)
    before = timezone.localtime().replace(second=0, microsecond=0)
    session, _poll = finalized(session, bloc_head)
    after = timezone.localtime()
    session.refresh_from_db()
    assert session.closed_at == datetime.time(11, 30)
    filled = datetime.datetime.combine(before.date(), session.count_closed_at, before.tzinfo)
    if filled < before:  # finalized just after midnight
        filled += datetime.timedelta(days=1)
    assert before <= filled <= after
    entry = AuditEntry.objects.filter(action="awards.session.finalized").get()
    assert entry.data["closed_at"] == ["11:30"]
    assert entry.data["count_closed_at"] == [session.count_closed_at.isoformat(timespec="minutes")]


def test_counting_again_a_poll_of_a_finalized_conference_is_refused(session, bloc_head):
    session, poll = finalized(session, bloc_head)
    with pytest.raises(ValidationError, match="đã kết thúc"):
        voting.count_poll(poll, actor=bloc_head)
    poll.refresh_from_db()
    assert poll.state == "finalized"


def test_live_counts_add_the_valid_ballots_entered_so_far(session, bloc_head):
    RuleSet.objects.filter(poll_kind="award").update(max_marks=1)
    poll = open_award_poll(session, actor=bloc_head)
    a, b = agency_ids(poll)[:2]
    for marks in ([a], [a], [b], [a, b]):
        voting.record_ballot(poll, marks, actor=bloc_head)
    votes, invalid = voting.live_counts(poll)
    assert votes[a] == 2 and votes[b] == 1 and invalid == 1


def test_reopening_a_conference_withdraws_its_election_until_it_is_finalized_again(
    session, bloc_head, province_staff, bloc_year
):
    members = list(session.attendance.values_list("agency_id", flat=True))
    for kind, chosen in (("next_head", members[2]), ("next_deputy", members[3])):
        poll = voting.create_poll(session, kind=kind, actor=bloc_head)
        voting.open_poll(poll, actor=bloc_head)
        count_with(poll, [[chosen]] * 3, bloc_head)
    voting.finalize_session(session, actor=bloc_head)
    bloc_year.refresh_from_db()
    assert bloc_year.next_head_id == members[2]
    voting.reopen_session(session, reason="Bầu lại Phó Trưởng khối", actor=province_staff)
    bloc_year.refresh_from_db()
    assert bloc_year.next_head is None and bloc_year.next_deputy is None
    voting.finalize_session(session, actor=bloc_head)
    bloc_year.refresh_from_db()
    assert (bloc_year.next_head_id, bloc_year.next_deputy_id) == (members[2], members[3])

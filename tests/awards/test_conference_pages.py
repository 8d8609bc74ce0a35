"""What the conference pages show a person: visible setup rows, errors that say what is wrong,
the rule in force, runoff labels, the room screen's rule and outcome."""

import unicodedata

import pytest
from django.urls import reverse

from awards.models import RuleSet, VotingSession
from awards.services import voting
from portal.bench.measure import capture_queries
from tests.awards.voting_fixtures import agency_ids, award, make_session, open_award_poll
from tests.queries import assert_same_queries


@pytest.fixture
def session(bloc_year, bloc_head):
    return make_session(bloc_year, bloc_head)


def setup_url(bloc_year):
    return reverse("awards:conference_setup", args=[bloc_year.pk])


def poll_url(name, poll):
    return reverse(f"awards:{name}", args=[poll.bloc_year_id, poll.pk])


def setup_data(**extra):
    return {
        "held_at": "2023-12-22T08:00",
        "place": "Hội trường Sở Y tế",
        "chair_name": "Hoàng Minh Tuấn",
        "copies": "3",
        "guests-TOTAL_FORMS": "3",
        "guests-INITIAL_FORMS": "0",
        "committee-TOTAL_FORMS": "3",
        "committee-INITIAL_FORMS": "0",
        "committee-0-role": "Thành viên",
        "committee-1-role": "Thành viên",
        "committee-2-role": "Thành viên",
        **extra,
    }


def test_the_setup_rows_have_a_label_for_every_field(bloc_year, head_client):
    html = head_client.get(setup_url(bloc_year)).content.decode()
    for label in (
        "Khách mời 1: họ và tên",
        "Khách mời 3: cơ quan",
        "Thành viên 1: họ và tên",
        "Thành viên 2: nhiệm vụ",
    ):
        assert label in html
    assert "table-responsive" not in html.split('data-testid="guests"')[1]


def test_a_guest_may_be_named_by_title_only_and_empty_rows_are_skipped(bloc_year, head_client):
    response = head_client.post(
        setup_url(bloc_year),
        setup_data(
            **{
                "guests-0-name": "Trần Xuân Lộc",
                "guests-0-title": "Phó Chủ tịch UBND tỉnh",
                "guests-1-title": unicodedata.normalize("NFD", "Phó Giám đốc Sở Nội vụ"),
                "committee-0-name": "Phạm Văn Hùng",
                "committee-0-role": "Trưởng ban",
            }
        ),
    )
    assert response.status_code == 302
    session = VotingSession.objects.get(bloc_year=bloc_year)
    assert session.guests == [
        {"name": "Trần Xuân Lộc", "title": "Phó Chủ tịch UBND tỉnh", "organisation": ""},
        {"name": "", "title": "Phó Giám đốc Sở Nội vụ", "organisation": ""},
    ]
    assert session.committee == [{"name": "Phạm Văn Hùng", "title": "", "role": "Trưởng ban"}]
    assert session.copies == 3


def test_a_bad_row_says_nothing_was_saved_and_keeps_what_was_typed(bloc_year, head_client):
    response = head_client.post(
        setup_url(bloc_year),
        setup_data(
            **{
                "guests-0-organisation": "UBND tỉnh",
                "committee-0-title": "Chuyên viên",
                "copies": "-1",
            }
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="setup-errors"' in html and "Chưa lưu" in html
    assert "Ghi họ tên hoặc chức vụ của khách mời." in html
    assert 'value="UBND tỉnh"' in html and 'value="Chuyên viên"' in html
    assert not VotingSession.objects.filter(bloc_year=bloc_year).exists()


def test_a_hostile_guest_name_is_escaped(bloc_year, head_client):
    head_client.post(
        setup_url(bloc_year), setup_data(**{"guests-0-name": "<script>alert(1)</script>"})
    )
    html = head_client.get(reverse("awards:conference", args=[bloc_year.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_a_negative_count_names_the_figure(session, bloc_head, head_client):
    poll = open_award_poll(session, actor=bloc_head, mode="aggregate")
    a = agency_ids(poll)[0]
    response = head_client.post(
        poll_url("poll_aggregate", poll),
        {"issued": "5", "returned": "-2", "valid": "5", "invalid": "0", f"votes_{a}": "-1"},
    )
    html = response.content.decode()
    assert "Số phiếu thu vào không được là số âm." in html
    assert "Số phiếu đồng ý của Bảo hiểm xã hội tỉnh không được là số âm." in html


def test_a_draft_poll_page_names_the_rule_version_in_force(session, bloc_head, head_client):
    poll = voting.create_poll(session, kind="award", award_type=award("CO_TINH"), actor=bloc_head)
    rule = RuleSet.objects.get(poll_kind="award", award_type=None)
    rule.threshold_numerator, rule.threshold_denominator = 2, 3
    rule.save()
    html = head_client.get(poll_url("poll_detail", poll)).content.decode()
    assert "áp dụng từ ngày 01/01/2024" in html and "phiên bản 1" in html
    assert "quy tắc hiện hành; cố định khi mở bỏ phiếu" in html
    assert "trên 2/3" in html


def test_a_counted_poll_offers_a_reset_that_applies_the_changed_rule(
    session, bloc_head, head_client, province_staff
):
    poll = open_award_poll(session, actor=bloc_head)
    rule = RuleSet.objects.get(poll_kind="award", award_type=None)
    rule.threshold_numerator, rule.threshold_denominator = 2, 3
    voting.save_rule_set(rule, actor=province_staff)
    html = head_client.get(poll_url("poll_detail", poll)).content.decode()
    assert 'data-testid="rule-in-force"' in html
    assert "Khi mở lại, áp dụng quy tắc hiện hành" in html
    head_client.post(
        poll_url("poll_reset", poll), {"reason": "Tỉnh sửa quy tắc", "apply_rule_in_force": "on"}
    )
    poll.refresh_from_db()
    assert poll.state == "draft" and poll.rule["threshold"] == [2, 3]


def runoff_of(session, actor):
    RuleSet.objects.filter(poll_kind="award").update(base="present", comparator="gt")
    poll = open_award_poll(session, seats=2, actor=actor)
    a, b, c = agency_ids(poll)[:3]
    for marks in ([a, b], [a, c], [a, b], [a, c], [b, c]):
        voting.record_ballot(poll, marks, actor=actor)
    voting.count_poll(poll, actor=actor)
    runoff = voting.resolve_tie(poll, method="runoff", actor=actor).runoff_poll
    voting.open_poll(runoff, actor=actor)
    for marks in ([b], [b], [c], [b], [b]):
        voting.record_ballot(runoff, marks, actor=actor)
    voting.count_poll(runoff, actor=actor)
    return poll, runoff


def test_a_runoff_says_trung_and_khong_trung_and_lists_the_tied_without_a_dangling_comma(
    session, bloc_head, head_client
):
    poll, runoff = runoff_of(session, bloc_head)
    html = head_client.get(poll_url("poll_detail", runoff)).content.decode()
    assert "Trúng" in html and "Không trúng" in html and "Đạt tỷ lệ" not in html
    parent = head_client.get(poll_url("poll_detail", poll)).content.decode()
    tie = parent.split('data-testid="tie"')[1].split("</div>")[0]
    assert ", ." not in " ".join(tie.split()).replace("</strong>", "")


def test_the_tie_form_offers_the_runoffs_entry_mode(session, bloc_head, head_client):
    RuleSet.objects.filter(poll_kind="award").update(base="present", comparator="gt")
    poll = open_award_poll(session, seats=2, actor=bloc_head)
    a, b, c = agency_ids(poll)[:3]
    for marks in ([a, b], [a, c], [a, b], [a, c], [b, c]):
        voting.record_ballot(poll, marks, actor=bloc_head)
    voting.count_poll(poll, actor=bloc_head)
    html = head_client.get(poll_url("poll_detail", poll)).content.decode()
    assert "Cách nhập phiếu của cuộc bỏ phiếu lại" in html
    response = head_client.post(
        poll_url("poll_tie", poll), {"method": "runoff", "entry_mode": "aggregate"}
    )
    assert response.status_code == 302
    assert poll.tie_breaks.get().entry_mode == "aggregate"


def test_the_room_screen_states_the_rule_counts_live_then_shows_the_outcome(
    session, bloc_head, head_client
):
    poll = open_award_poll(session, actor=bloc_head)
    a = agency_ids(poll)[0]
    voting.record_ballot(poll, [a], actor=bloc_head)
    html = head_client.get(poll_url("poll_room", poll)).content.decode()
    assert 'data-testid="room-rule"' in html and "trên 50% tổng số thành viên" in html
    live = html.split('data-testid="room-live"')[1]
    assert "Bảo hiểm xã hội tỉnh" in live and "<strong>1</strong>" in live
    for _ in range(3):
        voting.record_ballot(poll, [a], actor=bloc_head)
    voting.count_poll(poll, actor=bloc_head)
    html = head_client.get(poll_url("poll_room", poll)).content.decode()
    outcome = html.split('data-testid="room-outcome"')[1]
    assert "Được chọn" in outcome and "Bảo hiểm xã hội tỉnh" in outcome


def test_the_room_screen_query_count_does_not_grow_with_ballots(session, bloc_head, head_client):
    poll = open_award_poll(session, actor=bloc_head)
    a = agency_ids(poll)[0]
    voting.record_ballot(poll, [a], actor=bloc_head)
    head_client.get(poll_url("poll_room", poll))
    few = capture_queries(head_client.get, poll_url("poll_room", poll))
    for _ in range(3):
        voting.record_ballot(poll, [a], actor=bloc_head)
    assert_same_queries(
        capture_queries(head_client.get, poll_url("poll_room", poll)), few, at_most=25
    )


def test_the_ballot_page_explains_typing_any_number_and_has_a_filter(
    session, bloc_head, head_client
):
    poll = open_award_poll(session, actor=bloc_head)
    html = head_client.get(poll_url("poll_ballots", poll)).content.decode()
    assert "gõ số thứ tự" in html and "data-candidate-filter" in html
    assert 'data-name="Sở Y tế"' in html


def test_editing_a_used_rule_on_its_page_saves_the_next_version(session, bloc_head, staff_client):
    poll = open_award_poll(session, actor=bloc_head)
    for _ in range(3):
        voting.record_ballot(poll, agency_ids(poll)[:1], actor=bloc_head)
    voting.count_poll(poll, actor=bloc_head)
    rule = RuleSet.objects.get(poll_kind="award", award_type=None)
    edit = reverse("awards:rule_set_edit", args=[rule.pk])
    assert 'data-testid="rule-in-use"' in staff_client.get(edit).content.decode()
    data = {
        "poll_kind": "award",
        "effective_from": "2024-01-01",
        "base": "all_members",
        "comparator": "ge",
        "threshold_numerator": "2",
        "threshold_denominator": "3",
        "quorum_numerator": "2",
        "quorum_denominator": "3",
        "self_vote_allowed": "on",
        "tie_rule": "runoff",
        "max_rounds": "2",
        "fallback_rule": "leaders",
        "legal_basis": "Quy chế 2024",
    }
    response = staff_client.post(edit, data, follow=True)
    assert "thay đổi được lưu thành phiên bản 2" in response.content.decode()
    rule.refresh_from_db()
    assert (rule.threshold_numerator, rule.version) == (1, 1)
    newest = RuleSet.objects.get(poll_kind="award", award_type=None, version=2)
    assert (newest.max_rounds, newest.fallback_rule) == (2, "leaders")


def test_a_cums_poll_page_and_room_screen_speak_of_the_cum(session, bloc_head, head_client):
    bloc = session.bloc_year.bloc
    bloc.kind = "cum"
    bloc.save()
    poll = open_award_poll(session, actor=bloc_head)
    for name, testid in (("poll_detail", "rule"), ("poll_room", "room-rule")):
        html = head_client.get(poll_url(name, poll)).content.decode()
        rule = html.split(f'data-testid="{testid}"')[1].split("</ul>")[0]
        assert "tổng số thành viên của Cụm" in rule and "của Khối" not in rule

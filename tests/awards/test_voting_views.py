"""Conference pages: permissions of POST-only actions, forms with bad input, query budgets."""

import datetime
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import Ballot, Poll, VotingSession
from awards.services import voting
from portal.bench.measure import capture_queries, numbered_sql
from tests.awards.voting_fixtures import agency_ids, award, make_session, open_award_poll
from tests.form_tokens import with_token
from tests.queries import assert_num_queries, assert_same_queries


@pytest.fixture
def session(bloc_year, bloc_head):
    return make_session(bloc_year, bloc_head)


@pytest.fixture
def poll(session, bloc_head):
    return open_award_poll(session, seats=1, actor=bloc_head)


def url(name, poll, *extra):
    return reverse(f"awards:{name}", args=[poll.bloc_year_id, poll.pk, *extra])


POLL_ACTIONS = ["poll_open", "poll_count", "poll_reset", "poll_tie", "poll_edit", "poll_delete"]


@pytest.mark.parametrize("name", POLL_ACTIONS)
def test_a_member_cannot_act_on_a_poll_and_an_outsider_gets_404(
    name, poll, member_client, outsider_client, anonymous_client
):
    assert member_client.post(url(name, poll)).status_code == 403
    assert outsider_client.post(url(name, poll)).status_code == 404
    assert anonymous_client.post(url(name, poll)).status_code == 302
    assert member_client.get(url(name, poll)).status_code in (403, 405)


def test_a_member_cannot_enter_ballots(poll, member_client):
    response = member_client.post(url("poll_ballots", poll), {"marks": agency_ids(poll)[:1]})
    assert response.status_code == 403
    assert poll.ballots.count() == 0


def test_the_head_of_another_bloc_gets_404_on_ballot_entry(poll, outsider_client):
    response = outsider_client.post(url("poll_ballots", poll), {"marks": agency_ids(poll)[:1]})
    assert response.status_code == 404


def test_a_poll_of_another_bloc_year_is_not_reachable_through_this_one(
    poll, other_bloc_year, head_client
):
    response = head_client.get(reverse("awards:poll_detail", args=[other_bloc_year.pk, poll.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["conference_finalize", "conference_reopen"])
def test_session_actions_are_refused_to_members_and_outsiders(
    name, session, member_client, outsider_client
):
    target = reverse(f"awards:{name}", args=[session.bloc_year_id])
    assert member_client.post(target).status_code == 403
    assert outsider_client.post(target).status_code == 404


def test_a_deputy_cannot_finalize_and_the_head_cannot_reopen(session, deputy_client, head_client):
    bloc_year_id = session.bloc_year_id
    assert (
        deputy_client.post(reverse("awards:conference_finalize", args=[bloc_year_id])).status_code
        == 403
    )
    assert (
        head_client.post(
            reverse("awards:conference_reopen", args=[bloc_year_id]), {"reason": "x"}
        ).status_code
        == 403
    )


def test_entering_a_ballot_is_one_request_of_at_most_ten_queries(poll, head_client):
    """Ten statements: session, user, bloc-year, staff group, poll, the locked poll, the spent
    form token, its ballot count and last serial, the insert, the audit row. The savepoint
    pairs come from the test's own transaction and the token's (a real request opens a
    transaction instead of the first)."""
    marks = agency_ids(poll)[:1]
    head_client.post(url("poll_ballots", poll), with_token({"marks": marks}))  # warm caches
    with CaptureQueriesContext(connection) as context:
        response = head_client.post(url("poll_ballots", poll), with_token({"marks": marks}))
    statements = [
        q["sql"]
        for q in context.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    assert len(statements) == 10, numbered_sql(statements)
    assert response.status_code == 302
    assert list(poll.ballots.values_list("serial", flat=True)) == [1, 2]


def test_an_over_voted_ballot_is_recorded_as_invalid_with_a_warning(poll, head_client):
    marks = agency_ids(poll)[:3]
    response = head_client.post(
        url("poll_ballots", poll), with_token({"marks": marks}), follow=True
    )
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.invalid
    assert "vượt quá số tối đa 1" in response.content.decode()


def test_the_ballot_page_shows_the_serial_and_progress_and_focuses_the_first_box(poll, head_client):
    voting.record_ballot(poll, agency_ids(poll)[:1], actor=None)
    html = head_client.get(url("poll_ballots", poll)).content.decode()
    assert "Phiếu số 2" in html
    assert "1/5 phiếu đã nhập" in html
    assert html.count("autofocus") == 1


def test_hostile_marks_are_refused_by_the_form(poll, head_client):
    for marks in (["<script>"], ["999999"], ["1 OR 1=1"]):
        response = head_client.post(url("poll_ballots", poll), with_token({"marks": marks}))
        assert response.status_code == 200
    assert poll.ballots.count() == 0


def test_an_oversized_invalid_reason_is_refused(poll, head_client):
    response = head_client.post(
        url("poll_ballots", poll), with_token({"marks": [], "declared_invalid_reason": "x" * 301})
    )
    assert response.status_code == 200
    assert poll.ballots.count() == 0


def test_a_ballot_can_be_corrected_until_counted(poll, head_client):
    a, b = agency_ids(poll)[:2]
    voting.record_ballot(poll, [a], actor=None)
    response = head_client.post(url("ballot_edit", poll, 1), {"marks": [b]})
    assert response.status_code == 302
    assert Ballot.objects.get(poll=poll).marks == [b]


def test_the_aggregate_form_names_the_wrong_number_on_its_field(session, bloc_head, head_client):
    poll = open_award_poll(session, actor=bloc_head, mode="aggregate")
    a = agency_ids(poll)[0]
    data = {"issued": 5, "returned": 6, "valid": 6, "invalid": 0}
    data.update({f"votes_{i}": 0 for i in agency_ids(poll)})
    data[f"votes_{a}"] = 7
    response = head_client.post(url("poll_aggregate", poll), data)
    form = response.context["form"]
    assert form.errors["returned"] == ["Số phiếu thu vào (6) lớn hơn số phiếu phát ra (5)."]
    assert "lớn hơn số phiếu hợp lệ" in form.errors[f"votes_{a}"][0]


@pytest.mark.parametrize(
    "bad",
    [{"issued": "-1"}, {"issued": "abc"}, {"issued": ""}, {"issued": "100000"}],
    ids=["negative", "text", "missing", "oversized"],
)
def test_the_aggregate_form_refuses_malformed_numbers(session, bloc_head, head_client, bad):
    poll = open_award_poll(session, actor=bloc_head, mode="aggregate")
    data = {"issued": 5, "returned": 5, "valid": 5, "invalid": 0}
    data.update({f"votes_{i}": 1 for i in agency_ids(poll)})
    data.update(bad)
    response = head_client.post(url("poll_aggregate", poll), data)
    assert response.status_code == 200
    assert "issued" in response.context["form"].errors


def test_the_setup_form_stores_nfd_input_as_nfc(bloc_year, head_client):
    place = unicodedata.normalize("NFD", "Hội trường Sở Y tế")
    response = head_client.post(
        reverse("awards:conference_setup", args=[bloc_year.pk]),
        {
            "held_at": "2024-12-20T08:00",
            "place": place,
            "chair_name": unicodedata.normalize("NFD", "Nguyễn Thị Minh Hằng"),
            "guests-TOTAL_FORMS": "1",
            "guests-INITIAL_FORMS": "0",
            "guests-0-name": "Trần Văn Liên",
            "guests-0-title": "Phó Chủ tịch",
            "committee-TOTAL_FORMS": "0",
            "committee-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    session = VotingSession.objects.get(bloc_year=bloc_year)
    assert session.place == "Hội trường Sở Y tế"
    assert unicodedata.is_normalized("NFC", session.chair_name)
    assert session.guests[0]["name"] == "Trần Văn Liên"
    assert session.attendance.count() == 5


def test_the_setup_form_requires_a_place_and_a_chair(bloc_year, head_client):
    response = head_client.post(
        reverse("awards:conference_setup", args=[bloc_year.pk]),
        {
            "held_at": "",
            "guests-TOTAL_FORMS": "0",
            "guests-INITIAL_FORMS": "0",
            "committee-TOTAL_FORMS": "0",
            "committee-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert {"held_at", "place", "chair_name"} <= set(response.context["form"].errors)
    assert not VotingSession.objects.exists()


def test_the_attendance_register_is_saved_in_one_post(session, head_client):
    rows = list(session.attendance.order_by("agency__sort_name"))
    data = {"att-TOTAL_FORMS": str(len(rows)), "att-INITIAL_FORMS": str(len(rows))}
    for index, row in enumerate(rows):
        data[f"att-{index}-agency_id"] = row.agency_id
        if index:
            data[f"att-{index}-present"] = "on"
        data[f"att-{index}-representative_name"] = f"Người dự {index}"
    response = head_client.post(
        reverse("awards:conference_attendance", args=[session.bloc_year_id]), data
    )
    assert response.status_code == 302
    assert voting.attendance_counts(session) == (5, 4)


def test_a_forged_agency_in_the_register_is_refused(session, head_client, other_bloc_year):
    stranger = other_bloc_year.head_id
    data = {
        "att-TOTAL_FORMS": "1",
        "att-INITIAL_FORMS": "1",
        "att-0-agency_id": stranger,
        "att-0-present": "on",
    }
    response = head_client.post(
        reverse("awards:conference_attendance", args=[session.bloc_year_id]), data, follow=True
    )
    assert "không phải thành viên" in response.content.decode()


def test_a_poll_page_shows_the_rule_in_words_and_members_see_results_only_once_counted(
    poll, member_client, bloc_head
):
    html = member_client.get(url("poll_detail", poll)).content.decode()
    assert "trên 50% tổng số thành viên của Khối đồng ý" in html
    assert "Kết quả hiển thị sau khi kiểm phiếu" in html
    voting.record_ballot(poll, agency_ids(poll)[:1], actor=bloc_head)
    voting.count_poll(poll, actor=bloc_head)
    html = member_client.get(url("poll_detail", poll)).content.decode()
    assert "20,00\u00a0%" in html


def test_the_tie_form_starts_a_runoff_and_redirects_to_it(session, bloc_head, head_client):
    from tests.awards.test_voting_services import tie_poll

    poll, (a, b, c) = tie_poll(session, bloc_head)
    html = head_client.get(url("poll_detail", poll)).content.decode()
    assert 'data-testid="tie-form"' in html
    response = head_client.post(url("poll_tie", poll), {"method": "runoff"})
    runoff = Poll.objects.get(kind="tie_break")
    assert response["Location"] == url("poll_detail", runoff)


def test_the_room_screen_refreshes_while_open_and_shows_bars_once_counted(poll, head_client):
    html = head_client.get(url("poll_room", poll)).content.decode()
    assert 'http-equiv="refresh"' in html and "0/5 phiếu đã nhập" in html
    voting.record_ballot(poll, agency_ids(poll)[:1], actor=None)
    voting.count_poll(poll, actor=None)
    html = head_client.get(url("poll_room", poll)).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert 'width="20.00%"' in html


def test_ballot_papers_are_a_pdf_with_one_paper_per_member_present(poll, head_client):
    from tests.pdf_helpers import pdf_text

    response = head_client.get(url("poll_papers", poll))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert text.count("PHIẾU BẦU") == 5  # one paper per member present
    assert "Phiếu số" not in text  # no serial that could link a paper to its voter
    assert "tối đa 1 đơn vị" in text


def add_polls(session, actor, count):
    for _ in range(count):
        voting.create_poll(
            session,
            kind="award",
            award_type=award("BK_TINH"),
            seats=2,
            repeat_reason="Bỏ phiếu thêm theo đề nghị của hội nghị",
            actor=actor,
        )


def test_the_conference_page_query_count_does_not_grow_with_polls(session, bloc_head, head_client):
    target = reverse("awards:conference", args=[session.bloc_year_id])
    add_polls(session, bloc_head, 2)
    few = capture_queries(head_client.get, target)
    add_polls(session, bloc_head, 20)
    many = capture_queries(head_client.get, target)
    assert_same_queries(few, many, at_most=25)
    with assert_num_queries(few):
        head_client.get(target)


def test_the_poll_page_and_ballot_page_stay_within_the_budget(poll, head_client):
    for _ in range(3):
        voting.record_ballot(poll, agency_ids(poll)[:1], actor=None)
    few_detail = capture_queries(head_client.get, url("poll_detail", poll))
    few_ballots = capture_queries(head_client.get, url("poll_ballots", poll))
    voting.record_ballot(poll, agency_ids(poll)[:1], actor=None)
    assert_same_queries(
        capture_queries(head_client.get, url("poll_detail", poll)), few_detail, at_most=25
    )
    assert_same_queries(
        capture_queries(head_client.get, url("poll_ballots", poll)), few_ballots, at_most=25
    )


def test_the_rule_sets_page_says_the_seeded_values_are_examples(staff_client):
    html = staff_client.get(reverse("awards:rule_sets")).content.decode()
    assert "giá trị mẫu" in html
    assert "trên 50% tổng số thành viên của Khối đồng ý" in html


def test_staff_edit_a_rule_set_and_refused_fractions_say_why(staff_client):
    response = staff_client.post(
        reverse("awards:rule_set_add"),
        {
            "poll_kind": "award",
            "award_type": award("CO_CP").pk,
            "effective_from": "2025-07-01",
            "base": "present",
            "comparator": "ge",
            "threshold_numerator": 3,
            "threshold_denominator": 2,
            "quorum_numerator": 2,
            "quorum_denominator": 3,
            "tie_rule": "chair",
        },
    )
    assert response.status_code == 200
    assert "100%" in str(response.context["form"].errors)


def test_finalized_minutes_are_served_to_members_and_drafts_only_to_runners(
    session, bloc_head, member_client, head_client
):
    target = reverse("awards:conference_minutes", args=[session.bloc_year_id, "conference"])
    assert member_client.get(target).status_code == 403
    assert head_client.get(target)["Content-Type"] == "application/pdf"
    poll = open_award_poll(session, actor=bloc_head)
    voting.record_ballot(poll, agency_ids(poll)[:1], actor=bloc_head)
    voting.count_poll(poll, actor=bloc_head)
    session.held_at = session.held_at + datetime.timedelta(0)
    voting.finalize_session(session, actor=bloc_head)
    response = member_client.get(target)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_bloc_year_page_shows_the_conference_panel(session, head_client):
    html = head_client.get(reverse("blocs:bloc_year_detail", args=[session.bloc_year_id]))
    assert 'data-testid="conference-panel"' in html.content.decode()
    assert "Đang tiến hành" in html.content.decode()


def test_the_overview_column_gives_every_bloc_year_its_status_in_one_query(
    session, other_bloc_year
):
    from awards.views.voting import conference_column

    with assert_num_queries(1):
        column = conference_column([session.bloc_year, other_bloc_year])
    assert column.cell(session.bloc_year_id) == "Đang tiến hành"
    assert column.cell(other_bloc_year.pk) == "Chưa tổ chức"
    assert column.total == "0/2 đã kết thúc"


def test_province_staff_reopen_a_finalized_conference_with_a_reason(
    session, bloc_head, staff_client
):
    poll = open_award_poll(session, actor=bloc_head)
    voting.record_ballot(poll, agency_ids(poll)[:1], actor=bloc_head)
    voting.count_poll(poll, actor=bloc_head)
    voting.finalize_session(session, actor=bloc_head)
    target = reverse("awards:conference_reopen", args=[session.bloc_year_id])
    staff_client.post(target, {"reason": ""})
    session.refresh_from_db()
    assert session.state == "finalized"
    staff_client.post(target, {"reason": "Sửa tên khách mời"})
    session.refresh_from_db()
    assert session.state == "draft"


def test_a_deputy_may_enter_ballots(poll, deputy_client):
    response = deputy_client.post(
        url("poll_ballots", poll), with_token({"marks": agency_ids(poll)[:1]})
    )
    assert response.status_code == 302
    assert poll.ballots.count() == 1


def test_an_award_poll_without_its_title_is_refused_on_the_field(session, head_client):
    response = head_client.post(
        reverse("awards:poll_add", args=[session.bloc_year_id]),
        {"kind": "award", "seats": 1, "entry_mode": "ballots"},
    )
    assert "award_type" in response.context["form"].errors
    assert not session.polls.exists()


def test_candidates_are_edited_before_opening_and_frozen_after(session, bloc_head, head_client):
    poll = voting.create_poll(session, kind="award", award_type=award("CO_TINH"), actor=bloc_head)
    keep = agency_ids(poll)[:2]
    head_client.post(
        url("poll_edit", poll), {"seats": 1, "entry_mode": "ballots", "candidates": keep}
    )
    assert agency_ids(poll) == keep
    voting.open_poll(poll, actor=bloc_head)
    response = head_client.post(
        url("poll_edit", poll),
        {"seats": 1, "entry_mode": "ballots", "candidates": keep[:1]},
        follow=True,
    )
    assert "đã cố định" in response.content.decode()
    assert agency_ids(poll) == keep


def test_a_tie_form_choosing_an_untied_agency_is_refused(session, bloc_head, head_client):
    from tests.awards.test_voting_services import tie_poll

    poll, (a, b, c) = tie_poll(session, bloc_head, tie_rule="chair")
    response = head_client.post(
        url("poll_tie", poll),
        {"method": "chair", "chosen": [a], "decided_by": "Chủ trì"},
        follow=True,
    )
    assert poll.tie_resolutions.count() == 0
    assert response.status_code == 200
    head_client.post(
        url("poll_tie", poll), {"method": "chair", "chosen": [b], "decided_by": "Chủ trì"}
    )
    assert poll.result().winners == (a, b)


def test_a_draft_poll_can_be_deleted_but_an_open_one_cannot(session, bloc_head, head_client):
    draft = voting.create_poll(session, kind="award", award_type=award("BK_TINH"), actor=bloc_head)
    opened = open_award_poll(session, actor=bloc_head)
    assert head_client.post(url("poll_delete", draft)).status_code == 302
    head_client.post(url("poll_delete", opened))
    assert list(session.polls.values_list("pk", flat=True)) == [opened.pk]

"""Confirmation pages before irreversible steps, their POSTs and double POSTs, and the council
sheet of the province workspace (results for many proposals on one page)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import AwardProposal, VotingSession
from blocs.models import Covenant
from emulation.models import IssuedDocument
from tests.awards.test_proposals_states import complete_dossier, in_state
from tests.awards.voting_fixtures import counted, make_session, members
from tests.factories import covenant_for
from tests.form_tokens import post_from_page, token_on, with_token

State = AwardProposal.State


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def ready_session(bloc_year, bloc_head):
    session = make_session(bloc_year, bloc_head)
    head = members(bloc_year)[0]
    counted(session, "CO_TINH", {head: 5}, actor=bloc_head)
    return session


def test_the_head_sees_what_finishing_the_conference_locks(head_client, ready_session):
    url = reverse("awards:conference_finalize_confirm", args=[ready_session.bloc_year_id])
    text = page_text(head_client.get(url))
    assert "cấp số và phát hành biên bản kiểm phiếu và biên bản hội nghị" in text
    assert "Chỉ cán bộ Sở Nội vụ mở lại được hội nghị" in text
    assert "DỰ THẢO, chưa có số" in text
    assert 'data-progress="Đang xử lý, vui lòng chờ…"' in text
    assert reverse("awards:conference_finalize", args=[ready_session.bloc_year_id]) in text
    assert not IssuedDocument.objects.exists()


def test_a_second_finalize_is_refused_and_numbers_nothing_more(head_client, ready_session):
    url = reverse("awards:conference_finalize", args=[ready_session.bloc_year_id])
    confirm = reverse("awards:conference_finalize_confirm", args=[ready_session.bloc_year_id])
    post_from_page(head_client, confirm, url)
    ready_session.refresh_from_db()
    assert ready_session.state == VotingSession.State.FINALIZED
    issued = IssuedDocument.objects.count()
    # A confirmation page opened in another tab before the first was confirmed.
    response = head_client.post(url, with_token(), follow=True)
    assert "Hội nghị đã kết thúc." in page_text(response)
    assert IssuedDocument.objects.count() == issued
    assert 'data-testid="confirm-blockers"' in page_text(head_client.get(confirm))


def test_a_conference_with_an_uncounted_poll_cannot_be_confirmed(head_client, bloc_year, bloc_head):
    from tests.awards.voting_fixtures import open_award_poll

    session = make_session(bloc_year, bloc_head)
    open_award_poll(session, actor=bloc_head)
    text = page_text(
        head_client.get(reverse("awards:conference_finalize_confirm", args=[bloc_year.pk]))
    )
    assert "chưa kiểm phiếu" in text
    assert 'data-testid="confirm-submit"' not in text


def test_opening_the_covenant_says_what_it_locks(head_client, bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, actor=bloc_head)
    text = page_text(head_client.get(reverse("blocs:covenant_open_confirm", args=[bloc_year.pk])))
    assert f"{covenant.clauses.count()} điều khoản" in text
    assert reverse("blocs:covenant_pdf", args=[bloc_year.pk]) in text
    post_from_page(
        head_client,
        reverse("blocs:covenant_open_confirm", args=[bloc_year.pk]),
        reverse("blocs:covenant_open", args=[bloc_year.pk]),
    )
    covenant.refresh_from_db()
    assert covenant.status == Covenant.Status.OPEN
    again = page_text(head_client.get(reverse("blocs:covenant_open_confirm", args=[bloc_year.pk])))
    assert "Giao ước không còn là dự thảo." in again


def test_issuing_the_covenant_twice_numbers_it_once(head_client, bloc_year, bloc_head):
    covenant_for(bloc_year, status="signed", actor=bloc_head)
    confirm_url = reverse("blocs:covenant_issue_confirm", args=[bloc_year.pk])
    confirm = page_text(head_client.get(confirm_url))
    assert "cấp số văn bản của khối cho giao ước" in confirm
    url = reverse("blocs:covenant_issue", args=[bloc_year.pk])
    post_from_page(head_client, confirm_url, url)
    response = head_client.post(url, with_token(), follow=True)
    assert IssuedDocument.objects.filter(kind="GU").count() == 1
    assert "alert-danger" in response.content.decode() or "Không thể" in page_text(response)


def test_the_deputy_may_not_confirm_an_issue(deputy_client, bloc_year, bloc_head):
    covenant_for(bloc_year, status="signed", actor=bloc_head)
    url = reverse("blocs:covenant_issue_confirm", args=[bloc_year.pk])
    assert deputy_client.get(url).status_code == 403


def test_sending_proposals_takes_the_letter_number_only_at_the_post(head_client, bloc_year):
    proposal = in_state(bloc_year, State.DRAFT, agency=bloc_year.head)
    complete_dossier(proposal)
    url = reverse("awards:proposals_submit_confirm", args=[bloc_year.pk])
    response = head_client.get(url, {"proposals": [proposal.pk, "x<script>", "99999"]})
    text = page_text(response)
    assert proposal.recipient_label in text
    assert f"letter/?proposals={proposal.pk}" in text
    assert "<script>" not in text
    assert not IssuedDocument.objects.exists()
    preview = head_client.get(f"{reverse('awards:request_letter_preview', args=[bloc_year.pk])}")
    assert preview["Content-Type"] == "application/pdf"
    assert not IssuedDocument.objects.exists()
    submit = reverse("awards:proposals_submit", args=[bloc_year.pk])
    confirm = f"{url}?proposals={proposal.pk}"
    post_from_page(head_client, confirm, submit, {"proposals": [proposal.pk]})
    assert IssuedDocument.objects.filter(kind="TTr").count() == 1
    response = head_client.post(submit, with_token({"proposals": [proposal.pk]}), follow=True)
    assert IssuedDocument.objects.filter(kind="TTr").count() == 1
    assert "Vui lòng chọn đề nghị để gửi." in page_text(response)


def test_an_empty_choice_cannot_be_sent(head_client, bloc_year):
    text = page_text(
        head_client.get(reverse("awards:proposals_submit_confirm", args=[bloc_year.pk]))
    )
    assert 'data-testid="confirm-submit"' not in text


def test_the_council_list_is_not_issued_twice_from_one_confirmation(staff_client, bloc_year):
    confirm = staff_client.get(reverse("awards:council_list_issue_confirm"), {"year": "2024"})
    text = page_text(confirm)
    assert "cấp số văn bản của Sở Nội vụ" in text
    assert 'name="replaces" value=""' in text
    url = reverse("awards:council_list_issue")
    fields = {"year": "2024", "award_type": "", "replaces": ""}
    post_from_page(
        staff_client, reverse("awards:council_list_issue_confirm") + "?year=2024", url, fields
    )
    # The same confirmation opened in a second tab: its own token, but its list was replaced.
    response = staff_client.post(url, with_token(fields), follow=True)
    assert "không phát hành thêm lần nữa" in page_text(response)
    assert IssuedDocument.objects.filter(kind="DS").count() == 1
    again = page_text(
        staff_client.get(reverse("awards:council_list_issue_confirm"), {"year": "2024"})
    )
    assert "thay thế danh sách số" in again


STEP_TWICE = (
    "Thao tác này đã được thực hiện (gửi hai lần); không thực hiện và không lấy số lần nữa."
)


def _signed_covenant(bloc_year, bloc_head):
    covenant_for(bloc_year, status="signed", actor=bloc_head)
    step = ("blocs:covenant_issue", [bloc_year.pk])
    confirm = reverse("blocs:covenant_issue_confirm", args=step[1])
    return "head_client", confirm, step, {}, "GU", STEP_TWICE


def _ready_conference(bloc_year, bloc_head):
    session = make_session(bloc_year, bloc_head)
    counted(session, "CO_TINH", {members(bloc_year)[0]: 5}, actor=bloc_head)
    step = ("awards:conference_finalize", [bloc_year.pk])
    confirm = reverse("awards:conference_finalize_confirm", args=step[1])
    return "head_client", confirm, step, {}, "BB", STEP_TWICE


def _complete_proposal(bloc_year, bloc_head):
    proposal = in_state(bloc_year, State.DRAFT, agency=bloc_year.head)
    complete_dossier(proposal)
    step = ("awards:proposals_submit", [bloc_year.pk])
    confirm = f"{reverse('awards:proposals_submit_confirm', args=step[1])}?proposals={proposal.pk}"
    # Sent proposals are no longer offered, so the form refuses the replay before the token.
    refusal = "Vui lòng chọn đề nghị để gửi."
    return "head_client", confirm, step, {"proposals": [proposal.pk]}, "TTr", refusal


def _council_list(bloc_year, bloc_head):
    # An older page's fields, without `replaces`: only the token tells the replay apart.
    confirm = f"{reverse('awards:council_list_issue_confirm')}?year=2024"
    step = ("awards:council_list_issue", [])
    return "staff_client", confirm, step, {"year": "2024", "award_type": ""}, "DS", STEP_TWICE


@pytest.mark.parametrize(
    "setup", [_signed_covenant, _ready_conference, _complete_proposal, _council_list]
)
def test_a_replayed_numbering_post_takes_no_second_number(request, setup, bloc_year, bloc_head):
    client_name, confirm, (name, args), data, kind, refusal = setup(bloc_year, bloc_head)
    client = request.getfixturevalue(client_name)
    sent = {**data, "form_token": token_on(client.get(confirm))}
    client.post(reverse(name, args=args), sent)
    numbers = list(IssuedDocument.objects.filter(kind=kind).values_list("number", flat=True))
    assert numbers, "the first post takes the number"
    response = client.post(reverse(name, args=args), sent, follow=True)
    assert refusal in page_text(response)
    assert list(IssuedDocument.objects.filter(kind=kind).values_list("number", flat=True)) == (
        numbers
    )


@pytest.mark.parametrize("year", ["", "20245", "abcd", "2024\x00"])
def test_a_bad_year_is_refused_on_the_council_list_confirmation(staff_client, year):
    response = staff_client.get(reverse("awards:council_list_issue_confirm"), {"year": year})
    assert response.status_code == 200
    assert "Chọn năm của danh sách." in page_text(response)


# The council sheet -----------------------------------------------------------------------------


def accepted(bloc_year, count):
    agencies = members(bloc_year)
    return [
        in_state(
            bloc_year,
            State.ACCEPTED,
            "CSTD_TINH",
            agency=agencies[index % len(agencies)],
            person_name=f"Nguyễn Văn {chr(65 + index)}",
        )
        for index in range(count)
    ]


def sheet_url(year=2024):
    return f"{reverse('awards:council_results')}?year={year}"


def test_the_sheet_costs_the_same_queries_for_2_and_6_proposals(staff_client, bloc_year):
    counts = []
    for size in (2, 6):
        AwardProposal.objects.all().delete()
        accepted(bloc_year, size)
        with CaptureQueriesContext(connection) as context:
            response = staff_client.get(sheet_url())
        assert response.content.decode().count('data-testid="sheet-row"') == size
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1] <= 12


def test_one_submit_records_every_entered_row_and_skips_blank_ones(staff_client, bloc_year):
    first, second, blank = accepted(bloc_year, 3)
    data = {
        "year": "2024",
        "rows": [first.pk, second.pk, blank.pk],
        f"p{first.pk}-result": "1",
        f"p{first.pk}-percent": "92,5".replace(",", "."),
        f"p{second.pk}-result": "0",
        f"p{second.pk}-percent": "40",
        f"p{second.pk}-note": "Chưa đủ tỷ lệ",
    }
    response = staff_client.post(reverse("awards:council_results"), data, follow=True)
    assert "Đã ghi kết quả của Hội đồng cho 2 đề nghị." in page_text(response)
    states = dict(AwardProposal.objects.values_list("pk", "state"))
    assert states == {
        first.pk: State.COUNCIL_APPROVED,
        second.pk: State.COUNCIL_REJECTED,
        blank.pk: State.ACCEPTED,
    }
    assert AwardProposal.objects.get(pk=first.pk).council_percent == Decimal("92.5")


@pytest.mark.parametrize(
    ("result", "percent", "error"),
    [
        ("1", "", "Nhập tỷ lệ tán thành"),
        ("", "50", "Chọn kết quả"),
        ("1", "101", "từ 0 đến 100"),
        ("1", "1e400", "từ 0 đến 100"),
        ("1", "9" * 40, "từ 0 đến 100"),
        ("1", "5\x000", "là một số"),
        ("7", "50", "lựa chọn"),
    ],
)
def test_a_wrong_row_names_its_proposal_and_keeps_every_typed_value(
    staff_client, bloc_year, result, percent, error
):
    good, bad = accepted(bloc_year, 2)
    data = {
        "year": "2024",
        "rows": [good.pk, bad.pk],
        f"p{good.pk}-result": "1",
        f"p{good.pk}-percent": "88",
        f"p{good.pk}-note": "<b>ghi chú</b>",
        f"p{bad.pk}-result": result,
        f"p{bad.pk}-percent": percent,
    }
    response = staff_client.post(reverse("awards:council_results"), data)
    text = page_text(response)
    assert response.status_code == 200
    assert "Chưa ghi kết quả nào" in text
    assert f"{bad.award_type.label} – {bad.recipient_label}" in text
    assert error in text
    assert 'value="88"' in text and "&lt;b&gt;ghi chú&lt;/b&gt;" in text
    assert set(AwardProposal.objects.values_list("state", flat=True)) == {State.ACCEPTED}


def test_a_row_decided_meanwhile_is_named(staff_client, bloc_year):
    (row,) = accepted(bloc_year, 1)
    AwardProposal.objects.filter(pk=row.pk).update(state=State.COUNCIL_APPROVED)
    data = {"year": "2024", "rows": [row.pk], f"p{row.pk}-result": "1", f"p{row.pk}-percent": "90"}
    text = page_text(staff_client.post(reverse("awards:council_results"), data))
    assert "cần ở trạng thái “Đã chấp nhận, chờ Hội đồng”" in text or row.recipient_label in text


def test_a_decision_without_the_council_result_says_so(staff_client, bloc_year):
    (waiting,) = accepted(bloc_year, 1)
    response = staff_client.post(
        reverse("awards:decision_record"),
        {
            "proposals": [waiting.pk],
            "number": "12/QĐ-UBND",
            "signed_on": "2025-03-15",
            "signer_name": "Nguyễn Văn Chủ",
            "deciding_level": "province_chairman",
        },
        follow=True,
    )
    text = page_text(response)
    assert "chưa có kết quả của Hội đồng" in text
    assert "không phải là một trong các lựa chọn" not in text


def test_only_staff_post_to_the_sheet(head_client, bloc_year):
    assert head_client.post(reverse("awards:council_results"), {"year": "2024"}).status_code == 403

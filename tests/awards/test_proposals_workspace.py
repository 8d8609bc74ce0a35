"""The province staff's workspace: filters, bulk moves, return, council, decisions, budgets."""

import pytest
from django.urls import reverse

from awards.models import AwardProposal, AwardRecord
from portal.bench.measure import capture_queries
from tests.factories import AwardProposalFactory, award_type, bloc_year_with_members
from tests.queries import assert_num_queries, assert_same_queries

State = AwardProposal.State
WORKSPACE = reverse("awards:proposal_workspace")


def in_state(bloc_year, state, code="CO_TINH", **kwargs):
    proposal = AwardProposalFactory(bloc_year=bloc_year, award_type=award_type(code), **kwargs)
    AwardProposal.objects.filter(pk=proposal.pk).update(state=state)
    proposal.refresh_from_db()
    return proposal


def test_staff_see_every_proposal_of_the_year_with_filters(
    staff_client, bloc_year, other_bloc_year
):
    mine = in_state(bloc_year, State.SUBMITTED, agency=bloc_year.head)
    theirs = in_state(other_bloc_year, State.DRAFT, "TTLDXS", agency=other_bloc_year.head)
    text = staff_client.get(WORKSPACE + "?year=2024").content.decode()
    assert mine.agency.name in text and theirs.agency.name in text
    filtered = staff_client.get(
        WORKSPACE + f"?year=2024&bloc={bloc_year.bloc_id}&state=submitted"
    ).content.decode()
    assert mine.agency.name in filtered and theirs.agency.name not in filtered
    by_award = staff_client.get(
        WORKSPACE + f"?year=2024&award_type={award_type('TTLDXS').pk}"
    ).content.decode()
    assert theirs.agency.name in by_award and mine.agency.name not in by_award


def test_the_workspace_shows_the_quota_and_how_many_more(staff_client, bloc_year):
    in_state(bloc_year, State.SUBMITTED, agency=bloc_year.head, leads_bloc=True)
    text = staff_client.get(WORKSPACE + "?year=2024").content.decode()
    assert "hạn mức 0 (trên 1 đơn vị dẫn đầu khối)" in text
    assert "20% số tập thể được bình chọn dẫn đầu" in text
    assert "tỉnh cần xác nhận" in text


def test_staff_review_accept_return_and_record_the_council(staff_client, bloc_year):
    first = in_state(bloc_year, State.SUBMITTED, agency=bloc_year.head)
    second = in_state(bloc_year, State.SUBMITTED, "TTLDXS", agency=bloc_year.deputy)
    staff_client.post(
        reverse("awards:proposals_start_review"), {"proposals": [first.pk, second.pk]}
    )
    assert set(AwardProposal.objects.values_list("state", flat=True)) == {State.UNDER_REVIEW}
    response = staff_client.post(
        reverse("awards:proposal_return"),
        {"proposal": second.pk, "reason": "Thiếu báo cáo thành tích có chữ ký"},
        follow=True,
    )
    assert "Đã trả lại đề nghị" in response.content.decode()
    second.refresh_from_db()
    assert (second.state, second.return_reason) == (
        State.RETURNED,
        "Thiếu báo cáo thành tích có chữ ký",
    )
    staff_client.post(reverse("awards:proposals_accept"), {"proposals": [first.pk]})
    staff_client.post(
        reverse("awards:proposal_council_outcome"),
        {"proposal": first.pk, "approved": "1", "percent": "95.5"},
    )
    first.refresh_from_db()
    assert first.state == State.COUNCIL_APPROVED
    assert str(first.council_percent) == "95.50"


def test_a_return_without_a_reason_is_refused(staff_client, bloc_year):
    proposal = in_state(bloc_year, State.UNDER_REVIEW, agency=bloc_year.head)
    response = staff_client.post(
        reverse("awards:proposal_return"), {"proposal": proposal.pk, "reason": " "}, follow=True
    )
    proposal.refresh_from_db()
    assert proposal.state == State.UNDER_REVIEW
    assert "Lý do trả lại" in response.content.decode()


def test_accepting_a_proposal_in_the_wrong_state_is_refused(staff_client, bloc_year):
    draft = in_state(bloc_year, State.DRAFT, agency=bloc_year.head)
    response = staff_client.post(
        reverse("awards:proposals_accept"), {"proposals": [draft.pk]}, follow=True
    )
    assert "cần ở trạng thái “Đang thẩm định”" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_one_decision_for_several_approved_proposals(staff_client, bloc_year):
    first = in_state(bloc_year, State.COUNCIL_APPROVED, agency=bloc_year.head)
    second = in_state(bloc_year, State.COUNCIL_APPROVED, "TTLDXS", agency=bloc_year.deputy)
    response = staff_client.post(
        reverse("awards:decision_record"),
        {
            "proposals": [first.pk, second.pk],
            "number": "123/QĐ-UBND",
            "signed_on": "2025-03-15",
            "signer_name": "Nguyễn Văn Chủ",
            "signer_title": "Chủ tịch UBND tỉnh",
            "deciding_level": "province_chairman",
        },
        follow=True,
    )
    assert "Đã ghi Quyết định số 123/QĐ-UBND ngày 15/03/2025 cho 2 đề nghị." in (
        response.content.decode()
    )
    assert AwardRecord.objects.filter(decision__number="123/QĐ-UBND").count() == 2


def test_a_state_level_award_is_forwarded_with_the_letter_number(staff_client, bloc_year):
    proposal = in_state(bloc_year, State.COUNCIL_APPROVED, "CO_CP", agency=bloc_year.head)
    staff_client.post(
        reverse("awards:proposals_forward"),
        {"proposals": [proposal.pk], "letter_number": "88/TTr-UBND", "forwarded_on": "2025-02-10"},
    )
    proposal.refresh_from_db()
    assert proposal.state == State.FORWARDED
    assert proposal.forwarded_letter_number == "88/TTr-UBND"


@pytest.mark.parametrize(
    "name",
    [
        "proposals_start_review",
        "proposals_accept",
        "proposal_return",
        "proposal_council_outcome",
        "proposals_forward",
        "decision_record",
    ],
)
def test_only_province_staff_may_post_review_moves(cast_clients, name):
    for role in ("head", "deputy", "member", "outsider"):
        assert cast_clients[role].post(reverse(f"awards:{name}")).status_code == 403, role
    assert cast_clients["anonymous"].post(reverse(f"awards:{name}")).status_code == 302


def _province(blocs: int, per_bloc: int = 2):
    for _ in range(blocs):
        by = bloc_year_with_members(per_bloc + 1)
        agencies = [m.agency for m in by.memberships.order_by("pk")]
        AwardProposalFactory(bloc_year=by, agency=agencies[0], leads_bloc=True)
        for agency in agencies[1 : per_bloc + 1]:
            AwardProposalFactory(bloc_year=by, agency=agency, award_type=award_type("TTLDXS"))


def test_the_year_list_for_60_blocs_stays_within_the_query_budget(staff_client):
    _province(3)
    page = WORKSPACE + "?year=2024"
    few = capture_queries(staff_client.get, page)
    _province(57)
    assert AwardProposal.objects.count() == 180
    with assert_num_queries(16):  # + the latest issued council list, the leading units
        staff_client.get(page)
    assert_same_queries(capture_queries(staff_client.get, page), few)


def test_the_year_overview_shows_the_proposals_column(staff_client, bloc_year):
    in_state(bloc_year, State.DECIDED, agency=bloc_year.head)
    in_state(bloc_year, State.DRAFT, "TTLDXS", agency=bloc_year.deputy)
    text = staff_client.get(reverse("blocs:year_overview") + "?year=2024").content.decode()
    assert "Đề nghị / đã quyết định" in text
    assert "2 / 1" in text

"""The council's list of proposals: a DỰ THẢO preview, then issued with the province body's
number and signer, verifiable, over-quota rows flagged in the PDF and the XLSX."""

import io

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse

from awards.models import AwardProposal
from awards.services import proposals as services
from emulation.documents import read_document
from emulation.models import IssuedDocument
from tests.factories import AwardProposalFactory, award_type
from tests.form_tokens import with_token
from tests.pdf_helpers import drawing_order_text

State = AwardProposal.State


@pytest.fixture
def two_flags(bloc_year):
    """Two Government Flag proposals in review, one of a unit leading its bloc: with one
    leading unit in the province the 20 % quota allows none."""
    flags = [
        AwardProposalFactory(
            bloc_year=bloc_year,
            agency=bloc_year.memberships.all()[index].agency,
            award_type=award_type("CO_CP"),
            state=State.ACCEPTED,
            leads_bloc=index == 0,
        )
        for index in range(2)
    ]
    return flags


def text(data):
    return drawing_order_text(data)


def test_the_preview_is_a_numberless_draft(staff_client, two_flags):
    response = staff_client.get(reverse("awards:council_list_pdf") + "?year=2024")
    body = text(response.content)
    assert "DỰ THẢO" in body and "Số: ……/DS-SNV" in body
    assert "SỞ NỘI VỤ" in body
    assert not IssuedDocument.objects.exists()


@override_settings(
    PROVINCE_OFFICE_NAME="Sở Nội vụ tỉnh Ninh Bình",
    PROVINCE_OFFICE_CODE="SNV",
    COUNCIL_LIST_SIGNER_NAME="Trịnh Thị Lan",
)
def test_issuing_numbers_the_list_with_the_province_body_and_its_signer(staff_client, two_flags):
    response = staff_client.post(
        reverse("awards:council_list_issue"), with_token({"year": "2024"}), follow=True
    )
    assert "Đã phát hành danh sách đề nghị khen thưởng số 01/DS-SNV" in response.content.decode()
    document = IssuedDocument.objects.get(kind="DS")
    body = text(read_document(document))
    assert "Số: 01/DS-SNV" in body and "SỞ NỘI VỤ TỈNH NINH BÌNH" in body
    assert "Trịnh Thị Lan" in body and "DỰ THẢO" not in body
    assert "Nơi nhận:" in body
    page = staff_client.get(reverse("awards:proposal_workspace") + "?year=2024").content.decode()
    assert 'data-testid="council-list"' in page and "01/DS-SNV" in page


def test_issuing_again_supersedes_the_earlier_list(province_staff, two_flags):
    first = services.issue_council_list(2024, actor=province_staff)
    second = services.issue_council_list(2024, actor=province_staff)
    first.refresh_from_db()
    assert first.superseded_by == second
    assert services.latest_council_list(2024) == second
    other = services.issue_council_list(2024, award_type("CO_CP"), actor=province_staff)
    second.refresh_from_db()
    assert second.superseded_by is None and other.number == "03/DS-SNV"


def test_over_quota_rows_are_flagged_in_the_pdf_and_the_xlsx(staff_client, two_flags):
    body = text(staff_client.get(reverse("awards:council_list_pdf") + "?year=2024").content)
    assert body.count("Vượt hạn mức:") == 2 and "vượt hạn mức" in body
    assert body.count("Không phải đơn vị dẫn đầu khối") == 1
    assert "Dẫn đầu Khối thi đua Văn hóa - Xã hội năm 2024" in body  # the bloc it leads
    data = staff_client.get(reverse("awards:council_list_export") + "?year=2024").content
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    headers = [cell.value for cell in sheet[1]]
    notes = [row[headers.index("Ghi chú")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all("Vượt hạn mức" in note for note in notes if note is not None)
    assert sum(1 for note in notes if note and "Không phải đơn vị dẫn đầu" in note) == 1
    quota = openpyxl.load_workbook(io.BytesIO(data))["Hạn mức"]
    [row] = list(quota.iter_rows(min_row=2, values_only=True))
    assert row[2:] == (1, 0, 2, "Vượt hạn mức")


def test_only_staff_may_issue_the_list(head_client, two_flags):
    response = head_client.post(reverse("awards:council_list_issue"), {"year": "2024"})
    assert response.status_code == 403
    assert not IssuedDocument.objects.exists()

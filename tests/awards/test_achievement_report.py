"""The báo cáo thành tích, prefilled from the year's data: what a unit's secretary finds in it
(targets it registered, the conference result on one base, earlier awards with their decisions),
what is left to fill in, and the same words in the Word copy."""

import io
import unicodedata

import pytest
from django.urls import reverse
from docx import Document

from awards.achievement_report import achievement_report
from awards.models import AwardProposal, AwardRecord
from awards.services import proposals as proposal_services
from blocs.models import Membership
from blocs.services import covenants
from tests.factories import AwardRecordFactory, DecisionFactory, award_type
from tests.pdf_helpers import drawing_order_text, ink_in_margins
from tests.queries import assert_max_queries

DECREE_30 = {"left_mm": 30, "right_mm": 15}


def flat(text: str) -> str:
    return " ".join(text.split())


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return flat(" ".join(parts))


@pytest.fixture
def voted(bloc_year, finalized):
    """Sở Y tế's CO_TINH proposal (5 of 5 members), with targets and a signatory on file."""
    proposal = AwardProposal.objects.get(bloc_year=bloc_year, award_type__code="CO_TINH")
    registration = covenants.save_registration(
        bloc_year,
        proposal.agency,
        titles=[award_type("CO_TINH")],
        targets=[
            {"indicator": "Hồ sơ giải quyết đúng hạn", "value": "100", "unit": "%"},
            {"indicator": "Mô hình dân vận khéo", "value": "2", "unit": "mô hình"},
        ],
        actor=None,
    )
    covenants.submit_registration(registration, actor=None)
    Membership.objects.filter(bloc_year=bloc_year, agency=proposal.agency).update(
        signatory_name="Trần Thị Giám", signatory_title="Giám đốc"
    )
    return proposal


def test_a_voted_collective_finds_its_targets_result_and_earlier_awards(voted):
    earlier = AwardRecordFactory(
        agency=voted.agency,
        award_type=award_type("TTLDXS"),
        year=voted.year - 1,
        decision=DecisionFactory(number="45/QĐ-UBND", deciding_level="province_chairman"),
    )
    AwardRecordFactory(
        agency=voted.agency,
        award_type=award_type("BK_TINH"),
        year=voted.year - 2,
        status=AwardRecord.Status.REVOKED,
    )
    AwardRecordFactory(agency=voted.agency, award_type=award_type("TTLDTT"), year=voted.year)
    text = drawing_order_text(achievement_report(voted)[2])
    assert "BÁO CÁO THÀNH TÍCH" in text and "DỰ THẢO" in text
    assert f"Đề nghị tặng {voted.award_type.legal_name} năm {voted.year}" in text
    assert f"Tên tập thể đề nghị: {voted.agency.name}" in text
    assert "Số:" not in text  # the unit's own paper: the portal does not number it
    assert "ngày …… tháng …… năm ……" in text  # dated when signed
    assert "Hồ sơ giải quyết đúng hạn 100%" in text and "Mô hình dân vận khéo 2 mô hình" in text
    assert "bằng hình thức bỏ phiếu kín" in text
    assert "5/5 phiếu, đạt 100,00 % tổng số thành viên của Khối" in text
    assert (
        f"{earlier.year} {earlier.award_type.legal_name} Quyết định số 45/QĐ-UBND ngày "
        f"15/03/2025 của Chủ tịch UBND tỉnh" in text
    )
    assert "Bằng khen" not in text.split("III.")[1]  # revoked
    assert "Tập thể lao động tiên tiến" not in text  # the proposal's own year is not "earlier"
    assert "THỦ TRƯỞNG ĐƠN VỊ" in text and "Trần Thị Giám" in text
    assert "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG" in text


def test_an_individual_proposal_added_by_hand_cites_its_own_basis(bloc_year, bloc_head):
    agency = bloc_year.memberships.first().agency
    proposal = proposal_services.add_manual_proposal(
        bloc_year,
        agency=agency,
        award_type=award_type("CSTD_TINH"),
        person_name=unicodedata.normalize("NFD", "Lê Thị Hồng"),
        person_title="Trưởng phòng",
        votes=None,
        percent=None,
        basis="Biên bản họp Hội đồng thi đua cơ quan ngày 05/12/2024",
        actor=bloc_head,
    )
    text = drawing_order_text(achievement_report(proposal)[2])
    assert "Họ và tên: Lê Thị Hồng" in text  # NFD typed, NFC printed
    assert "Chức vụ (đảng, chính quyền, đoàn thể): Trưởng phòng" in text
    assert f"Đơn vị công tác: {agency.name}" in text
    assert "Căn cứ: Biên bản họp Hội đồng thi đua cơ quan ngày 05/12/2024" in text
    assert "bỏ phiếu kín" not in text
    assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in text and "THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN" in text
    assert "Tên tập thể đề nghị" not in text


def test_text_with_markup_is_printed_as_text(bloc_year, bloc_head):
    agency = bloc_year.memberships.first().agency
    proposal = proposal_services.add_manual_proposal(
        bloc_year,
        agency=agency,
        award_type=award_type("CSTD_TINH"),
        person_name="<b>Nguyễn Văn A</b>",
        person_title='<img src="x" onerror="alert(1)">',
        votes=None,
        percent=None,
        basis="<script>alert(1)</script>",
        actor=bloc_head,
    )
    text = drawing_order_text(achievement_report(proposal)[2])
    assert "<b>Nguyễn Văn A</b>" in text and "<script>alert(1)</script>" in text


def test_the_word_copy_carries_the_same_heading_figures_and_blank_lines(voted):
    filename, content_type, data = achievement_report(voted, word=True)
    assert filename.endswith(".docx") and "wordprocessingml" in content_type
    text = docx_text(data)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "BÁO CÁO THÀNH TÍCH" in text
    assert f"Đề nghị tặng {voted.award_type.legal_name} năm {voted.year}" in text
    assert "5/5 phiếu, đạt 100,00 % tổng số thành viên của Khối" in text
    assert "Hồ sơ giải quyết đúng hạn" in text and "Trần Thị Giám" in text
    assert "....................." in text  # lines left to fill in


def test_the_report_keeps_the_margins_with_long_names(voted):
    voted.agency.name = "Trung tâm Văn hóa, Thể thao và Du lịch khu vực Kim Bảng - Thanh Liêm"
    voted.agency.save()
    AwardRecordFactory(agency=voted.agency, award_type=award_type("TTLDXS"), year=voted.year - 1)
    assert ink_in_margins(achievement_report(voted)[2], **DECREE_30) == []


def test_readers_of_the_year_download_both_copies_in_few_queries(voted, member_client):
    for name, kind in (("achievement_report_pdf", "pdf"), ("achievement_report_word", "docx")):
        url = reverse(f"awards:{name}", args=[voted.bloc_year_id, voted.pk])
        with assert_max_queries(14):
            response = member_client.get(url)
        assert response.status_code == 200
        assert f".{kind}" in response["Content-Disposition"]


def test_the_dossier_page_offers_the_prefilled_report_and_names_the_base(voted, head_client):
    with assert_max_queries(20):
        page = head_client.get(
            reverse("awards:proposal_detail", args=[voted.bloc_year_id, voted.pk])
        ).content.decode()
    assert "5/5 phiếu, đạt 100,00\u00a0% tổng số thành viên của Khối" in page
    assert 'data-testid="achievement-report-word"' in page
    assert reverse("awards:achievement_report_word", args=[voted.bloc_year_id, voted.pk]) in page

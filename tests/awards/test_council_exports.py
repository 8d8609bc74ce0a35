"""The council's list (Excel and Decree-30 PDF) and the statistics export re-open with the same
numbers; formulas in names are defused."""

import io
from decimal import Decimal

import openpyxl
from django.urls import reverse

from awards.exports import COUNCIL_HEADERS, CouncilListExporter, StatisticsExporter
from awards.models import AwardProposal
from awards.pdf import council_list_pdf
from awards.services.ledger import award_statistics, statistics_sentence
from tests.factories import (
    AgencyFactory,
    AwardProposalFactory,
    AwardRecordFactory,
    MembershipFactory,
    award_type,
    bloc_year_with_members,
)
from tests.pdf_helpers import drawing_order_text, is_a4_portrait, pdf_text

State = AwardProposal.State


def accepted(bloc_year, agency, code="CO_TINH", **fields):
    proposal = AwardProposalFactory(
        bloc_year=bloc_year, agency=agency, award_type=award_type(code), **fields
    )
    AwardProposal.objects.filter(pk=proposal.pk).update(state=State.ACCEPTED)
    return proposal


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_council_list_has_one_sheet_per_award_type_with_the_votes(bloc_year):
    accepted(bloc_year, bloc_year.head, votes=5, percent=Decimal("100"), leads_bloc=True)
    accepted(bloc_year, bloc_year.deputy, "TTLDXS", votes=4, percent=Decimal("80"))
    AwardProposalFactory(
        bloc_year=bloc_year, agency=bloc_year.deputy, award_type=award_type("BK_TINH")
    )
    filename, content_type, data = CouncilListExporter(2024).export()
    assert filename == "danh-sach-de-nghi-khen-thuong-2024.xlsx"
    book = workbook(data)
    assert book.sheetnames == ["CO_TINH", "TTLDXS", "Hạn mức"]  # the quota sheet last
    rows = list(book["CO_TINH"].values)
    assert list(rows[0]) == COUNCIL_HEADERS
    assert rows[1][1] == "Sở Y tế"
    assert rows[1][4] == "Khối thi đua Văn hóa - Xã hội"
    assert rows[1][5] == "x"
    assert (rows[1][6], rows[1][7]) == (5, 100)
    assert list(book["TTLDXS"].values)[1][6:8] == (4, 80)


def test_formula_like_names_are_defused_in_the_export(bloc_year):
    agency = AgencyFactory(name='=HYPERLINK("http://x")')
    MembershipFactory(bloc_year=bloc_year, agency=agency)
    accepted(bloc_year, agency)
    book = workbook(CouncilListExporter(2024).export()[2])
    cell = book["CO_TINH"]["B2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")


def test_the_export_page_downloads_the_filtered_award_type(staff_client, bloc_year):
    accepted(bloc_year, bloc_year.head)
    accepted(bloc_year, bloc_year.deputy, "TTLDXS")
    response = staff_client.get(
        reverse("awards:council_list_export") + f"?year=2024&award_type={award_type('TTLDXS').pk}"
    )
    assert response.status_code == 200
    assert workbook(response.content).sheetnames == ["TTLDXS", "Hạn mức"]


def test_the_council_list_pdf_names_the_bloc_each_unit_leads(staff_client, bloc_year):
    accepted(bloc_year, bloc_year.head, "CO_CP", leads_bloc=True, percent=Decimal("100"), votes=5)
    response = staff_client.get(reverse("awards:council_list_pdf") + "?year=2024")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "DANH SÁCH" in text
    assert "Đề nghị khen thưởng năm 2024" in text
    flat = " ".join(text.split())
    assert "Khối thi đua Văn hóa" in flat
    assert "Dẫn đầu Khối thi đua Văn hóa - Xã hội năm 2024" in drawing_order_text(response.content)
    assert "20% số tập thể" in flat
    assert is_a4_portrait(response.content)


def test_the_council_list_for_300_proposals_has_every_row(db):
    """Its duration is the bench's business (manage.py bench), never a test's."""
    for _ in range(30):
        by = bloc_year_with_members(10)
        for index, membership in enumerate(by.memberships.all()):
            accepted(by, membership.agency, "TTLDXS" if index else "CO_TINH", votes=index)
    assert AwardProposal.objects.filter(state=State.ACCEPTED).count() == 300
    book = workbook(CouncilListExporter(2024).export()[2])
    assert book["TTLDXS"].max_row == 271
    assert pdf_text(council_list_pdf(2024)[2]).count("Tập thể lao động xuất sắc") >= 1


def test_statistics_count_collectives_and_individuals_per_award_and_year(db):
    for _ in range(8):
        AwardRecordFactory(award_type=award_type("CO_CP"), year=2024)
    for _ in range(6):
        AwardRecordFactory(award_type=award_type("HCLD_3"), year=2024)
    for index in range(3):
        AwardRecordFactory(
            award_type=award_type("HCLD_3"), year=2024, person_name=f"Cá nhân {index}"
        )
    revoked = AwardRecordFactory(award_type=award_type("CO_CP"), year=2024)
    revoked.status = "revoked"
    revoked.save()
    rows = award_statistics([2024])
    assert statistics_sentence(rows) == (
        "8 tập thể được tặng Cờ thi đua của Chính phủ; "
        "6 tập thể, 3 cá nhân Huân chương Lao động hạng Ba."
    )


def test_the_statistics_export_reopens_with_the_same_numbers(staff_client, db):
    AwardRecordFactory(award_type=award_type("CO_TINH"), year=2023)
    AwardRecordFactory(award_type=award_type("CO_TINH"), year=2023, person_name="")
    AwardRecordFactory(award_type=award_type("BK_TINH"), year=2023, person_name="Lê Văn Bình")
    response = staff_client.get(reverse("awards:award_statistics_export"))
    rows = list(workbook(response.content).active.values)
    assert rows[0] == ("Năm", "Mã", "Danh hiệu, hình thức", "Tập thể", "Cá nhân", "Tổng")
    assert (2023, "CO_TINH", "Cờ thi đua của Ủy ban nhân dân tỉnh", 2, 0, 2) in rows
    assert (2023, "BK_TINH", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", 0, 1, 1) in rows
    assert StatisticsExporter().export()[0] == "thong-ke-khen-thuong.xlsx"


def test_the_statistics_page_shows_the_sentence_and_the_chart(staff_client, db):
    AwardRecordFactory(award_type=award_type("CO_TINH"), year=2023)
    text = staff_client.get(reverse("awards:award_statistics")).content.decode()
    assert "1 tập thể được tặng Cờ thi đua của Ủy ban nhân dân tỉnh." in text
    assert 'data-testid="chart"' in text

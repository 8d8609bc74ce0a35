"""A member's secretary fetches the prefilled achievement report from its proposal's page, on a
desktop and on a phone, and finds the year's figures in the Word copy."""

import io

import pytest
from docx import Document

from awards.models import AwardProposal
from portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.conference_helpers import WIDTHS, log_in, log_out, on_screen, press_button, set_width
from tests.e2e.test_proposals import demo_conference  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def word_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join(" ".join(parts).split())


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_member_downloads_its_prefilled_report(
    demo_conference,  # noqa: F811
    page,
    live_server,
    screenshot,
    width,
):
    bloc_year = demo_conference
    proposal = AwardProposal.objects.get(
        bloc_year=bloc_year, agency__name="Sở Văn hóa, Thể thao và Du lịch"
    )
    set_width(page, width)
    log_in(page, live_server.url, "thanhvien", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/awards/bloc-years/{bloc_year.pk}/proposals/")
    press_button(page, page.get_by_role("link", name=proposal.recipient_label))
    box = page.get_by_test_id("achievement-report")
    on_screen(page, box)
    screenshot(f"achievement-report-{width}")
    word = page.get_by_test_id("achievement-report-word")
    on_screen(page, word)
    with page.expect_download() as download:
        word.click()
    assert download.value.suggested_filename.endswith(".docx")
    with open(download.value.path(), "rb") as handle:
        text = word_text(handle.read())
    assert "BÁO CÁO THÀNH TÍCH" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Tên tập thể đề nghị: Sở Văn hóa, Thể thao và Du lịch" in text
    assert "Tập thể lao động xuất sắc năm 2024" in text
    assert "5/7 phiếu, đạt 71,43 % tổng số thành viên của Khối" in text
    pdf = page.get_by_test_id("achievement-report-pdf")
    on_screen(page, pdf)
    response = page.request.get(live_server.url + pdf.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    log_out(page)

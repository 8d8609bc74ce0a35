"""An anonymous reader checks an issued PDF on /verify/, then a tampered copy of it."""

import pytest

from emulation.documents import read_document
from emulation.pdf import render_pdf
from tests.factories import issued_document
from tests.pdf_helpers import flip_byte

pytestmark = pytest.mark.browser


def test_an_anonymous_reader_verifies_an_issued_pdf_and_spots_a_tampered_copy(
    page, live_server, screenshot, bloc_year, province_staff, tmp_path
):
    def render(stamp):
        return render_pdf(
            "pdf/sample_minutes.html",
            {"issuer_name": bloc_year.bloc.name, "doc_type": "Biên bản", "stamp": stamp},
        )

    document = issued_document(
        bloc_year, actor=province_staff, title="Biên bản hội nghị khối", render=render
    )
    original = tmp_path / "bien-ban.pdf"
    original.write_bytes(read_document(document))
    data = original.read_bytes()
    tampered = tmp_path / "bien-ban-da-sua.pdf"
    tampered.write_bytes(flip_byte(data, len(data) // 2))

    page.goto(f"{live_server.url}/verify/")
    page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(original))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    page.wait_for_load_state("networkidle")
    result = page.locator("#verify-result")
    assert "đúng là văn bản do Cổng phát hành" in result.inner_text()
    assert "01/BB-KTĐVHXH" in result.inner_text()
    assert "Biên bản hội nghị khối" in result.inner_text()
    assert screenshot("verify-issued").stat().st_size > 10_000

    page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(tampered))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    page.wait_for_load_state("networkidle")
    text = page.locator("#verify-result").inner_text()
    assert "không do Cổng phát hành hoặc đã bị thay đổi" in text
    assert "01/BB-KTĐVHXH" not in text
    assert screenshot("verify-tampered").stat().st_size > 10_000

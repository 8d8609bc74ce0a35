"""Browser: province staff find an agency without typing accents and rename it from a date."""

import pytest

from blocs.models import Agency
from tests.e2e.conference_helpers import choose, on_screen, press_button, type_into

pytestmark = pytest.mark.browser


def test_staff_search_without_accents_open_the_agency_and_rename_it(
    login, page, screenshot, live_server, province_staff, bloc_year
):
    login("canbo")
    page.get_by_role("link", name="Cơ quan, đơn vị").first.click()
    page.get_by_label("Tìm theo tên (có thể gõ không dấu)").fill("so y te")
    page.get_by_role("button", name="Tìm").click()
    rows = page.get_by_test_id("agency-table").locator("tbody tr")
    assert rows.count() == 1
    screenshot("agency-registry-search")

    page.get_by_role("link", name="Sở Y tế").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Sở Y tế")
    assert "Khối thi đua Văn hóa - Xã hội" in page.get_by_test_id("agency-blocs").inner_text()

    page.get_by_role("link", name="Đổi tên").click()
    type_into(page, page.get_by_label("Tên mới"), "Sở Y tế tỉnh Hà Nam")
    short = page.get_by_label("Tên viết tắt mới")
    on_screen(page, short)
    type_into(page, short, "SYT HN")
    choose(page, page.get_by_label("Loại hình mới"), label="Sở, ngành")
    type_into(page, page.get_by_label("Ngày hiệu lực"), "01/01/2025")  # typed dd/mm/yyyy
    type_into(page, page.get_by_label("Văn bản, quyết định"), "Quyết định số 01/QĐ-UBND")
    type_into(page, page.get_by_label("Lý do"), "Chuẩn hóa tên gọi")
    press_button(page, page.get_by_role("button", name="Đổi tên"))

    assert "Đã đổi tên" in page.locator(".portal-messages").inner_text()
    names = page.get_by_test_id("names").inner_text()
    assert "Sở Y tế\t" in names or "Sở Y tế " in names
    assert "Sở Y tế tỉnh Hà Nam" in names
    assert "31/12/2024" in names and "01/01/2025" in names
    assert "Quyết định số 01/QĐ-UBND" in page.get_by_test_id("changes").inner_text()
    assert Agency.objects.filter(name="Sở Y tế tỉnh Hà Nam", short_name="SYT HN").exists()
    assert screenshot("agency-renamed").stat().st_size > 10_000

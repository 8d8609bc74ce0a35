"""Browser: staff record a merger into a year already open; the bloc-year page holds it as a flag
until staff replace the member by its successor. On a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from blocs.models import Agency
from tests.conftest import PASSWORD
from tests.e2e.conference_helpers import (
    WIDTHS,
    choose,
    log_in,
    on_screen,
    press_button,
    set_width,
    type_into,
)
from tests.factories import AgencyFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_merger_into_an_open_year_waits_for_staff_then_the_successor_takes_the_place(
    page, live_server, screenshot, province_staff, bloc_year, width
):
    gone = Agency.objects.get(name="Bảo hiểm xã hội tỉnh")
    AgencyFactory(name="Bảo hiểm xã hội khu vực")
    set_width(page, width)
    log_in(page, live_server.url, province_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/blocs/agencies/{gone.pk}/")
    press_button(page, page.get_by_role("link", name="Hợp nhất, sáp nhập"))
    choose(page, page.get_by_label("Hợp nhất, sáp nhập vào"), label="Bảo hiểm xã hội khu vực")
    type_into(page, page.get_by_label("Ngày hiệu lực"), "01/10/2024")  # typed dd/mm/yyyy
    type_into(page, page.get_by_label("Văn bản, quyết định"), "Quyết định số 9/QĐ-BHXH")
    press_button(page, page.get_by_role("button", name="Hợp nhất"))

    page.goto(f"{live_server.url}/blocs/bloc-years/{bloc_year.pk}/")
    flag = page.get_by_test_id("membership-flag")
    on_screen(page, flag)
    expect(flag).to_contain_text(
        "Bảo hiểm xã hội tỉnh hợp nhất vào Bảo hiểm xã hội khu vực từ 01/10/2024"
    )
    expect(page.get_by_test_id("members")).to_contain_text("Bảo hiểm xã hội tỉnh")
    screenshot(f"membership-flag-{width}")
    press_button(page, flag.get_by_role("button", name="Thay bằng Bảo hiểm xã hội khu vực"))
    expect(page.get_by_test_id("membership-flags")).to_have_count(0)
    members = page.get_by_test_id("members")
    expect(members).to_contain_text("Bảo hiểm xã hội khu vực")
    expect(members).not_to_contain_text("Bảo hiểm xã hội tỉnh")

"""The calendar in the browser: the head sets the bloc's own date within the province's on the
bloc's calendar page; a member reads it there; the home page offers the .ics address."""

import datetime

import pytest
from playwright.sync_api import expect

from blocs.services import calendar as services
from tests.conftest import PASSWORD
from tests.e2e.test_accounts import no_horizontal_scroll, sign_in, type_into

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 375])
def test_the_head_sets_a_bloc_date_and_a_member_reads_it(
    page, live_server, screenshot, bloc_year, bloc_head, member, province_staff, width
):
    services.set_province_deadline(
        2024, "scoring", due_on=datetime.date(2024, 11, 15), actor=province_staff
    )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, "truongkhoi", PASSWORD)
    page.goto(f"{live_server.url}/blocs/bloc-years/{bloc_year.pk}/")
    link = page.get_by_test_id("bloc-calendar-link")
    link.scroll_into_view_if_needed()
    expect(link).to_be_visible()
    link.click()
    field = page.get_by_label("Chấm điểm thi đua")
    expect(page.get_by_text("Hạn chung của tỉnh: 15/11/2024")).to_be_visible()
    type_into(field, "20/11/2024")
    page.get_by_role("button", name="Lưu lịch của khối").click()
    expect(page.get_by_text("không được muộn hơn hạn chung của tỉnh")).to_be_visible()
    field = page.get_by_label("Chấm điểm thi đua")
    expect(field).to_be_visible()
    field.press("Control+a")  # cleared as a person would: select it all, type over it
    type_into(field, "05/11/2024")
    page.get_by_role("button", name="Lưu lịch của khối").click()
    expect(page.get_by_text("Đã lưu lịch của khối.")).to_be_visible()
    table = page.get_by_test_id("bloc-calendar")
    expect(table.get_by_role("row", name="Chấm điểm thi đua")).to_contain_text("05/11/2024")
    no_horizontal_scroll(page)
    screenshot(f"bloc-calendar-head-{width}")

    page.context.clear_cookies()
    sign_in(page, live_server.url, "thanhvien", PASSWORD)
    feed = page.get_by_test_id("calendar-feed")
    feed.scroll_into_view_if_needed()
    expect(feed).to_be_visible()
    assert f"/calendar-feed/{member.pk}/" in feed.get_attribute("href")
    page.goto(f"{live_server.url}/blocs/bloc-years/{bloc_year.pk}/calendar/")
    row = page.get_by_test_id("bloc-calendar").get_by_role("row", name="Chấm điểm thi đua")
    expect(row).to_contain_text("05/11/2024")
    expect(row.locator(".text-danger")).to_contain_text("05/11/2024")  # past: in red
    expect(page.get_by_test_id("bloc-calendar-form")).to_have_count(0)
    no_horizontal_scroll(page)
    screenshot(f"bloc-calendar-member-{width}")

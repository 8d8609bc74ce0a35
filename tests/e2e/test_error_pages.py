"""A mistyped address answers in Vietnamese inside the portal, with the way home, on a desktop
and on a phone."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 375])
def test_a_member_on_an_unknown_page_finds_the_way_home(
    login, page, screenshot, live_server, member, bloc_year, width
):
    page.set_viewport_size({"width": width, "height": 800})
    login("thanhvien")
    response = page.goto(f"{live_server.url}/blocs/khong-co-trang-nay/")
    assert response.status == 404
    heading = page.get_by_role("heading", name="Không tìm thấy trang")
    expect(heading).to_be_visible()
    expect(heading).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(f"error-404-{width}")
    home = page.get_by_role("link", name="Về trang chủ")
    expect(home).to_be_in_viewport()
    home.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Trang chủ")).to_be_visible()
    expect(page.get_by_test_id("my-blocs").get_by_role("link").first).to_be_visible()

"""Accounts in the browser: staff create an officer who sets a password from the copied link and
signs in; a forgotten password is reset from the mailed link; a forced change at first sign-in.
At 1280 and 375 px, typing with the keyboard into fields seen on the screen."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conference_helpers import open_newest_bloc
from tests.e2e.conftest import ARTIFACTS
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Khong-de-doan-2026"
WIDTHS = [1280, 375]
WIDER_THAN_THE_SCREEN = """
() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1
"""


def type_into(locator, text):
    expect(locator).to_be_visible()
    locator.scroll_into_view_if_needed()
    expect(locator).to_be_in_viewport()
    locator.press_sequentially(text)


def sign_in(page, base, username, password):
    page.goto(f"{base}/login/")
    type_into(page.get_by_label("Tên đăng nhập"), username)
    type_into(page.get_by_label("Mật khẩu"), password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def set_password(page, password=NEW_PASSWORD):
    type_into(page.get_by_role("textbox", name="Mật khẩu mới*", exact=True), password)
    type_into(page.get_by_role("textbox", name="Xác nhận mật khẩu mới*"), password)
    page.get_by_role("button", name="Lưu mật khẩu").click()
    expect(page.get_by_test_id("password-set")).to_be_visible()


def screenshot_page(page, name):
    """A screenshot of a second page (the `screenshot` fixture shoots the first)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page):
    assert not page.evaluate(WIDER_THAN_THE_SCREEN), page.url


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_create_an_officer_who_sets_a_password_from_the_link_and_signs_in(
    page, browser, live_server, screenshot, province_staff, bloc_year, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, "canbo", PASSWORD)
    page.goto(f"{live_server.url}/blocs/accounts/")
    no_horizontal_scroll(page)
    page.get_by_test_id("account-create").click()
    type_into(page.get_by_label("Tên đăng nhập"), f"syt.hoa{width}")
    type_into(page.get_by_label("Họ và tên"), "Nguyễn Thị Hòa")
    type_into(page.get_by_label("Chức vụ"), "Chánh Văn phòng")
    type_into(page.get_by_label("Thư điện tử"), "hoa@example.vn")
    expect(page.get_by_label("Cơ quan, đơn vị")).to_be_visible()
    page.get_by_label("Cơ quan, đơn vị").select_option(label="Sở Y tế")
    page.get_by_role("button", name="Lưu").click()
    link_field = page.get_by_test_id("password-link")
    expect(link_field).to_be_visible()
    screenshot(f"accounts-created-{width}")
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Chép").click()
    expect(page.get_by_role("button", name="Đã chép")).to_be_visible()
    path = re.search(r"/password/set/\S+", link_field.input_value()).group(0)

    officer = browser.new_page(viewport={"width": width, "height": 900})
    officer.goto(f"{live_server.url}{path}")
    screenshot_page(officer, f"accounts-set-password-{width}")
    set_password(officer)
    sign_in(officer, live_server.url, f"syt.hoa{width}", NEW_PASSWORD)
    open_newest_bloc(officer)
    expect(officer.get_by_test_id("role")).to_have_text("Trưởng khối")
    # The link died with its first use.
    officer.goto(f"{live_server.url}{path}")
    expect(officer.get_by_test_id("link-invalid")).to_be_visible()
    officer.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_forgotten_password_is_reset_through_the_mailed_link(
    page, live_server, screenshot, bloc_head, width
):
    bloc_head.email = "truongkhoi@example.vn"
    bloc_head.save()
    mail.outbox.clear()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.get_by_test_id("forgot-password").click()
    type_into(page.get_by_label("Thư điện tử của tài khoản"), "truongkhoi@example.vn")
    screenshot(f"accounts-reset-form-{width}")
    page.get_by_role("button", name="Gửi đường dẫn").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()
    no_horizontal_scroll(page)
    assert len(mail.outbox) == 1
    path = re.search(r"/password/set/\S+", mail.outbox[0].body).group(0)
    page.goto(f"{live_server.url}{path}")
    set_password(page)
    sign_in(page, live_server.url, "truongkhoi", NEW_PASSWORD)
    open_newest_bloc(page)
    expect(page.get_by_test_id("role")).to_have_text("Trưởng khối")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_new_account_is_sent_to_the_change_page_at_first_sign_in(
    page, live_server, screenshot, bloc_year, width
):
    UserFactory(username="moi", agency=bloc_year.head, must_change_password=True)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, "moi", PASSWORD)
    assert page.url == f"{live_server.url}/password/"
    expect(page.get_by_test_id("forced-change")).to_be_visible()
    page.goto(f"{live_server.url}/blocs/years/")
    assert page.url == f"{live_server.url}/password/"
    screenshot(f"accounts-forced-change-{width}")
    no_horizontal_scroll(page)
    type_into(page.get_by_role("textbox", name="Mật khẩu cũ*"), PASSWORD)
    type_into(page.get_by_role("textbox", name="Mật khẩu mới*", exact=True), NEW_PASSWORD)
    type_into(page.get_by_role("textbox", name="Xác nhận mật khẩu mới*"), NEW_PASSWORD)
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    page.goto(f"{live_server.url}/")
    open_newest_bloc(page)
    expect(page.get_by_test_id("role")).to_have_text("Trưởng khối")


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_add_an_observer_on_the_bloc_year_page(
    page, live_server, screenshot, province_staff, bloc_year, outsider, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, "canbo", PASSWORD)
    page.goto(f"{live_server.url}/blocs/bloc-years/{bloc_year.pk}/")
    panel = page.get_by_test_id("readers-panel")
    type_into(panel.get_by_label("Thêm người theo dõi (tên đăng nhập)"), "nguoingoai")
    panel.get_by_role("button", name="Thêm", exact=True).click()
    expect(page.get_by_test_id("observer-list")).to_contain_text("nguoingoai")
    page.get_by_test_id("readers-panel").scroll_into_view_if_needed()
    screenshot(f"accounts-readers-panel-{width}")
    no_horizontal_scroll(page)
    page.goto(f"{live_server.url}/blocs/accounts/?q=nguoingoai")
    expect(page.get_by_test_id("account-table")).to_contain_text("nguoingoai")
    screenshot(f"accounts-list-{width}")
    no_horizontal_scroll(page)

"""Each demo login (seed_demo) signs in through the real form and lands on its own page."""

import re

import pytest
from django.core.management import call_command

from portal.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

BLOC_USERS = [
    ("truongkhoi", "Trưởng khối", "Sở Y tế"),
    ("phokhoi", "Phó khối", "Sở Giáo dục và Đào tạo"),
    ("thanhvien", "Thành viên", "Sở Văn hóa, Thể thao và Du lịch"),
    ("truongkhoi2026", "Trưởng khối", "Sở Y tế"),
]


# Elements whose right edge passes the viewport (ignoring those inside a scrolling table).
WIDER_THAN_THE_SCREEN = """
() => [...document.querySelectorAll("body *")]
  .filter((el) => !el.closest(".table-responsive"))
  .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`)
  .slice(0, 10)
"""


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def test_the_province_staff_demo_user_lands_on_the_year_overview(
    demo, login, page, live_server, screenshot
):
    login("canbo", DEMO_PASSWORD)
    assert page.url == f"{live_server.url}/blocs/years/"
    assert "Phòng TĐKT" in page.get_by_test_id("whoami").inner_text()
    assert page.get_by_text("Khối thi đua Văn hóa - Xã hội").first.is_visible()
    screenshot("demo-canbo")


@pytest.mark.parametrize(("username", "role", "agency"), BLOC_USERS, ids=[u[0] for u in BLOC_USERS])
def test_a_bloc_demo_user_lands_on_their_bloc_year_with_their_role(
    demo, login, page, live_server, screenshot, username, role, agency
):
    login(username, DEMO_PASSWORD)
    assert re.fullmatch(rf"{re.escape(live_server.url)}/blocs/bloc-years/\d+/", page.url)
    assert page.get_by_test_id("role").inner_text() == role
    assert agency in page.get_by_test_id("whoami").inner_text()
    assert "Khối thi đua Văn hóa - Xã hội" in page.content()
    screenshot(f"demo-{username}")


def test_the_bloc_head_page_fits_a_phone(demo, login, page, screenshot):
    page.set_viewport_size({"width": 375, "height": 812})
    login("truongkhoi", DEMO_PASSWORD)
    screenshot("demo-truongkhoi-phone")
    assert page.get_by_test_id("role").inner_text() == "Trưởng khối"
    # Nothing may force sideways scrolling on a phone.
    too_wide = page.evaluate(WIDER_THAN_THE_SCREEN)
    assert not too_wide, f"wider than the phone: {too_wide}"


def test_a_wrong_demo_password_is_refused_in_vietnamese(demo, login, page, live_server):
    login("truongkhoi", "sai-mat-khau")
    assert page.url.startswith(f"{live_server.url}/login/")
    assert page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng").is_visible()

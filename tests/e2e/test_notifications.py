"""Browser: the head returns a member's registration; the member sees the badge, opens the
notifications and lands on the registration (1280 and 375 px)."""

import pytest
from playwright.sync_api import expect

from blocs.models import AwardType
from blocs.services import covenants
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _returned_registration(bloc_year, member, bloc_head):
    registration = covenants.save_registration(
        bloc_year,
        member.agency,
        titles=list(AwardType.objects.filter(code="CO_TINH")),
        targets=[{"indicator": "Doanh thu", "value": "1.200", "unit": "tỷ đồng"}],
        actor=member,
    )
    covenants.submit_registration(registration, actor=member)
    return covenants.return_registration(registration, reason="Bổ sung chỉ tiêu", actor=bloc_head)


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    for label, value in (("Tên đăng nhập", username), ("Mật khẩu", PASSWORD)):
        field = page.get_by_label(label)
        expect(field).to_be_visible()
        expect(field).to_be_in_viewport()
        field.press_sequentially(value)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_returned_registration_reaches_the_member_through_the_badge(
    page, live_server, screenshot, bloc_year, member, bloc_head, width
):
    page.set_viewport_size({"width": width, "height": 900})
    registration = _returned_registration(bloc_year, member, bloc_head)
    _sign_in(page, live_server, member.username)
    badge = page.get_by_test_id("notification-badge")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("1")
    screenshot(f"notifications-badge-{width}")
    badge.click()
    page.wait_for_load_state("networkidle")
    item = page.get_by_test_id("notifications").get_by_role("listitem").first
    expect(item).to_contain_text("bị trả lại: Bổ sung chỉ tiêu")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"notifications-list-{width}")
    item.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/blocs/bloc-years/{bloc_year.pk}/registrations/{registration.pk}/")
    expect(page.get_by_text("Bổ sung chỉ tiêu").first).to_be_visible()
    expect(page.get_by_test_id("notification-badge")).not_to_contain_text("1")
    screenshot(f"notifications-opened-{width}")

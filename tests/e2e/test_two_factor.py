"""Two-step verification in the browser: a staff member scans (here: reads) the secret, types
the first code, and from then on signs in with the password and a code. 1280 and 375 px."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.test_accounts import no_horizontal_scroll, sign_in, type_into

pytestmark = pytest.mark.browser


def _code_for(secret: str, steps_ahead: int = 0) -> str:
    """What the authenticator app shows for the secret typed into it (30-s steps, 6 digits)."""
    typed = secret.replace(" ", "")
    key = base64.b32decode(typed + "=" * (-len(typed) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


@pytest.mark.parametrize("width", [1280, 375])
def test_staff_turn_on_two_step_verification_and_sign_in_with_a_code(
    page, live_server, screenshot, province_staff, bloc_year, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, "canbo", PASSWORD)
    page.goto(f"{live_server.url}/account/two-factor/")
    expect(page.get_by_test_id("two-factor-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("two-factor-secret")
    expect(secret).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(f"two-factor-setup-{width}")
    type_into(page.get_by_label("Mã xác thực (6 chữ số)"), _code_for(secret.inner_text()))
    key = secret.inner_text()
    page.get_by_role("button", name="Bật xác thực hai bước").click()
    expect(page.get_by_test_id("two-factor-on")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server.url, "canbo", PASSWORD)
    expect(page.get_by_test_id("login-code-form")).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(f"two-factor-code-{width}")
    type_into(page.get_by_label("Mã xác thực (6 chữ số)"), "000000")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Mã xác thực không đúng")).to_be_visible()
    page.wait_for_timeout(1100)  # the throttle: one second after a wrong code
    code = page.get_by_label("Mã xác thực (6 chữ số)")
    expect(code).to_be_visible()
    code.press("Control+a")  # the wrong code selected, then typed over
    type_into(code, _code_for(key, steps_ahead=1))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_test_id("whoami")).to_contain_text("Lê Thị Cán Bộ")

"""Browser: the header in English at 1280 px holds on one line, whatever the labels' length:
nothing overflows the navigation bar and no item wraps under the brand."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from portal.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# The bar's overflow, and every top-level item that starts under the brand (left of its right
# edge) or past the screen.
HEADER_LAYOUT = """
() => {
  const nav = document.querySelector("nav.portal-navbar");
  const brand = nav.querySelector(".navbar-brand").getBoundingClientRect();
  const below = [...nav.querySelectorAll(".navbar-nav > .nav-item")]
    .filter((item) => {
      const box = item.getBoundingClientRect();
      return box.left < brand.right || box.right > window.innerWidth;
    })
    .map((item) => item.innerText.trim());
  return {
    overflow: nav.scrollWidth - nav.clientWidth,
    pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
    below,
  };
}
"""

# The top of every top-level item and of the notifications button (a second line would start
# some 40 px lower; the button is smaller, so it sits a few pixels lower on the same line).
ITEM_TOPS = """
() => [...document.querySelectorAll(
  "nav.portal-navbar .navbar-nav > .nav-item, nav.portal-navbar [data-testid=notification-badge]"
)].map((item) => Math.round(item.getBoundingClientRect().top))
"""

LONGER_LABELS = """
() => {
  const nav = document.querySelector("nav.portal-navbar");
  nav.querySelectorAll(".navbar-nav > .nav-item > .nav-link").forEach((link) => {
    link.firstChild.textContent += " and more words";
  });
  nav.querySelector("[data-testid=whoami]").firstChild.textContent += " · a longer agency name";
}
"""


@pytest.mark.parametrize("username", ["canbo", "truongkhoi"])
def test_the_english_header_fits_one_line_at_1280_px(
    transactional_db, page, live_server, login, screenshot, username
):
    call_command("seed_demo", verbosity=0)
    login(username, DEMO_PASSWORD)
    language = page.locator("#language")
    language.scroll_into_view_if_needed()
    expect(language).to_be_visible()
    language.select_option("en")
    page.locator("footer form").get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_test_id("whoami")).to_be_visible()
    screenshot(f"header-1280-en-{username}")
    layout = page.evaluate(HEADER_LAYOUT)
    assert layout["overflow"] <= 0, layout
    assert layout["pageOverflow"] <= 0, layout
    assert layout["below"] == [], layout
    tops = page.evaluate(ITEM_TOPS)
    assert max(tops) - min(tops) < 20, f"today's labels sit on one line: {tops}"
    page.get_by_test_id("whoami").click()
    expect(page.locator(".whoami-full")).to_be_visible()  # the whole name, when it was cut
    page.keyboard.press("Escape")

    # Translations may be longer still, and a notification badge may join: the layout holds.
    page.evaluate(LONGER_LABELS)
    screenshot(f"header-1280-en-{username}-longer-labels")
    layout = page.evaluate(HEADER_LAYOUT)
    assert layout["overflow"] <= 0, layout
    assert layout["pageOverflow"] <= 0, layout
    assert layout["below"] == [], layout

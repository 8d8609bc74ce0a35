"""Browser: under the Content-Security-Policy Chromium refuses nothing on the main pages, for a
bloc head, a member and province staff at 1280 and 375 px; the attributes that replaced inline
handlers still work (the year select sends its form, removing a member asks first); an inline PDF
opens in Chromium's viewer; the Django admin works."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from blocs.models import Membership
from tests.awards.voting_fixtures import counted, make_session, members
from tests.conftest import PASSWORD
from tests.e2e.conference_helpers import WIDTHS, log_in, on_screen, press_button, set_width
from tests.factories import (
    AwardRecordFactory,
    BlocYearFactory,
    UserFactory,
    award_type,
    covenant_for,
)

pytestmark = pytest.mark.browser

# Every document (and frame) records what its policy refused, before any of its own scripts run.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.effectiveDirective}: ${event.blockedURI} in ${where}`);
});
"""
# The extension that is Chromium's PDF viewer.
PDF_VIEWER = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/"
REMOVED = "Đài Phát thanh và Truyền hình tỉnh"


@pytest.fixture
def refused(page):
    """The policy's refusals on the current page, and Chromium's console reports of them on
    every page so far (a page left before it was read still shows there)."""
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(COLLECT_VIOLATIONS)

    def _refused() -> list[str]:
        page.wait_for_load_state("networkidle")
        events = page.evaluate("window.__cspViolations || []")
        return [*events, *console]

    return _refused


def _visit(page, refused, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert refused() == [], url


def _conference(bloc_year, bloc_head):
    session = make_session(bloc_year, bloc_head)
    agencies = members(bloc_year)
    return counted(session, "CO_TINH", {agencies[0]: 4, agencies[1]: 1}, actor=bloc_head)


def _bloc_pages(base, bloc_year, poll) -> list[str]:
    pk = bloc_year.pk
    return [
        f"{base}/",
        f"{base}{reverse('blocs:bloc_year_detail', args=[pk])}",
        f"{base}{reverse('blocs:covenant_detail', args=[pk])}",
        f"{base}{reverse('awards:conference', args=[pk])}",
        f"{base}{reverse('awards:poll_detail', args=[pk, poll.pk])}",
    ]


def _opens_in_the_pdf_viewer(page, refused, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert "content-security-policy" in response.headers
    for _attempt in range(50):
        if any(frame.url.startswith(PDF_VIEWER) for frame in page.frames):
            break
        page.wait_for_timeout(100)
    assert [frame.url for frame in page.frames if frame.url.startswith(PDF_VIEWER)], [
        frame.url for frame in page.frames
    ]
    assert refused() == []


def _change_year_with_the_keyboard(page, base) -> None:
    """The year select has no button: choosing a year with the arrow keys opens that year."""
    page.goto(f"{base}{reverse('blocs:year_overview')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Các khối thi đua năm 2024")
    select = page.get_by_label("Năm", exact=True)
    on_screen(page, select)
    select.focus()
    with page.expect_navigation():
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("heading", level=1)).to_have_text("Các khối thi đua năm 2023")
    assert page.url.endswith("?year=2023")


def _statistics_charts(page, refused, base) -> None:
    page.goto(f"{base}{reverse('awards:award_statistics')}")
    images = page.get_by_test_id("chart-image")
    expect(images.first).to_be_visible()
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), index
    assert refused() == []


@pytest.mark.parametrize("width", WIDTHS.values())
@pytest.mark.parametrize("who", ["bloc_head", "member", "province_staff"])
def test_the_main_pages_break_no_rule_of_the_policy(
    request, page, live_server, refused, bloc_year, bloc_head, who, width
):
    user = request.getfixturevalue(who)
    covenant_for(bloc_year)
    poll = _conference(bloc_year, bloc_head)
    BlocYearFactory(year=2023)
    AwardRecordFactory(agency=bloc_year.head, award_type=award_type("CO_TINH"), year=2024)
    base = live_server.url
    set_width(page, width)
    log_in(page, base, user.username, PASSWORD)
    assert refused() == []

    for url in _bloc_pages(base, bloc_year, poll):
        _visit(page, refused, url)
    if who == "province_staff":
        _change_year_with_the_keyboard(page, base)
        assert refused() == []
        _statistics_charts(page, refused, base)
    pdf = reverse("blocs:covenant_pdf", args=[bloc_year.pk])
    _opens_in_the_pdf_viewer(page, refused, f"{base}{pdf}")


@pytest.mark.parametrize("width", WIDTHS.values())
def test_removing_a_member_asks_first_and_cancelling_keeps_it(
    page, live_server, refused, bloc_year, province_staff, width
):
    base = live_server.url
    set_width(page, width)
    log_in(page, base, province_staff.username, PASSWORD)
    page.goto(f"{base}{reverse('blocs:bloc_year_detail', args=[bloc_year.pk])}")
    toggle = page.get_by_test_id("member-toggle")
    if toggle.is_visible():
        press_button(page, toggle, navigates=False)
    form = page.locator(f'form[data-confirm*="{REMOVED}"]')
    button = form.get_by_role("button", name="Rút khỏi khối")
    asked = []

    def dismiss(dialog):
        asked.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.once("dialog", dismiss)
    press_button(page, button, navigates=False)
    page.wait_for_load_state("networkidle")
    assert asked == [("confirm", f"Rút {REMOVED} khỏi khối năm 2024?")]
    expect(page.get_by_test_id("members")).to_contain_text(REMOVED)
    assert Membership.objects.filter(bloc_year=bloc_year, agency__name=REMOVED).exists()

    def accept(dialog):
        asked.append((dialog.type, dialog.message))
        dialog.accept()

    page.once("dialog", accept)
    press_button(page, button)
    assert len(asked) == 2
    expect(page.get_by_text(f"Đã rút {REMOVED} khỏi khối.")).to_be_visible()
    assert not Membership.objects.filter(bloc_year=bloc_year, agency__name=REMOVED).exists()
    assert refused() == []


@pytest.mark.parametrize("width", WIDTHS.values())
def test_the_admin_works_under_the_policy(page, live_server, refused, bloc_year, width):
    superuser = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    base = live_server.url
    set_width(page, width)
    log_in(page, base, superuser.username, PASSWORD)
    for url in (
        f"{base}/admin/",
        f"{base}{reverse('admin:blocs_blocyear_changelist')}",
        f"{base}{reverse('admin:blocs_blocyear_change', args=[bloc_year.pk])}",
        f"{base}{reverse('admin:emulation_user_change', args=[superuser.pk])}",
    ):
        _visit(page, refused, url)
    # The user form's group and permission pickers are the admin's busiest scripts.
    expect(page.locator("#id_groups_from")).to_be_visible()
    press_button(page, page.locator('input[name="_continue"]'))
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert refused() == []

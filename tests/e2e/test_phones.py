"""Browser: the key pages at 375 px (a phone) and 1280 px: no horizontal scroll of the page, the
year overview's columns as card text, the bloc's actions above its member list, and dates typed
dd/mm/yyyy with the keyboard (seed_demo data plus a registration and an open poll)."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from awards.services import voting
from blocs.models import AwardType, BlocYear
from blocs.services import covenants
from emulation.models import User
from portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.awards.voting_fixtures import make_session, open_award_poll

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
NO_PAGE_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
# Each card cell's label (its ::before) and whether the cell lies inside the screen.
CARD_CELLS = """
(row) => [...row.querySelectorAll("td[data-label]")].map((td) => ({
  label: getComputedStyle(td, "::before").content.replace(/^"|"$/g, ""),
  shown: td.offsetWidth > 0 && td.getBoundingClientRect().right <= window.innerWidth,
}))
"""


def _demo_year():
    """The demo bloc of the member `thanhvien`, with a registration and an open poll."""
    call_command("seed_demo", verbosity=0)
    member = User.objects.get(username="thanhvien")
    head = User.objects.get(username="truongkhoi")
    bloc_year = (
        BlocYear.objects.filter(memberships__agency=member.agency, head=head.agency)
        .order_by("-year")
        .first()
    )
    registration = covenants.save_registration(
        bloc_year,
        member.agency,
        titles=AwardType.objects.filter(code="CO_TINH"),
        targets=[
            {"indicator": "Tổ chức sự kiện văn hóa cấp tỉnh", "value": "12", "unit": "sự kiện"}
        ],
        actor=head,
        on_behalf=True,
        reason="Nhập theo văn bản đăng ký của đơn vị",
    )
    session = make_session(bloc_year, actor=head)
    poll = open_award_poll(session, "CO_TINH", actor=head)
    voting.record_ballot(poll, [poll.candidates.first().agency_id], actor=head)
    return bloc_year, registration, poll


def _pages(bloc_year, registration, poll):
    """(user, name, path) for every page of the issue's phone list."""
    poll_args = [bloc_year.pk, poll.pk]
    return [
        ("canbo", "overview", f"{reverse('blocs:year_overview')}?year={bloc_year.year}"),
        ("truongkhoi", "bloc-year", reverse("blocs:bloc_year_detail", args=[bloc_year.pk])),
        (
            "truongkhoi",
            "registration",
            reverse("blocs:registration_detail", args=[bloc_year.pk, registration.pk]),
        ),
        (
            "truongkhoi",
            "registration-form",
            reverse("blocs:registration_edit", args=[bloc_year.pk, registration.pk]),
        ),
        ("truongkhoi", "ballots", reverse("awards:poll_ballots", args=poll_args)),
        ("truongkhoi", "ballot-edit", reverse("awards:ballot_edit", args=[*poll_args, 1])),
    ]


def _logout(page):
    page.context.clear_cookies()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_the_key_pages_have_no_horizontal_scroll(
    transactional_db, page, live_server, login, screenshot, viewport
):
    bloc_year, registration, poll = _demo_year()
    page.set_viewport_size(viewport)
    signed_in = None
    for username, name, path in _pages(bloc_year, registration, poll):
        if username != signed_in:
            _logout(page)
            login(username, DEMO_PASSWORD)
            signed_in = username
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        expect(page.locator("main h1").first).to_be_visible()
        screenshot(f"phones-{viewport['width']}-{name}")
        assert page.evaluate(NO_PAGE_SCROLL), f"{name} scrolls sideways at {viewport['width']} px"


def test_the_year_overview_is_cards_with_every_column_on_a_phone(
    transactional_db, page, live_server, login
):
    bloc_year, _registration, _poll = _demo_year()
    login("canbo", DEMO_PASSWORD)
    url = f"{live_server.url}{reverse('blocs:year_overview')}?year={bloc_year.year}"
    page.goto(url)
    headers = page.locator("[data-testid=overview-table] thead th").all_inner_texts()
    assert len(headers) == 9  # bloc, head, deputy, members and the registered columns

    page.set_viewport_size(PHONE)
    page.goto(url)
    row = page.locator("[data-testid=overview-table] tbody tr").first
    expect(row.locator("td a").first).to_be_visible()
    cells = row.evaluate(CARD_CELLS)
    assert [cell["label"] for cell in cells] == [h.strip() for h in headers[1:]]
    assert all(cell["shown"] for cell in cells), cells
    assert page.evaluate(NO_PAGE_SCROLL)


def test_the_blocs_actions_come_before_its_member_list_on_a_phone(
    transactional_db, page, live_server, login, screenshot
):
    bloc_year, _registration, _poll = _demo_year()
    login("truongkhoi", DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('blocs:bloc_year_detail', args=[bloc_year.pk])}")
    panels = page.get_by_test_id("bloc-year-panels")
    members = page.get_by_test_id("member-section")
    expect(page.get_by_test_id("covenant-panel")).to_be_visible()
    assert panels.bounding_box()["y"] < members.bounding_box()["y"]
    expect(page.get_by_test_id("members")).to_be_hidden()
    page.get_by_test_id("member-toggle").click()
    expect(page.get_by_test_id("members")).to_be_visible()
    screenshot("phones-375-bloc-year-members-open")

    page.set_viewport_size(DESKTOP)
    page.reload()
    expect(page.get_by_test_id("members")).to_be_visible()
    expect(page.get_by_test_id("member-toggle")).to_be_hidden()
    assert members.bounding_box()["y"] < panels.bounding_box()["y"]


def test_the_ballot_correction_has_ticks_a_finger_can_hit_on_a_phone(
    transactional_db, page, live_server, login, screenshot
):
    bloc_year, _registration, poll = _demo_year()
    login("truongkhoi", DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('awards:ballot_edit', args=[bloc_year.pk, poll.pk, 1])}")
    choices = page.locator("form .form-check")
    assert choices.count() == poll.candidates.count()
    for choice in choices.all():
        expect(choice).to_be_visible()
        assert choice.bounding_box()["height"] >= 44
    second = choices.nth(1).locator("input")
    second.click()
    expect(second).to_be_checked()
    screenshot("phones-375-ballot-edit-ticked")
    assert page.evaluate(NO_PAGE_SCROLL)

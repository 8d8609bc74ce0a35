"""Browser: the statistics page shows each chart with its table and prints; a poll's page shows
its bars only once counted (1280 and 375 px)."""

import pypdfium2
import pytest
from playwright.sync_api import expect

from tests.awards.voting_fixtures import counted, make_session, members, open_award_poll
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS
from tests.factories import AwardRecordFactory, award_type

pytestmark = pytest.mark.browser

FIGURES = ("years", "types", "blocs", "provinces", "trend")


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    for label, value in (("Tên đăng nhập", username), ("Mật khẩu", PASSWORD)):
        field = page.get_by_label(label)
        expect(field).to_be_visible()
        expect(field).to_be_in_viewport()
        field.press_sequentially(value)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def _ledger(bloc_year):
    agencies = members(bloc_year)
    for year, code, agency in [
        (2024, "CO_TINH", agencies[0]),
        (2024, "TTLDXS", agencies[1]),
        (2024, "TTLDXS", agencies[2]),
        (2023, "BK_TINH", agencies[3]),
        (2021, "TTLDXS", agencies[0]),
    ]:
        AwardRecordFactory(agency=agency, award_type=award_type(code), year=year)
    AwardRecordFactory(
        agency=agencies[1], award_type=award_type("BK_TINH"), year=2024, person_name="Lê Thị Hoa"
    )


def _loaded(image) -> bool:
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_statistics_page_shows_its_charts_and_tables_and_prints(
    page, live_server, screenshot, bloc_year, province_staff, width
):
    _ledger(bloc_year)
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, live_server, province_staff.username)
    page.goto(f"{live_server.url}/awards/ledger/statistics/")
    page.wait_for_load_state("networkidle")
    for name in FIGURES:
        figure = page.get_by_test_id(f"chart-{name}")
        image = figure.get_by_test_id("chart-image")
        image.scroll_into_view_if_needed()
        expect(image).to_be_visible()
        assert _loaded(image), name
        assert image.bounding_box()["width"] <= width
        expect(figure.get_by_test_id("chart-table")).to_be_visible()
    expect(page.get_by_test_id("chart-blocs").get_by_test_id("chart-table")).to_contain_text(
        "Khối thi đua Văn hóa - Xã hội"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"charts-statistics-{width}")

    # Another year, chosen with the keyboard.
    select = page.get_by_label("Năm thành tích")
    expect(select).to_be_visible()
    select.focus()
    select.press("ArrowDown")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("chart-trend")).to_contain_text("Xu hướng mười năm 2014–2023")

    page.emulate_media(media="print")
    for name in FIGURES:
        expect(page.get_by_test_id(f"chart-{name}").get_by_test_id("chart-image")).to_be_visible()
    expect(page.get_by_test_id("statistics-year")).to_be_hidden()
    expect(page.locator("header.portal-header")).to_be_hidden()  # the paper is the content
    expect(page.get_by_test_id("print-line")).to_contain_text("in lúc")
    screenshot(f"charts-statistics-print-{width}")
    if width == 1280:
        _print_to_pdf(page)


def _print_to_pdf(page):
    """The printed page (A4, as a browser prints it), its first two pages kept as images."""
    pdf = page.pdf(format="A4", print_background=True)
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) >= 2
    ARTIFACTS.mkdir(exist_ok=True)
    for number in range(2):
        image = document[number].render(scale=1.2).to_pil()
        image.save(ARTIFACTS / f"charts-statistics-printed-{number + 1}.png")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_poll_shows_its_bars_only_after_the_count(
    page, live_server, screenshot, bloc_year, bloc_head, member, width
):
    session = make_session(bloc_year, bloc_head)
    agencies = members(bloc_year)
    waiting = open_award_poll(session, "TTLDXS", actor=bloc_head)
    poll = counted(session, "CO_TINH", {agencies[0]: 4, agencies[1]: 1}, actor=bloc_head)
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, live_server, member.username)
    base = f"{live_server.url}/awards/bloc-years/{bloc_year.pk}/conference/polls"

    page.goto(f"{base}/{waiting.pk}/")
    expect(page.get_by_text("Kết quả hiển thị sau khi kiểm phiếu.")).to_be_visible()
    expect(page.get_by_test_id("result-chart")).to_have_count(0)

    page.goto(f"{base}/{poll.pk}/")
    page.wait_for_load_state("networkidle")
    image = page.get_by_test_id("result-chart-image")
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    assert _loaded(image)
    expect(page.get_by_test_id("result-chart")).to_contain_text("ngưỡng trên 50%")
    expect(page.get_by_test_id("result-table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"charts-poll-{width}")

"""A head confirms before finishing the conference and sees the progress state; staff type the
council's results for several proposals on one page with the keyboard. At 1280 and 375 px."""

import threading

import pytest
from playwright.sync_api import expect

from awards.models import AwardProposal, VotingSession
from awards.services import voting as voting_services
from tests.awards.test_proposals_states import in_state
from tests.awards.voting_fixtures import counted, make_session, members
from tests.conftest import PASSWORD
from tests.e2e.conference_helpers import WIDTHS, log_in, on_screen, press_button, set_width

pytestmark = pytest.mark.browser
State = AwardProposal.State


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))
def test_the_head_confirms_before_finalizing_and_sees_progress(
    live_server, page, screenshot, bloc_year, bloc_head, width, monkeypatch
):
    session = make_session(bloc_year, bloc_head)
    counted(session, "CO_TINH", {members(bloc_year)[0]: 5}, actor=bloc_head)
    finalize = voting_services.finalize_session
    set_width(page, width)
    log_in(page, live_server.url, bloc_head.username, PASSWORD)
    page.goto(f"{live_server.url}/awards/bloc-years/{bloc_year.pk}/conference/")
    press_button(page, page.get_by_test_id("finalize"))

    locks = page.get_by_test_id("confirm-locks")
    on_screen(page, locks)
    expect(locks).to_contain_text("biên bản kiểm phiếu và biên bản hội nghị")
    expect(page.get_by_test_id("confirm-irreversible")).to_contain_text("Chỉ cán bộ Sở Nội vụ")
    expect(page.get_by_test_id("confirm-preview")).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(f"confirm-finalize-{width}")
    assert VotingSession.objects.get(pk=session.pk).state != VotingSession.State.FINALIZED

    # A finalize takes 6 s for a real conference: this one waits until the page has reported
    # its progress state. Playwright cannot evaluate in a page whose navigation is pending, so
    # the page reports through an exposed function, from a submit listener that runs after
    # progress.js's; a moment later it submits again, which progress.js must swallow.
    calls, reported = [], []
    release = threading.Event()

    def slow_finalize(*args, **kwargs):
        calls.append(1)
        release.wait(timeout=30)
        return finalize(*args, **kwargs)

    monkeypatch.setattr(voting_services, "finalize_session", slow_finalize)
    page.expose_function("reportProgress", lambda state: reported.append(state))
    page.evaluate(
        "() => { const form = document.querySelector('[data-testid=confirmation] form');"
        " form.addEventListener('submit', () => {"
        " const state = [form.querySelector('[data-testid=progress-status]').textContent,"
        " form.querySelector('button').disabled, form.dataset.submitted];"
        " setTimeout(() => { form.requestSubmit(); window.reportProgress(state); }, 0);"
        " }, {once: true}); }"
    )
    button = page.get_by_test_id("confirm-submit")
    on_screen(page, button)
    button.press("Enter", no_wait_after=True)
    for _ in range(200):
        if reported:
            break
        page.wait_for_timeout(50)
    release.set()
    assert reported == [["Đang xử lý, vui lòng chờ…", True, "1"]]
    page.wait_for_url(f"**/bloc-years/{bloc_year.pk}/conference/")
    assert len(calls) == 1  # the second submit sent nothing
    expect(page.get_by_test_id("session-state")).to_contain_text("Đã kết thúc")
    no_horizontal_scroll(page)
    screenshot(f"confirm-finalized-{width}")
    assert VotingSession.objects.get(pk=session.pk).state == VotingSession.State.FINALIZED


@pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))
def test_staff_type_the_council_results_of_several_proposals_with_the_keyboard(
    live_server, page, screenshot, bloc_year, province_staff, width
):
    agencies = members(bloc_year)
    rows = [
        in_state(bloc_year, State.ACCEPTED, "CO_TINH", agency=agencies[0]),
        in_state(bloc_year, State.ACCEPTED, "TTLDXS", agency=agencies[1]),
        in_state(bloc_year, State.ACCEPTED, "TTLDXS", agency=agencies[2]),
    ]
    set_width(page, width)
    log_in(page, live_server.url, province_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/awards/proposals/?year=2024")
    press_button(page, page.get_by_test_id("council-results-link"))
    expect(page.get_by_test_id("sheet-row")).to_have_count(3)

    first = page.locator(f"#id_p{rows[0].pk}-result")
    on_screen(page, first)
    first.focus()
    # Result, Tab, percentage, Tab, note, Tab: the next row; the third row has a wrong number.
    for keys in (["T", "92,5x"], ["K", "40"], ["T", "150"]):
        page.keyboard.type(keys[0])
        page.keyboard.press("Tab")
        expect(page.locator(":focus")).to_be_visible()
        page.keyboard.type(keys[1].replace(",", "."))
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
    screenshot(f"council-sheet-typed-{width}")
    save = page.get_by_test_id("save-council-results")
    press_button(page, save)
    expect(page.get_by_text("Chưa ghi kết quả nào")).to_be_visible()
    expect(page.locator(f"#id_p{rows[0].pk}-percent")).to_have_value("92.5x")
    expect(page.locator(".alert-danger").filter(has_text=rows[2].recipient_label)).to_have_count(1)
    screenshot(f"council-sheet-errors-{width}")

    for row, value in ((rows[0], "92.5"), (rows[2], "75")):
        field = page.locator(f"#id_p{row.pk}-percent")
        on_screen(page, field)
        field.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(value)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Đã ghi kết quả của Hội đồng cho 3 đề nghị.")).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(f"council-sheet-saved-{width}")
    states = sorted(AwardProposal.objects.values_list("state", flat=True))
    assert states == sorted(
        [State.COUNCIL_APPROVED, State.COUNCIL_REJECTED, State.COUNCIL_APPROVED]
    )

"""What the conference browser tests share: acting as a person at a keyboard, and reading PDFs.

No tests here. The hard rule of this project's browser tests: Playwright's fill() fills fields a
person cannot see (a hidden form once passed every test and stopped a real conference), so every
field is first asserted visible, inside the viewport and not covered (`on_screen`), then clicked
or focused and typed into with the keyboard (`type_into`, `tick`, `choose`, `type_datetime`).
"""

import re
import unicodedata

from playwright.sync_api import expect

WIDTHS = {"desktop": 1280, "phone": 375}
PHONE_HEIGHT = 800


def set_width(page, width: int) -> None:
    """1280 px is the context's default; 375 px is a phone."""
    if width != page.viewport_size["width"]:
        page.set_viewport_size({"width": width, "height": PHONE_HEIGHT if width < 600 else 900})


# One round trip for what a person's eye does at once: bring the element into view if it is not
# (instantly: Bootstrap scrolls smoothly, and Playwright's own scroll waits two animation frames,
# 80 ms a call, a third of a long conference test), then read its box, what lies on top of its
# centre, and whether the page has grown wider than the screen.
_WIDER_THAN_SCREEN = """
function widerThanScreen() {
    const view = document.documentElement.clientWidth;
    let widest = "";
    for (const e of document.body.querySelectorAll("*")) {
        const r = e.getBoundingClientRect();
        if (r.width && r.right + window.scrollX > view + 1 && !e.closest(".table-responsive")) {
            widest = `${e.tagName.toLowerCase()}.${e.className} ${Math.round(r.right)}px`;
            break;
        }
    }
    return [document.documentElement.scrollWidth - view, widest];
}
"""
_LOOK_AT = (
    "e => {"
    + _WIDER_THAN_SCREEN
    + """
    const view = document.documentElement.clientWidth, height = window.innerHeight;
    const coveredBy = () => {
        const first = e.getClientRects()[0];  // a link wrapped over two lines: its first line
        if (!first) return "";
        const x = first.x + first.width / 2, y = first.y + first.height / 2;
        const top = document.elementFromPoint(x, y);
        const label = top && top.tagName === "LABEL" && top.control === e;
        return top && top !== e && !e.contains(top) && !label ? top.outerHTML.slice(0, 160) : "";
    };
    let r = e.getBoundingClientRect();
    let covered = coveredBy();
    // Out of view, or under a sticky bar: a person scrolls it to the middle of the screen.
    if (r.top < 0 || r.bottom > height || r.left < 0 || r.right > view || covered) {
        e.scrollIntoView({block: "center", inline: "nearest", behavior: "instant"});
        r = e.getBoundingClientRect();
        covered = coveredBy();
    }
    const [sideways, widest] = widerThanScreen();
    return {
        box: {x: r.x, y: r.y, width: r.width, height: r.height},
        description: `${e.tagName.toLowerCase()}[name=${e.name || ''}]#${e.id || ''}`,
        covered,
        sideways,
        widest,
    };
}"""
)
_SIDEWAYS = "() => {" + _WIDER_THAN_SCREEN + " return widerThanScreen(); }"


def on_screen(page, locator):
    """Assert that a person can see `locator`: visible, scrolled to, with a size, inside the
    viewport's width and not covered by something else at its centre, on a page no wider than
    the screen. Returns its box."""
    expect(locator).to_be_visible()
    seen = locator.evaluate(_LOOK_AT)
    for _ in range(20):  # a menu still opening covers its items: look again, up to a second
        if not seen["covered"]:
            break
        page.wait_for_timeout(50)
        seen = locator.evaluate(_LOOK_AT)
    box, description, viewport = seen["box"], seen["description"], page.viewport_size
    assert box["width"] > 0 and box["height"] > 0, f"{description} has no size: {box}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5, (
        f"{description} lies outside the {viewport['width']} px viewport: {box}"
    )
    assert box["y"] + box["height"] > 0 and box["y"] < viewport["height"], (
        f"{description} was not scrolled into view: {box}"
    )
    assert not seen["covered"], f"{description} is covered by {seen['covered']}"
    assert seen["sideways"] <= 0, (
        f"the page scrolls sideways by {seen['sideways']} px: {seen['widest']}"
    )
    return box


def no_sideways_scroll(page) -> None:
    """The page is no wider than the screen (a phone must not scroll the whole page sideways;
    wide tables scroll inside their own box)."""
    width, widest = page.evaluate(_SIDEWAYS)
    assert width <= 0, f"the page scrolls sideways by {width} px: {widest}"


def table_fits(page, table) -> None:
    """A table reads whole without scrolling it sideways: every column, the last one (who was
    elected) included, is on the screen (Bootstrap's .table-responsive would let it scroll)."""
    on_screen(page, table)
    overflow = table.evaluate(
        """t => {
            const box = t.closest(".table-responsive") || t.parentElement;
            return box.scrollWidth - box.clientWidth;
        }"""
    )
    assert overflow <= 1, f"the table is {overflow} px wider than the screen: scroll sideways"


def type_into(page, locator, text: str, *, clear: bool = True) -> None:
    """Click a text field a person can see and type `text` (replacing what was there)."""
    on_screen(page, locator)
    locator.click()
    if clear:
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.press("Delete")
    page.keyboard.type(text)
    expect(locator).to_have_value(unicodedata.normalize("NFC", text))


def choose(page, locator, value: str | None = None, *, label: str | None = None) -> None:
    """Pick an option of a select a person can see."""
    on_screen(page, locator)
    locator.focus()
    if label is not None:
        locator.select_option(label=label)
    else:
        locator.select_option(value)


def candidate_box(page, name: str):
    """A poll form's checkbox for the member `name`; once the bloc has scored its label goes
    on with the score ("Sở Y tế — 98,00 điểm, hạng 1")."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(name)}(\s+— .*)?\s*$"))


def tick(page, locator, checked: bool = True) -> None:
    """Focus a checkbox a person can see and press Space until it is as wanted."""
    on_screen(page, locator)
    locator.focus()
    if locator.is_checked() != checked:
        page.keyboard.press("Space")
    assert locator.is_checked() == checked


def type_datetime(page, locator, year, month, day, hour, minute) -> None:
    """Type a date and time into a datetime-local input segment by segment, as a person does.

    Chromium lays the segments out by its process locale (mm/dd/yyyy, hh:mm AM with LANG=C,
    dd/mm/yyyy HH:mm in Vietnamese): try one order, then the other, and check the value.
    """
    on_screen(page, locator)
    expected = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}"
    half = "AM" if hour < 12 else "PM"
    orders = [
        (f"{month:02d}{day:02d}{year:04d}", f"{(hour % 12) or 12:02d}{minute:02d}{half}"),
        (f"{day:02d}{month:02d}{year:04d}", f"{hour:02d}{minute:02d}"),
    ]
    for date_keys, time_keys in orders:
        box = locator.bounding_box()
        page.mouse.click(box["x"] + 6, box["y"] + box["height"] / 2)  # the first segment
        page.keyboard.type(date_keys)
        page.keyboard.press("ArrowRight")
        page.keyboard.type(time_keys)
        if locator.input_value() == expected:
            return
    raise AssertionError(f"typed {expected} but the field holds {locator.input_value()!r}")


def type_time(page, locator, hour, minute) -> None:
    """Type a time into a time input (12-hour with AM/PM, or 24-hour)."""
    on_screen(page, locator)
    expected = f"{hour:02d}:{minute:02d}"
    half = "AM" if hour < 12 else "PM"
    for keys in (f"{(hour % 12) or 12:02d}{minute:02d}{half}", f"{hour:02d}{minute:02d}"):
        box = locator.bounding_box()
        page.mouse.click(box["x"] + 6, box["y"] + box["height"] / 2)
        page.keyboard.type(keys)
        if locator.input_value() == expected:
            return
    raise AssertionError(f"typed {expected} but the field holds {locator.input_value()!r}")


def press_button(page, locator, *, navigates: bool = True) -> None:
    """Click a button or link a person can see; wait for the next page when it navigates."""
    on_screen(page, locator)
    if not navigates:
        locator.click()
        return
    with page.expect_navigation() as navigation:
        locator.click()
    response = navigation.value
    if response is not None and response.status >= 500:
        raise AssertionError(
            f"{response.url} answered {response.status}:\n{page.inner_text('body')}"
        )


def log_in(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the login form with the keyboard."""
    page.goto(f"{base_url}/login/")
    type_into(page, page.get_by_label("Tên đăng nhập"), username)
    type_into(page, page.get_by_label("Mật khẩu"), password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("whoami")).to_be_attached()


def open_newest_bloc(page) -> None:
    """From the home page, the first bloc-year under "Khối của tôi" (the newest)."""
    press_button(page, page.get_by_test_id("my-blocs").get_by_role("link").first)


def log_out(page) -> None:
    """Open the menu (the toggler on a phone), then the user menu, then "Đăng xuất"."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        press_button(page, toggler, navigates=False)
    press_button(page, page.get_by_test_id("whoami"), navigates=False)
    press_button(page, page.get_by_role("button", name="Đăng xuất"))


# Keyboard ballot entry -----------------------------------------------------------------------


def ballot_labels(page) -> list[str]:
    """The candidate names on the ballot form, in order ("1. Sở Y tế" → "Sở Y tế")."""
    texts = page.locator("[data-ballot-form] .form-check-label").all_inner_texts()
    return [text.split(".", 1)[1].strip() for text in texts]


def _focused_on_screen(page):
    focused = page.locator("*:focus")
    on_screen(page, focused)
    return focused


def enter_ballot(page, marked: list[str], reason: str = "") -> None:
    """Tab/Space through the row of boxes and press Enter, as a counter would; a reason for a
    paper the committee declared invalid goes in the field after the boxes."""
    labels = ballot_labels(page)
    assert page.evaluate("document.activeElement.name") == "marks"
    for index, label in enumerate(labels):
        focused = _focused_on_screen(page)
        assert focused.get_attribute("data-name") == label
        if label in marked:
            page.keyboard.press("Space")
            assert focused.is_checked()
        if index < len(labels) - 1:
            page.keyboard.press("Tab")
    if reason:
        page.keyboard.press("Tab")
        focused = _focused_on_screen(page)
        assert focused.get_attribute("name") == "declared_invalid_reason"
        page.keyboard.type(reason)
        expect(focused).to_have_value(reason)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def enter_ballot_by_numbers(page, numbers: list[int]) -> None:
    """Type each marked candidate's number (fewer than ten candidates: one key each), Enter."""
    boxes = page.locator('[data-ballot-form] input[name="marks"]')
    assert page.evaluate("document.activeElement.name") == "marks"
    for number in numbers:
        _focused_on_screen(page)
        page.keyboard.type(str(number))
        expect(boxes.nth(number - 1)).to_be_checked()
        expect(boxes.nth(number - 1)).to_be_focused()
    expect(page.locator("[data-number-status]")).to_contain_text(str(numbers[-1]))
    with page.expect_navigation():
        page.keyboard.press("Enter")


# Reading the minutes -------------------------------------------------------------------------


def flat(text: str) -> str:
    """PDF text with every run of whitespace made one space (pdftotext -layout keeps columns)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def count_pattern(value: int) -> str:
    """A regex for the count 6 written as "6": counts are never zero-padded ("06" fails)."""
    return rf"(?<![\d,]){value}(?![\d,])"

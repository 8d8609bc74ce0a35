"""The Hà Nam 2023 year-end conference of "Khối thi đua Văn hóa - Xã hội" (seed 000), typed as a
person would, at 1280 px and on a 375 px phone.

The 2023 head (Ban Quản lý Khu Đại học Nam Cao) signs in, goes from the newest year to 2023
through the year switcher, sets the conference up (with a guest row that is refused first), takes
the roll, and runs the polls: 1 Government Flag, 2 Provincial Flags (a tie at the 2nd seat,
settled by a runoff entered as totals), next year's head and deputy. The 2023 deputy (Sở Y tế)
runs the 2 Certificates of Merit, with an over-marked paper and a paper declared invalid, and may
not finalize. The head finalizes, carries the election over to 2024, and both minutes must state
every figure typed.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from awards.models import RuleSet
from blocs.models import Agency, BlocYear
from emulation.models import User
from tests.e2e.conference_helpers import (
    WIDTHS,
    ballot_labels,
    candidate_box,
    choose,
    count_pattern,
    enter_ballot,
    enter_ballot_by_numbers,
    flat,
    log_in,
    log_out,
    on_screen,
    open_newest_bloc,
    press_button,
    set_width,
    table_fits,
    tick,
    type_datetime,
    type_into,
    type_time,
)
from tests.e2e.conftest import ARTIFACTS
from tests.pdf_helpers import pdf_text

pytestmark = pytest.mark.browser

PASSWORD = "thidua2024"
GD = "Sở Giáo dục và Đào tạo"
YT = "Sở Y tế"
VH = "Sở Văn hóa, Thể thao và Du lịch"
LD = "Sở Lao động - Thương binh và Xã hội"
BH = "Bảo hiểm xã hội tỉnh"
TV = "Đài Phát thanh và Truyền hình tỉnh"
NC = "Ban Quản lý Khu Đại học Nam Cao"
MEMBERS = [GD, YT, VH, LD, BH, TV, NC]

GUESTS = [
    ("Trần Xuân Lộc", "Phó Chủ tịch UBND tỉnh", ""),
    ("", "Phó Giám đốc Sở Nội vụ", ""),
]
COMMITTEE = [
    ("Phạm Thu Trang", "Chánh Văn phòng Sở Y tế", "Trưởng ban"),
    ("Lê Văn Dũng", "Chuyên viên Sở Giáo dục và Đào tạo", "Thành viên"),
    ("Đỗ Thị Mai", "Kế toán Bảo hiểm xã hội tỉnh", "Thành viên"),
]
CHAIR = ("Hoàng Minh Tuấn", "Trưởng ban Ban Quản lý Khu Đại học Nam Cao, Trưởng khối")
SECRETARY = ("Nguyễn Thị Lan Anh", "Chuyên viên Ban Quản lý Khu Đại học Nam Cao")
PLACE = "Hội trường Ban Quản lý Khu Đại học Nam Cao, thành phố Phủ Lý"
INVALID_REASON = "Phiếu rách, ghi thêm tên đơn vị"
REPRESENTATIVE = ("Lê Quang Vinh", "Phó Giám đốc")


@pytest.fixture
def hanam_2023(transactional_db):
    """The demo province; the province rules in force in 2023; a login for the 2023 head."""
    call_command("seed_demo", verbosity=0)
    # The seeded rules start on 01/01/2024: the province's rules for 2023, as staff would set
    # them on the rule-sets page (the same numbers, in force from 01/01/2023).
    for kind, base, max_marks in (
        ("award", "all_members", None),
        ("next_head", "present", 1),
        ("next_deputy", "present", 1),
    ):
        RuleSet.objects.get_or_create(
            poll_kind=kind,
            award_type=None,
            effective_from=datetime.date(2023, 1, 1),
            defaults={
                "base": base,
                "comparator": "gt",
                "threshold_numerator": 1,
                "threshold_denominator": 2,
                "quorum_numerator": 2,
                "quorum_denominator": 3,
                "max_marks": max_marks,
                "tie_rule": "runoff",
                "legal_basis": "Quy chế thi đua, khen thưởng của tỉnh Hà Nam (mẫu)",
            },
        )
    head = User(
        username="namcao",
        full_name=CHAIR[0],
        position="Trưởng ban Ban Quản lý Khu Đại học Nam Cao",
        agency=Agency.objects.get(name=NC, former_province__name="Hà Nam"),
    )
    head.set_password(PASSWORD)
    head.save()
    bloc_year = BlocYear.objects.get(bloc__code="KTĐVHXH", year=2023)
    assert bloc_year.head.name == NC and bloc_year.deputy.name == YT
    return bloc_year


# Steps -----------------------------------------------------------------------------------------


def go_to_2023(page, role: str):
    """Home lists the newest year (2024) first; its year switcher leads to 2023."""
    expect(page.get_by_test_id("my-blocs").get_by_role("link").first).to_contain_text("2024")
    open_newest_bloc(page)
    switcher = page.get_by_test_id("year-switcher")
    expect(switcher).to_be_visible()
    expect(switcher.locator("[aria-current=page]")).to_have_text("2024")
    press_button(page, switcher.get_by_role("link", name="2023", exact=True))
    expect(page.locator("h1")).to_contain_text("năm 2023")
    expect(page.get_by_test_id("role")).to_have_text(role)


def open_conference(page):
    press_button(page, page.get_by_test_id("conference-link"))
    expect(page.locator("h1")).to_have_text("Hội nghị tổng kết năm 2023")


def fill_setup(page, *, bad_guest: bool):
    label = page.get_by_label
    type_datetime(page, label("Thời gian bắt đầu"), 2023, 12, 22, 8, 0)
    type_into(page, label("Địa điểm"), PLACE)
    type_into(page, label("Chủ trì: họ và tên"), CHAIR[0])
    type_into(page, label("Chủ trì: chức vụ"), CHAIR[1])
    choose(page, label("Chủ trì: đơn vị"), label=NC)
    type_into(page, label("Thư ký: họ và tên"), SECRETARY[0])
    type_into(page, label("Thư ký: chức vụ"), SECRETARY[1])
    type_into(
        page,
        label("Chương trình hội nghị"),
        "Tổng kết công tác thi đua, khen thưởng năm 2023; bình xét, suy tôn; bầu Trưởng khối, "
        "Phó khối năm 2024.",
    )
    type_time(page, label("Thời gian kết thúc"), 11, 30)
    type_time(page, label("Biên bản kiểm phiếu lập xong lúc"), 10, 45)
    for number, (name, title, organisation) in enumerate(GUESTS, start=1):
        if name:
            type_into(page, label(f"Khách mời {number}: họ và tên"), name)
        type_into(page, label(f"Khách mời {number}: chức vụ"), title)
        if organisation:
            type_into(page, label(f"Khách mời {number}: cơ quan"), organisation)
    if bad_guest:
        type_into(page, label("Khách mời 3: cơ quan"), "Báo Hà Nam")
    for number, (name, title, role) in enumerate(COMMITTEE, start=1):
        type_into(page, label(f"Thành viên {number}: họ và tên"), name)
        type_into(page, label(f"Thành viên {number}: chức vụ, đơn vị"), title)
        choose(page, label(f"Thành viên {number}: nhiệm vụ"), role)


def assert_setup_kept(page):
    """After a refused save every typed value is still there."""
    label = page.get_by_label
    expect(label("Thời gian bắt đầu")).to_have_value("2023-12-22T08:00")
    expect(label("Địa điểm")).to_have_value(PLACE)
    expect(label("Chủ trì: họ và tên")).to_have_value(CHAIR[0])
    expect(label("Thư ký: họ và tên")).to_have_value(SECRETARY[0])
    expect(label("Thời gian kết thúc")).to_have_value("11:30")
    for number, (name, title, _organisation) in enumerate(GUESTS, start=1):
        expect(label(f"Khách mời {number}: họ và tên")).to_have_value(name)
        expect(label(f"Khách mời {number}: chức vụ")).to_have_value(title)
    expect(label("Khách mời 3: cơ quan")).to_have_value("Báo Hà Nam")
    for number, (name, _title, role) in enumerate(COMMITTEE, start=1):
        expect(label(f"Thành viên {number}: họ và tên")).to_have_value(name)
        expect(label(f"Thành viên {number}: nhiệm vụ")).to_have_value(role)


def create_poll(page, *, kind, award=None, seats=1, mode="ballots", candidates=()):
    press_button(page, page.get_by_test_id("add-poll"))
    label = page.get_by_label
    choose(page, label("Loại cuộc bỏ phiếu"), kind)
    if award:
        choose(page, label("Danh hiệu, hình thức khen thưởng"), label=award)
        type_into(page, label("Số đơn vị được chọn"), str(seats))
    choose(page, label("Cách nhập phiếu"), mode)
    for name in candidates:
        tick(page, candidate_box(page, name))
    press_button(page, page.get_by_test_id("create-poll"))
    expect(page.get_by_test_id("rule")).to_be_visible()
    return page.url, page.locator("h1").inner_text().split("\n")[0].strip()


def back_to_conference(page):
    press_button(page, page.locator(".breadcrumb").get_by_role("link", name="Hội nghị tổng kết"))


def open_room(page):
    """The projector screen opens in a new tab from the poll page."""
    link = page.get_by_role("link", name="Màn hình hội trường")
    on_screen(page, link)
    with page.context.expect_page() as new_tab:
        link.click()
    room = new_tab.value
    room.wait_for_load_state()
    return room


def run_ballots(page, papers, *, shot=None, open_first=True):
    """Open the poll, enter every paper with the keyboard, count. A paper is a list of names,
    ("numbers", names) to type the candidates' numbers instead, or (names, reason)."""
    if open_first:
        press_button(page, page.get_by_test_id("open-poll"))
    poll_url = page.url
    press_button(page, page.get_by_test_id("enter-ballots"))
    total = len(papers)
    for serial, paper in enumerate(papers, start=1):
        expect(page.get_by_test_id("ballot-serial")).to_have_text(f"Phiếu số {serial}")
        if shot and serial == 3:
            shot()
        if isinstance(paper, tuple) and paper[0] == "numbers":
            labels = ballot_labels(page)
            enter_ballot_by_numbers(page, [labels.index(name) + 1 for name in paper[1]])
        elif isinstance(paper, tuple):
            enter_ballot(page, paper[0], reason=paper[1])
        else:
            enter_ballot(page, paper)
        expect(page.get_by_test_id("progress")).to_contain_text(f"{serial}/{total} phiếu đã nhập")
    expect(page.get_by_test_id("all-entered")).to_be_visible()
    table_fits(page, page.get_by_test_id("ballots"))  # "Sửa" on each paper, on a phone too
    page.goto(poll_url)
    press_button(page, page.get_by_test_id("count-poll"))
    expect(page.get_by_test_id("result-table")).to_be_visible()


def result_rows(page) -> dict[str, list[str]]:
    """Result table rows by unit: [rank, unit, votes, percent, outcome]; each row's outcome must
    be on the screen (on a phone too), not past the table's edge."""
    table_fits(page, page.get_by_test_id("result-table"))
    rows = {}
    for row in page.get_by_test_id("result-row").all():
        cells = [" ".join(cell.split()) for cell in row.locator("td").all_inner_texts()]
        rows[cells[1]] = cells
    return rows


def assert_result(page, expected: dict[str, tuple[int, str, str]], *, partial=False):
    rows = result_rows(page)
    assert set(expected) <= set(rows) if partial else set(rows) == set(expected), rows
    for name, (votes, percent, outcome) in expected.items():
        assert rows[name][2:] == [str(votes), percent, outcome], (name, rows[name])


def required(label: str):
    """A field's label as crispy-forms prints it: the words, then "*" when it is required."""
    return re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")


def enter_aggregate(page, issued, returned, valid, invalid, votes: dict[str, int]):
    press_button(page, page.get_by_test_id("enter-aggregate"))
    label = page.get_by_label
    for field, value in (
        ("Số phiếu phát ra", issued),
        ("Số phiếu thu vào", returned),
        ("Số phiếu hợp lệ", valid),
        ("Số phiếu không hợp lệ", invalid),
    ):
        type_into(page, label(required(field)), str(value))
    for name, value in votes.items():
        type_into(page, label(required(f"Số phiếu đồng ý của {name}")), str(value))
    press_button(page, page.get_by_test_id("save-aggregate"))
    press_button(page, page.get_by_test_id("count-poll"))


# The minutes -----------------------------------------------------------------------------------


def sections(text: str, titles: list[tuple[str, ...]]) -> list[str]:
    """The minutes' text cut at each poll's heading (any of the spellings, first match after
    the previous heading, upper case as printed or as on the page)."""
    starts = []
    position = 0
    for spellings in titles:
        candidates = [
            (found, spelling)
            for spelling in spellings
            for variant in (spelling.upper(), spelling)
            if (found := text.find(variant, position)) >= 0
        ]
        assert candidates, f"no heading {spellings[0]!r} after character {position}"
        found, spelling = min(candidates)
        starts.append(found)
        position = found + len(spelling)
    return [text[start:end] for start, end in zip(starts, starts[1:] + [len(text)], strict=True)]


def counts_missing(section: str, issued, returned, valid, invalid) -> list[str]:
    missing = []
    for words, value in (
        ("phát ra", issued),
        ("thu vào", returned),
        ("(?<!không )hợp lệ", valid),
        ("không hợp lệ", invalid),
    ):
        if not re.search(rf"{words}[^0-9]{{0,40}}{count_pattern(value)}", section, re.IGNORECASE):
            missing.append(f"số phiếu {words.split(')')[-1]}: {value}")
    return missing


def row_missing(section: str, name: str, votes: int, percent: str, others: list[str]) -> list[str]:
    """Whether `name` is followed, before the next unit's name, by its votes and percentage."""
    prefix = " ".join(name.split()[:3])
    for match in re.finditer(re.escape(prefix), section):
        window = section[match.end() : match.end() + 160]
        for other in others:
            cut = window.find(" ".join(other.split()[:3]))
            if other != name and cut >= 0:
                window = window[:cut]
        # "5 … 71,43 %" in a table row, "5/7 phiếu, đạt 71,43 %" in a sentence.
        if re.search(rf"{count_pattern(votes)}(?:/\d+)?\D{{0,40}}{re.escape(percent)}", window):
            return []
    return [f"{name}: {votes} phiếu, {percent}"]


POLLS = {
    # title spellings, (issued, returned, valid, invalid), {unit: (votes, percent)}, elected
    "CO_CP": (
        ("Cờ thi đua của Chính phủ",),
        (7, 7, 7, 0),
        {YT: (5, "71,43 %"), GD: (1, "14,29 %"), BH: (1, "14,29 %")},
        [YT],
    ),
    "CO_TINH": (
        ("Cờ thi đua của UBND tỉnh", "Cờ thi đua của Ủy ban nhân dân tỉnh"),
        (7, 7, 7, 0),
        {GD: (5, "71,43 %"), BH: (4, "57,14 %"), TV: (4, "57,14 %"), VH: (1, "14,29 %")},
        [GD, BH],
    ),
    "RUNOFF": (
        ("Bỏ phiếu lại",),
        (7, 7, 7, 0),
        {BH: (5, "71,43 %"), TV: (2, "28,57 %")},
        [BH],
    ),
    "BK_TINH": (
        ("Bằng khen của Chủ tịch UBND tỉnh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
        (7, 7, 5, 2),
        {VH: (4, "57,14 %"), LD: (4, "57,14 %"), YT: (2, "28,57 %")},
        [VH, LD],
    ),
    "NEXT_HEAD": (
        ("Bầu Trưởng khối năm 2024",),
        (7, 7, 7, 0),
        {GD: (6, "85,71 %"), VH: (1, "14,29 %")},
        [GD],
    ),
    "NEXT_DEPUTY": (
        ("Bầu Phó Trưởng khối năm 2024",),
        (7, 7, 7, 0),
        {VH: (5, "71,43 %"), YT: (2, "28,57 %")},
        [VH],
    ),
}


def polls_missing(text: str, codes: list[str], *, runoff_in: str = "") -> list[str]:
    """Each poll's ballot counts, and each unit's votes and percentage, in the poll's section
    (a runoff printed inside its parent's section is looked for there)."""
    missing = []
    parts = dict(zip(codes, sections(text, [POLLS[code][0] for code in codes]), strict=True))
    if runoff_in:
        parts["RUNOFF"] = parts[runoff_in]
    for code, part in parts.items():
        _titles, numbers, rows, _elected = POLLS[code]
        found = counts_missing(part, *numbers)
        for name, (votes, percent) in rows.items():
            found += row_missing(part, name, votes, percent, MEMBERS)
        missing += [f"{code}: {item}" for item in found]
    return missing


def count_minutes_missing(text: str) -> list[str]:
    missing = polls_missing(text, list(POLLS))
    for name, _title, _role in COMMITTEE:
        if name not in text:
            missing.append(f"Ban kiểm phiếu: {name}")
    if not re.search(r"10 giờ 45", text):
        missing.append("biên bản kiểm phiếu lập xong lúc 10 giờ 45")
    if INVALID_REASON.casefold() not in text.casefold():
        missing.append(f"lý do phiếu không hợp lệ: {INVALID_REASON}")
    return missing


def conference_minutes_missing(text: str) -> list[str]:
    codes = [code for code in POLLS if code != "RUNOFF"]
    missing = polls_missing(text, codes, runoff_in="CO_TINH")
    facts = {
        "ngày 22 tháng 12 năm 2023": r"ngày 22 tháng 12 năm 2023",
        "08 giờ 00": r"0?8 giờ(?: 00)?",
        "kết thúc 11 giờ 30": r"11 giờ 30",
        "bỏ phiếu kín": r"bỏ phiếu kín",
        "có mặt 7/7": r"(?<!\d)7/7(?!\d)",
        "địa điểm": re.escape(PLACE),
        "chủ trì": re.escape(CHAIR[0]),
        "thư ký": re.escape(SECRETARY[0]),
        "khách mời Trần Xuân Lộc": r"Trần Xuân Lộc[^.;]{0,40}Phó Chủ tịch UBND tỉnh",
        "khách mời chỉ có chức vụ": r"Phó Giám đốc Sở Nội vụ",
        "người dự của Sở Y tế": rf"{REPRESENTATIVE[0]}, {REPRESENTATIVE[1]}",
        "Trưởng khối năm 2024": rf"(?<!Phó )Trưởng khối năm 2024[^.;]{{0,80}}{re.escape(GD)}|"
        rf"{re.escape(GD)}[^.;]{{0,80}}(?<!Phó )Trưởng khối năm 2024",
        "Phó Trưởng khối năm 2024": rf"Phó (?:Trưởng )?khối năm 2024[^.;]{{0,80}}{re.escape(VH)}|"
        rf"{re.escape(VH)}[^.;]{{0,80}}Phó (?:Trưởng )?khối năm 2024",
    }
    for fact, pattern in facts.items():
        if not re.search(pattern, text, re.IGNORECASE):
            missing.append(fact)
    # Each vote's result in %: every elected unit with its percentage.
    for code, (_titles, _numbers, rows, elected) in POLLS.items():
        for name in elected:
            percent = rows[name][1]
            prefix = re.escape(" ".join(name.split()[:3]))
            if not re.search(rf"{prefix}.{{0,200}}?{re.escape(percent)}", text):
                missing.append(f"{code}: {name} {percent}")
    return missing


# The test --------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_hanam_2023_conference_typed_by_hand_at_each_width(
    hanam_2023, page, live_server, screenshot, width
):
    set_width(page, width)
    tag = f"{width}px"
    base = live_server.url

    # The head signs in and reaches 2023 through the year switcher.
    log_in(page, base, "namcao", PASSWORD)
    go_to_2023(page, "Trưởng khối")
    open_conference(page)
    press_button(page, page.get_by_test_id("create-conference"))

    # A guest with only an organisation is refused; nothing is saved and nothing typed is lost.
    fill_setup(page, bad_guest=True)
    screenshot(f"hanam2023-setup-{tag}")
    press_button(page, page.get_by_test_id("save-session"))
    alert = page.get_by_test_id("setup-errors")
    on_screen(page, alert)
    expect(alert).to_contain_text("Chưa lưu")
    error = page.locator("[data-testid=guest-row]").nth(2).locator(".invalid-feedback")
    on_screen(page, error)
    expect(error).to_have_text("Ghi họ tên hoặc chức vụ của khách mời.")
    assert_setup_kept(page)
    screenshot(f"hanam2023-setup-refused-{tag}")
    # The secretary drops the third row and saves.
    tick(page, page.get_by_label("Xóa khách mời 3"))
    press_button(page, page.get_by_test_id("save-session"))
    expect(page.locator("h1")).to_have_text("Điểm danh các đơn vị thành viên")

    # Roll call: all seven members are present.
    for name in MEMBERS:
        tick(page, page.get_by_label(f"Có mặt: {name}", exact=True))
    # Sở Y tế is represented by its deputy director, not the signatory on record.
    for field, text in (("Người dự", REPRESENTATIVE[0]), ("Chức vụ", REPRESENTATIVE[1])):
        box = page.get_by_label(f"{field}: {YT}", exact=True)
        type_into(page, box, text)
        assert box.evaluate("e => e.scrollWidth <= e.clientWidth"), f"{field} is cut short"
    screenshot(f"hanam2023-attendance-{tag}")
    press_button(page, page.get_by_test_id("save-attendance"))
    expect(page.get_by_test_id("present-count")).to_have_text("7/7 đơn vị")
    guests = page.get_by_test_id("guests")
    expect(guests).to_contain_text("Trần Xuân Lộc, Phó Chủ tịch UBND tỉnh")
    expect(guests).to_contain_text("Phó Giám đốc Sở Nội vụ")
    expect(guests).not_to_contain_text("Báo Hà Nam")
    expect(page.get_by_test_id("committee")).to_contain_text("Phạm Thu Trang (Trưởng ban)")

    # 1 Government Flag; the room screen shows the threshold in words, then the outcome.
    create_poll(
        page, kind="award", award="Cờ thi đua của Chính phủ", seats=1, candidates=[YT, GD, BH]
    )
    expect(page.get_by_test_id("rule")).to_contain_text(
        "phải đạt trên 50% tổng số thành viên của Khối đồng ý"
    )
    press_button(page, page.get_by_test_id("open-poll"))
    room = open_room(page)
    expect(room.get_by_test_id("room-rule")).to_contain_text(
        "phải đạt trên 50% tổng số thành viên của Khối đồng ý"
    )
    expect(room.get_by_test_id("room-progress")).to_have_text("0/7 phiếu đã nhập")
    run_ballots(page, [[YT], [YT], [GD], [YT], [BH], [YT], [YT]], open_first=False)
    assert_result(
        page,
        {
            YT: (5, "71,43 %", "Được chọn"),
            GD: (1, "14,29 %", "Không đạt tỷ lệ"),
            BH: (1, "14,29 %", "Không đạt tỷ lệ"),
        },
    )
    room.reload()
    expect(room.get_by_test_id("room-outcome")).to_have_text("Được chọn: Sở Y tế")
    expect(room.get_by_test_id("room-rule")).to_contain_text("trên 50%")
    room.set_viewport_size({"width": width, "height": 800})
    room.screenshot(path=str(ARTIFACTS / f"hanam2023-room-{tag}.png"), full_page=True)
    room.close()
    back_to_conference(page)

    # 2 Provincial Flags: Sở GD&ĐT first; BHXH and the TV station tie for the 2nd seat.
    create_poll(
        page,
        kind="award",
        award="Cờ thi đua của UBND tỉnh",
        seats=2,
        candidates=[GD, BH, TV, VH],
    )
    run_ballots(
        page,
        [[GD, BH], [GD, TV], [GD, BH], [GD, TV], [BH, TV], [BH, TV], [GD, VH]],
        shot=lambda: screenshot(f"hanam2023-ballot-entry-{tag}"),
    )
    flag_tinh = page.url
    assert_result(
        page,
        {
            GD: (5, "71,43 %", "Được chọn"),
            BH: (4, "57,14 %", "Bằng phiếu ở vị trí cuối"),
            TV: (4, "57,14 %", "Bằng phiếu ở vị trí cuối"),
            VH: (1, "14,29 %", "Không đạt tỷ lệ"),
        },
    )
    tie = page.get_by_test_id("tie")
    expect(tie).to_contain_text(f"{BH}, {TV}")
    form = page.get_by_test_id("tie-form")
    choose(page, form.get_by_label("Cách giải quyết"), "runoff")
    choose(page, form.get_by_label("Cách nhập phiếu của cuộc bỏ phiếu lại"), "aggregate")
    screenshot(f"hanam2023-tie-{tag}")
    press_button(page, page.get_by_test_id("resolve-tie"))
    expect(page.locator("h1")).to_contain_text("Bỏ phiếu lại: Cờ thi đua của UBND tỉnh")
    expect(page.locator("main")).to_contain_text("Nhập số tổng hợp")
    press_button(page, page.get_by_test_id("open-poll"))
    enter_aggregate(page, 7, 7, 7, 0, {BH: 5, TV: 2})
    assert_result(page, {BH: (5, "71,43 %", "Trúng"), TV: (2, "28,57 %", "Không trúng")})
    page.goto(flag_tinh)
    winners = page.locator("[data-testid=result-row].table-success").all_inner_texts()
    assert len(winners) == 2 and any(BH in row for row in winners), winners
    expect(page.get_by_test_id("tie")).to_contain_text("Bỏ phiếu lại")

    # The 2023 deputy (Sở Y tế) runs the Certificates of Merit and may not finalize.
    log_out(page)
    log_in(page, base, "truongkhoi", PASSWORD)
    go_to_2023(page, "Phó khối")
    open_conference(page)
    create_poll(
        page,
        kind="award",
        award="Bằng khen của Chủ tịch UBND tỉnh",
        seats=2,
        candidates=[VH, LD, YT],
    )
    run_ballots(
        page,
        [
            [VH, LD],
            [VH, LD],
            ("numbers", [VH, LD]),  # their numbers typed instead of Tab/Space
            [VH, YT],
            [VH, LD, YT],  # over-marked: three marks for two seats
            ([VH], INVALID_REASON),  # declared invalid by the committee
            [LD, YT],
        ],
    )
    expect(page.locator("main")).to_contain_text(
        "Phát ra 7 phiếu · thu vào 7 · hợp lệ 5 · không hợp lệ 2"
    )
    assert_result(
        page,
        {
            VH: (4, "57,14 %", "Được chọn"),
            LD: (4, "57,14 %", "Được chọn"),
            YT: (2, "28,57 %", "Không đạt tỷ lệ"),
        },
    )
    back_to_conference(page)
    expect(page.get_by_test_id("finalize")).to_have_count(0)
    log_out(page)

    # The head runs next year's head and deputy and finalizes.
    log_in(page, base, "namcao", PASSWORD)
    go_to_2023(page, "Trưởng khối")
    open_conference(page)
    create_poll(page, kind="next_head")
    run_ballots(page, [[GD], ("numbers", [GD]), [GD], [GD], [VH], [GD], [GD]])
    assert_result(
        page,
        {GD: (6, "85,71 %", "Được chọn"), VH: (1, "14,29 %", "Không đạt tỷ lệ")},
        partial=True,
    )
    back_to_conference(page)
    create_poll(page, kind="next_deputy")
    run_ballots(page, [[VH], [VH], [YT], [VH], [VH], [YT], [VH]])
    room = open_room(page)
    expect(room.get_by_test_id("room-rule")).to_contain_text(
        "phải đạt trên 50% số thành viên có mặt đồng ý"
    )
    expect(room.get_by_test_id("room-outcome")).to_have_text(f"Được chọn: {VH}")
    room.close()
    back_to_conference(page)
    screenshot(f"hanam2023-before-finalize-{tag}")
    press_button(page, page.get_by_test_id("finalize"))
    press_button(page, page.get_by_test_id("confirm-submit"))
    expect(page.get_by_test_id("session-state")).to_have_text("Đã kết thúc, phát hành biên bản")
    leaders = page.get_by_test_id("elected-leaders")
    expect(leaders).to_contain_text(f"Trưởng khối: {GD}")
    expect(leaders).to_contain_text(f"Phó khối: {VH}")
    table_fits(page, page.get_by_test_id("polls"))  # each poll's result, on a phone too
    screenshot(f"hanam2023-finalized-{tag}")
    count_url = page.get_by_test_id("count-minutes").get_attribute("href")
    minutes_url = page.get_by_test_id("conference-minutes").get_attribute("href")

    # 2024 exists: preview, confirm, and see its new leaders.
    press_button(page, page.get_by_role("link", name="Áp dụng kết quả bầu cho năm 2024"))
    preview = page.get_by_test_id("election-preview")
    table_fits(page, preview)
    rows = [row.locator("th, td").all_inner_texts() for row in preview.locator("tbody tr").all()]
    assert rows == [["Trưởng khối", YT, GD], ["Phó khối", GD, VH]], rows
    screenshot(f"hanam2023-apply-election-{tag}")
    press_button(page, page.get_by_test_id("confirm-election"))
    expect(page.locator("h1")).to_contain_text("năm 2024")
    expect(page.get_by_test_id("head")).to_have_text(GD)
    expect(page.get_by_test_id("deputy")).to_have_text(VH)
    press_button(
        page, page.get_by_test_id("year-switcher").get_by_role("link", name="2023", exact=True)
    )
    expect(page.locator("main")).to_contain_text("Trưởng khối năm 2024 (đã bầu)")
    expect(page.get_by_test_id("next-head")).to_have_text(GD)
    expect(page.get_by_test_id("next-deputy")).to_contain_text(VH)
    screenshot(f"hanam2023-bloc-year-{tag}")

    # Both minutes state every figure typed.
    count_pdf = page.request.get(f"{base}{count_url}")
    minutes_pdf = page.request.get(f"{base}{minutes_url}")
    assert count_pdf.ok and minutes_pdf.ok
    (ARTIFACTS / f"hanam2023-count-minutes-{tag}.pdf").write_bytes(count_pdf.body())
    (ARTIFACTS / f"hanam2023-conference-minutes-{tag}.pdf").write_bytes(minutes_pdf.body())
    count_text = flat(pdf_text(count_pdf.body()))
    minutes_text = flat(pdf_text(minutes_pdf.body()))
    missing = [f"biên bản kiểm phiếu: {m}" for m in count_minutes_missing(count_text)]
    missing += [f"biên bản hội nghị: {m}" for m in conference_minutes_missing(minutes_text)]
    assert not missing, "\n".join(missing)

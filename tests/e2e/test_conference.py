"""The whole 2024 conference of the demo "Khối thi đua Văn hóa - Xã hội", in a real browser, at
1280 px and on a 375 px phone.

The bloc head sets the conference up, takes attendance, creates polls for 1 Government Flag,
2 Provincial Flags and 2 Certificates of Merit plus next year's head and deputy, enters the
ballots with the keyboard only, settles a tie at the last seat by a runoff, finalizes, and
downloads both minutes. Every field is asserted visible and on the screen before it is typed into
(tests/e2e/conference_helpers.py).
"""

import datetime
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from awards.models import AwardType, RuleSet
from blocs.models import BlocYear
from tests.e2e.conference_helpers import (
    WIDTHS,
    candidate_box,
    choose,
    enter_ballot,
    log_in,
    on_screen,
    press_button,
    set_width,
    tick,
    type_datetime,
    type_into,
    type_time,
)
from tests.pdf_helpers import pdf_text

pytestmark = pytest.mark.browser

PRESENT = [
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Lao động - Thương binh và Xã hội",
    "Bảo hiểm xã hội tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh",
]  # Ban Quản lý Khu Đại học Nam Cao is absent: 6 of 7 present.


@pytest.fixture
def demo(transactional_db):
    """The demo province and a province rule that lets two candidates tie for the 2nd flag."""
    call_command("seed_demo", verbosity=0)
    # The province's own rule for its Flag (as staff would set it on the rule-sets page):
    # at least half of the members present, so two candidates can tie for the second flag.
    RuleSet.objects.get_or_create(
        poll_kind="award",
        award_type=AwardType.objects.get(code="CO_TINH"),
        effective_from=datetime.date(2024, 1, 1),
        defaults={
            "base": "present",
            "comparator": "ge",
            "threshold_numerator": 1,
            "threshold_denominator": 2,
            "quorum_numerator": 2,
            "quorum_denominator": 3,
            "tie_rule": "runoff",
        },
    )
    return BlocYear.objects.get(bloc__code="KTĐVHXH", year=2024)


def required(label: str):
    """A label as crispy-forms prints it: the words, then "*" when the field is required."""
    return re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")


def create_poll(page, base, *, kind, award=None, seats=1, mode="ballots", candidates=()):
    page.goto(f"{base}polls/add/")
    label = page.get_by_label
    choose(page, label("Loại cuộc bỏ phiếu"), kind)
    if award:
        choose(page, label("Danh hiệu, hình thức khen thưởng"), label=award)
    type_into(page, label("Số đơn vị được chọn"), str(seats))
    choose(page, label("Cách nhập phiếu"), mode)
    for name in candidates:
        tick(page, candidate_box(page, name))
    press_button(page, page.get_by_test_id("create-poll"))
    return page.url


def run_ballots(page, poll_url, ballots, shot=None):
    page.goto(poll_url)
    press_button(page, page.get_by_test_id("open-poll"))
    press_button(page, page.get_by_test_id("enter-ballots"))
    for number, marked in enumerate(ballots, start=1):
        expect(page.get_by_test_id("ballot-serial")).to_have_text(f"Phiếu số {number}")
        if shot and number == 4:
            shot()
        enter_ballot(page, marked)
        expect(page.get_by_test_id("progress")).to_contain_text(f"{number}/6 phiếu đã nhập")
    page.goto(poll_url)
    press_button(page, page.get_by_test_id("count-poll"))


# At 1280 px: the Hà Nam 2023 test (test_conference_hanam2023.py) runs the main path on a phone.
@pytest.mark.parametrize("width", [WIDTHS["desktop"]], ids=["desktop"])
def test_a_whole_conference_with_keyboard_ballots_a_runoff_and_both_minutes(
    demo, page, screenshot, live_server, width
):
    set_width(page, width)
    tag = "" if width == WIDTHS["desktop"] else f"-{width}px"
    log_in(page, live_server.url, "truongkhoi", "thidua2024")
    base = f"{live_server.url}/awards/bloc-years/{demo.pk}/conference/"
    page.goto(base)
    press_button(page, page.get_by_test_id("create-conference"))
    label = page.get_by_label
    type_datetime(page, label("Thời gian bắt đầu"), 2024, 12, 20, 8, 0)
    type_into(page, label("Địa điểm"), "Hội trường Sở Y tế")
    type_into(page, label("Chủ trì: họ và tên"), "Nguyễn Thị Minh Hằng")
    type_into(page, label("Chủ trì: chức vụ"), "Giám đốc Sở Y tế, Trưởng khối")
    type_into(page, label("Thư ký: họ và tên"), "Lê Văn Thư")
    type_time(page, label("Thời gian kết thúc"), 11, 30)
    type_into(page, label("Khách mời 1: họ và tên"), "Trần Xuân Lộc")
    type_into(page, label("Khách mời 1: chức vụ"), "Phó Chủ tịch UBND tỉnh")
    type_into(page, label("Thành viên 1: họ và tên"), "Phạm Văn Hùng")
    choose(page, label("Thành viên 1: nhiệm vụ"), "Trưởng ban")
    type_into(page, label("Thành viên 2: họ và tên"), "Lê Thị Thanh Tâm")
    press_button(page, page.get_by_test_id("save-session"))
    for name in PRESENT:
        tick(page, label(f"Có mặt: {name}", exact=True))
    screenshot(f"conference-attendance{tag}")
    press_button(page, page.get_by_test_id("save-attendance"))
    assert page.get_by_test_id("present-count").inner_text().startswith("6/7")

    # 1 Government Flag among three registrants.
    flag_cp = create_poll(
        page,
        base,
        kind="award",
        award="Cờ thi đua của Chính phủ",
        seats=1,
        candidates=["Sở Y tế", "Sở Giáo dục và Đào tạo", "Bảo hiểm xã hội tỉnh"],
    )
    run_ballots(page, flag_cp, [["Sở Y tế"]] * 5 + [["Sở Y tế", "Bảo hiểm xã hội tỉnh"]])
    assert "Sở Y tế" in page.get_by_test_id("result-table").inner_text()
    assert page.locator("[data-testid=result-row].table-success").count() == 1

    # 2 Provincial Flags: a tie at the 2nd seat between BHXH and the TV station.
    gd, bh, tv = (
        "Sở Giáo dục và Đào tạo",
        "Bảo hiểm xã hội tỉnh",
        "Đài Phát thanh và Truyền hình tỉnh",
    )
    flag_tinh = create_poll(
        page, base, kind="award", award="Cờ thi đua của UBND tỉnh", seats=2, candidates=[gd, bh, tv]
    )
    run_ballots(
        page,
        flag_tinh,
        [[gd, bh], [gd, tv], [gd, bh], [gd, tv], [bh, tv], [gd, bh, tv]],
        shot=lambda: screenshot(f"conference-ballot-entry{tag}"),
    )
    tie = page.get_by_test_id("tie").inner_text()
    assert bh in tie and tv in tie
    screenshot(f"conference-tie{tag}")
    press_button(page, page.get_by_test_id("resolve-tie"))
    runoff = page.url
    assert "Bỏ phiếu lại" in page.locator("h1").inner_text()
    run_ballots(page, runoff, [[bh], [tv], [bh], [bh], [tv], [bh]])
    page.goto(flag_tinh)
    winners = page.locator("[data-testid=result-row].table-success").all_inner_texts()
    assert len(winners) == 2 and any(bh in row for row in winners)

    # 2 Certificates of Merit entered as totals from the paper count.
    merit = create_poll(
        page,
        base,
        kind="award",
        award="Bằng khen của Chủ tịch UBND tỉnh",
        seats=2,
        mode="aggregate",
        candidates=[
            "Sở Văn hóa, Thể thao và Du lịch",
            "Sở Lao động - Thương binh và Xã hội",
            "Sở Y tế",
        ],
    )
    page.goto(merit)
    press_button(page, page.get_by_test_id("open-poll"))
    press_button(page, page.get_by_test_id("enter-aggregate"))
    for field, value in (
        ("Số phiếu phát ra", 6),
        ("Số phiếu thu vào", 7),
        ("Số phiếu hợp lệ", 6),
        ("Số phiếu không hợp lệ", 0),
    ):
        type_into(page, label(required(field)), str(value))
    for name, votes in (
        ("Sở Văn hóa, Thể thao và Du lịch", 5),
        ("Sở Lao động - Thương binh và Xã hội", 4),
        ("Sở Y tế", 2),
    ):
        type_into(page, label(required(f"Số phiếu đồng ý của {name}")), str(votes))
    press_button(page, page.get_by_test_id("save-aggregate"))
    refusal = page.get_by_text("Số phiếu thu vào (7) lớn hơn số phiếu phát ra (6).")
    on_screen(page, refusal)
    screenshot(f"conference-aggregate-refused{tag}")
    type_into(page, label(required("Số phiếu thu vào")), "6")
    press_button(page, page.get_by_test_id("save-aggregate"))
    press_button(page, page.get_by_test_id("count-poll"))
    assert page.locator("[data-testid=result-row].table-success").count() == 2

    head = create_poll(page, base, kind="next_head")
    run_ballots(page, head, [[gd]] * 6)
    deputy = create_poll(page, base, kind="next_deputy")
    run_ballots(page, deputy, [["Sở Văn hóa, Thể thao và Du lịch"]] * 5 + [[gd]])
    page.goto(f"{deputy}room/")
    assert "83,33 %" in " ".join(page.get_by_test_id("room-results").inner_text().split())
    screenshot(f"conference-room-screen{tag}")

    page.goto(base)
    screenshot(f"conference-before-finalize{tag}")
    press_button(page, page.get_by_test_id("finalize"))
    press_button(page, page.get_by_test_id("confirm-submit"))
    assert "Đã kết thúc" in page.get_by_test_id("session-state").inner_text()
    screenshot(f"conference-finalized{tag}")
    demo.refresh_from_db()
    assert demo.next_head.name == gd
    assert demo.next_deputy.name == "Sở Văn hóa, Thể thao và Du lịch"

    count_url = page.get_by_test_id("count-minutes").get_attribute("href")
    minutes_url = page.get_by_test_id("conference-minutes").get_attribute("href")
    count_pdf = page.request.get(f"{live_server.url}{count_url}").body()
    minutes_pdf = page.request.get(f"{live_server.url}{minutes_url}").body()
    assert count_pdf.startswith(b"%PDF") and minutes_pdf.startswith(b"%PDF")
    count_text = " ".join(pdf_text(count_pdf).split())
    minutes_text = " ".join(pdf_text(minutes_pdf).split())
    assert "Số: 01/BB-KTĐVHXH" in count_text
    assert "Số phiếu phát ra: 6; số phiếu thu vào: 6; số phiếu hợp lệ: 5;" in count_text
    assert "BỎ PHIẾU LẠI" in count_text and "bỏ phiếu lại giữa các đơn vị bằng phiếu" in count_text
    assert "71,43 %" in count_text  # Sở Y tế, 5 of 7 members for the Government Flag
    assert "Số: 02/BB-KTĐVHXH" in minutes_text
    assert "có mặt 6/7 đơn vị" in minutes_text
    assert f"Trưởng khối năm 2025: {gd}" in minutes_text
    assert "11 giờ 30" in minutes_text

"""The whole 2024 conference of the demo "Khối thi đua Văn hóa - Xã hội", in a real browser.

The bloc head sets the conference up, takes attendance, creates polls for 1 Government Flag,
2 Provincial Flags and 2 Certificates of Merit plus next year's head and deputy, enters the
ballots with the keyboard only, settles a tie at the last seat by a runoff, finalizes, and
downloads both minutes.
"""

import datetime

import pytest
from django.core.management import call_command

from awards.models import AwardType, RuleSet
from blocs.models import BlocYear
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


def labels_on_ballot(page) -> list[str]:
    texts = page.locator("[data-ballot-form] .form-check-label").all_inner_texts()
    return [text.split(".", 1)[1].strip() for text in texts]


def enter_ballot(page, marked: list[str], reason: str = ""):
    """Tab/Space through the row of boxes and press Enter, as a counter would."""
    labels = labels_on_ballot(page)
    assert page.evaluate("document.activeElement.name") == "marks"
    for index, label in enumerate(labels):
        if label in marked:
            page.keyboard.press("Space")
        if index < len(labels) - 1:
            page.keyboard.press("Tab")
    if reason:
        page.keyboard.press("Tab")
        page.keyboard.type(reason)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def create_poll(page, base, *, kind, award=None, seats=1, mode="ballots", candidates=()):
    page.goto(f"{base}polls/add/")
    page.get_by_label("Loại cuộc bỏ phiếu").select_option(kind)
    if award:
        page.get_by_label("Danh hiệu, hình thức khen thưởng").select_option(label=award)
    page.get_by_label("Số đơn vị được chọn").fill(str(seats))
    page.get_by_label("Cách nhập phiếu").select_option(mode)
    for name in candidates:
        page.get_by_label(name, exact=True).check()
    page.get_by_test_id("create-poll").click()
    page.wait_for_load_state()
    return page.url


def run_ballots(page, poll_url, ballots, shot=None):
    page.goto(poll_url)
    page.get_by_test_id("open-poll").click()
    page.get_by_test_id("enter-ballots").click()
    for number, marked in enumerate(ballots, start=1):
        assert page.get_by_test_id("ballot-serial").inner_text() == f"Phiếu số {number}"
        if shot and number == 4:
            shot()
        enter_ballot(page, marked)
        assert f"{number}/6 phiếu đã nhập" in page.get_by_test_id("progress").inner_text()
    page.goto(poll_url)
    page.get_by_test_id("count-poll").click()
    page.wait_for_load_state()


def test_a_whole_conference_with_keyboard_ballots_a_runoff_and_both_minutes(
    demo, login, page, screenshot, live_server
):
    login("truongkhoi", "thidua2024")
    base = f"{live_server.url}/awards/bloc-years/{demo.pk}/conference/"
    page.goto(base)
    page.get_by_test_id("create-conference").click()
    page.get_by_label("Thời gian bắt đầu").fill("2024-12-20T08:00")
    page.get_by_label("Địa điểm").fill("Hội trường Sở Y tế")
    page.get_by_label("Chủ trì: họ và tên").fill("Nguyễn Thị Minh Hằng")
    page.get_by_label("Chủ trì: chức vụ").fill("Giám đốc Sở Y tế, Trưởng khối")
    page.get_by_label("Thư ký: họ và tên").fill("Lê Văn Thư")
    page.get_by_label("Thời gian kết thúc").fill("11:30")
    page.fill('[name="guests-0-name"]', "Trần Xuân Lộc")
    page.fill('[name="guests-0-title"]', "Phó Chủ tịch UBND tỉnh")
    page.fill('[name="committee-0-name"]', "Phạm Văn Hùng")
    page.select_option('[name="committee-0-role"]', "Trưởng ban")
    page.fill('[name="committee-1-name"]', "Lê Thị Thanh Tâm")
    page.get_by_test_id("save-session").click()
    page.wait_for_load_state()
    for name in PRESENT:
        page.get_by_label(f"Có mặt: {name}", exact=True).check()
    screenshot("conference-attendance")
    page.get_by_test_id("save-attendance").click()
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
    flag_tinh = create_poll(
        page,
        base,
        kind="award",
        award="Cờ thi đua của UBND tỉnh",
        seats=2,
        candidates=[
            "Sở Giáo dục và Đào tạo",
            "Bảo hiểm xã hội tỉnh",
            "Đài Phát thanh và Truyền hình tỉnh",
        ],
    )
    gd, bh, tv = (
        "Sở Giáo dục và Đào tạo",
        "Bảo hiểm xã hội tỉnh",
        "Đài Phát thanh và Truyền hình tỉnh",
    )
    run_ballots(
        page,
        flag_tinh,
        [[gd, bh], [gd, tv], [gd, bh], [gd, tv], [bh, tv], [gd, bh, tv]],
        shot=lambda: screenshot("conference-ballot-entry"),
    )
    tie = page.get_by_test_id("tie").inner_text()
    assert bh in tie and tv in tie
    screenshot("conference-tie")
    page.get_by_test_id("resolve-tie").click()
    page.wait_for_load_state()
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
    page.get_by_test_id("open-poll").click()
    page.get_by_test_id("enter-aggregate").click()
    for field, value in (("issued", 6), ("returned", 7), ("valid", 6), ("invalid", 0)):
        page.fill(f'[name="{field}"]', str(value))
    for name, votes in (
        ("Sở Văn hóa, Thể thao và Du lịch", 5),
        ("Sở Lao động - Thương binh và Xã hội", 4),
        ("Sở Y tế", 2),
    ):
        page.get_by_label(f"Số phiếu đồng ý: {name}").fill(str(votes))
    page.get_by_test_id("save-aggregate").click()
    assert "Số phiếu thu vào (7) lớn hơn số phiếu phát ra (6)." in page.content()
    screenshot("conference-aggregate-refused")
    page.fill('[name="returned"]', "6")
    page.get_by_test_id("save-aggregate").click()
    page.get_by_test_id("count-poll").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=result-row].table-success").count() == 2

    head = create_poll(page, base, kind="next_head")
    run_ballots(page, head, [[gd]] * 6)
    deputy = create_poll(page, base, kind="next_deputy")
    run_ballots(page, deputy, [["Sở Văn hóa, Thể thao và Du lịch"]] * 5 + [[gd]])
    page.goto(f"{deputy}room/")
    assert "83,33%" in page.get_by_test_id("room-results").inner_text()
    screenshot("conference-room-screen")

    page.goto(base)
    screenshot("conference-before-finalize")
    page.get_by_test_id("finalize").click()
    page.wait_for_load_state()
    assert "Đã kết thúc" in page.get_by_test_id("session-state").inner_text()
    screenshot("conference-finalized")
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
    assert "Số phiếu phát ra: 06; số phiếu thu vào: 06; số phiếu hợp lệ: 05;" in count_text
    assert "BỎ PHIẾU LẠI" in count_text and "bỏ phiếu lại giữa các đơn vị bằng phiếu" in count_text
    assert "71,43%" in count_text  # Sở Y tế, 5 of 7 members for the Government Flag
    assert "Số: 02/BB-KTĐVHXH" in minutes_text
    assert "có mặt 06/07 đơn vị" in minutes_text
    assert f"Trưởng khối năm 2025: {gd}" in minutes_text
    assert "11 giờ 30" in minutes_text

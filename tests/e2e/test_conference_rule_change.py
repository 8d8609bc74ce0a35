"""The province changes a voting rule while the 2024 conference of "Khối thi đua Văn hóa - Xã hội"
is under way, at 1280 px and on a 375 px phone.

The head counts the Certificate of Merit under the rule in force (more than 50% of all members);
province staff then raise the threshold to two thirds. The version the count used stays as it was
and the change becomes version 2; the Provincial Flag poll, still a draft, follows version 2 and
its leading unit (4 of 7) now fails. The counted poll keeps its rule until the head resets it:
once keeping its rule, once taking the rule in force, which fails the same unit.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from awards.services import voting
from blocs.models import BlocYear
from emulation.models import User
from tests.e2e.conference_helpers import (
    WIDTHS,
    candidate_box,
    choose,
    log_in,
    log_out,
    on_screen,
    open_newest_bloc,
    press_button,
    set_width,
    table_fits,
    tick,
    type_into,
)

pytestmark = pytest.mark.browser

PASSWORD = "thidua2024"
VH = "Sở Văn hóa, Thể thao và Du lịch"
LD = "Sở Lao động - Thương binh và Xã hội"
BH = "Bảo hiểm xã hội tỉnh"
OLD_RULE = "Đơn vị được đề nghị phải đạt trên 50% tổng số thành viên của Khối đồng ý."
NEW_RULE = "Đơn vị được đề nghị phải đạt từ 2/3 tổng số thành viên của Khối trở lên đồng ý."


@pytest.fixture
def conference(transactional_db):
    """The demo's 2024 conference, set up and with all seven members present."""
    call_command("seed_demo", verbosity=0)
    bloc_year = BlocYear.objects.get(bloc__code="KTĐVHXH", year=2024)
    head = User.objects.get(username="truongkhoi")
    session = voting.create_session(
        bloc_year,
        actor=head,
        held_at=timezone.make_aware(datetime.datetime(2024, 12, 20, 8, 0)),
        place="Hội trường Sở Y tế",
        chair_name="Nguyễn Thị Minh Hằng",
        chair_title="Giám đốc Sở Y tế, Trưởng khối",
    )
    voting.update_attendance(
        session,
        [{"agency_id": row.agency_id, "present": True} for row in session.attendance.all()],
        actor=head,
    )
    return bloc_year


def required(label: str):
    return re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")


def to_conference(page):
    """From the home page the head lands on, to the 2024 bloc-year, then its conference."""
    open_newest_bloc(page)
    press_button(page, page.get_by_test_id("conference-link"))
    expect(page.locator("h1")).to_have_text("Hội nghị tổng kết năm 2024")


def create_poll(page, award, candidates):
    press_button(page, page.get_by_test_id("add-poll"))
    label = page.get_by_label
    choose(page, label("Loại cuộc bỏ phiếu"), "award")
    choose(page, label("Danh hiệu, hình thức khen thưởng"), label=award)
    type_into(page, label("Số đơn vị được chọn"), "1")
    choose(page, label("Cách nhập phiếu"), "aggregate")
    for name in candidates:
        tick(page, candidate_box(page, name))
    press_button(page, page.get_by_test_id("create-poll"))
    return page.url


def open_poll_page(page, title):
    """From the conference's list of polls, as a person finds a poll."""
    press_button(page, page.locator(".breadcrumb").get_by_role("link", name="Hội nghị tổng kết"))
    press_button(page, page.get_by_test_id("polls").get_by_role("link", name=title, exact=True))


def assert_rule(page, sentence, version, note):
    rule = page.get_by_test_id("rule")
    on_screen(page, rule)
    expect(rule.locator("li").first).to_have_text(sentence)
    expect(page.get_by_test_id("rule-version")).to_contain_text(f"phiên bản {version}")
    expect(page.get_by_test_id("rule-version")).to_contain_text(note)


def count_totals(page, votes: dict[str, int]):
    """Open the poll, type the paper count's totals (7 papers, all valid), count."""
    press_button(page, page.get_by_test_id("open-poll"))
    press_button(page, page.get_by_test_id("enter-aggregate"))
    label = page.get_by_label
    for field, value in (
        ("Số phiếu phát ra", 7),
        ("Số phiếu thu vào", 7),
        ("Số phiếu hợp lệ", 7),
        ("Số phiếu không hợp lệ", 0),
    ):
        type_into(page, label(required(field)), str(value))
    for name, value in votes.items():
        type_into(page, label(required(f"Số phiếu đồng ý của {name}")), str(value))
    press_button(page, page.get_by_test_id("save-aggregate"))
    press_button(page, page.get_by_test_id("count-poll"))


def outcome(page, name) -> str:
    table = page.get_by_test_id("result-table")
    table_fits(page, table)
    row = table.get_by_test_id("result-row").filter(has_text=name)
    return row.locator("td").last.inner_text().strip()


def reset(page, reason, *, apply_rule_in_force):
    details = page.get_by_test_id("reset")
    press_button(page, details.locator("summary"), navigates=False)
    type_into(page, details.get_by_label(required("Lý do")), reason)
    tick(
        page,
        details.get_by_label("Khi mở lại, áp dụng quy tắc hiện hành"),
        checked=apply_rule_in_force,
    )
    press_button(page, page.get_by_test_id("reset-poll"))
    expect(page.locator("main")).to_contain_text("Đã đặt lại cuộc bỏ phiếu")


def open_menu_item(page, menu, item):
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        press_button(page, toggler, navigates=False)
    press_button(page, page.get_by_role("button", name=menu), navigates=False)
    press_button(page, page.get_by_role("link", name=item, exact=True))


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_rule_changed_mid_conference_applies_to_drafts_and_resets_not_to_counts(
    conference, page, live_server, screenshot, width
):
    set_width(page, width)
    tag = f"{width}px"
    base = live_server.url

    # The head prepares two polls under the rule in force and counts the first.
    log_in(page, base, "truongkhoi", PASSWORD)
    to_conference(page)
    merit = create_poll(page, "Bằng khen của Chủ tịch UBND tỉnh", [VH, LD])
    assert_rule(page, OLD_RULE, 1, "quy tắc hiện hành; cố định khi mở bỏ phiếu")
    count_totals(page, {VH: 4, LD: 3})
    assert outcome(page, VH) == "Được chọn"
    back = page.locator(".breadcrumb").get_by_role("link", name="Hội nghị tổng kết")
    press_button(page, back)
    flag = create_poll(page, "Cờ thi đua của UBND tỉnh", [VH, BH])
    assert_rule(page, OLD_RULE, 1, "quy tắc hiện hành; cố định khi mở bỏ phiếu")
    log_out(page)

    # Province staff raise the threshold; the counted version stays, the change is version 2.
    log_in(page, base, "canbo", PASSWORD)
    open_menu_item(page, "Danh mục, cấu hình", "Quy tắc bỏ phiếu")
    row = (
        page.get_by_test_id("rule-sets").locator("tbody tr").filter(has_text="Bình chọn danh hiệu")
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text(OLD_RULE.rstrip("."))
    expect(row.get_by_test_id("rule-in-use")).to_be_visible()
    press_button(page, row.get_by_role("link", name="Sửa"))
    expect(page.get_by_test_id("rule-in-use")).to_be_visible()
    label = page.get_by_label
    choose(page, label(required("So sánh")), "ge")
    type_into(page, label(required("Tỷ lệ: tử số")), "2")
    type_into(page, label(required("Tỷ lệ: mẫu số")), "3")
    type_into(page, label("Căn cứ quy định"), "Quy chế thi đua, khen thưởng sửa đổi năm 2024")
    screenshot(f"rule-change-edit-{tag}")
    press_button(page, page.get_by_role("button", name="Lưu"))
    expect(page.locator(".alert-success")).to_contain_text("thay đổi được lưu thành phiên bản 2")
    rows = (
        page.get_by_test_id("rule-sets").locator("tbody tr").filter(has_text="Bình chọn danh hiệu")
    )
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="phiên bản 2")).to_contain_text(NEW_RULE.rstrip("."))
    expect(rows.filter(has_text=OLD_RULE.rstrip("."))).to_contain_text("Đã dùng")
    screenshot(f"rule-change-rule-sets-{tag}")
    log_out(page)

    # The draft flag poll now shows version 2 and is counted under it: 4 of 7 no longer pass.
    log_in(page, base, "truongkhoi", PASSWORD)
    page.goto(flag)
    assert_rule(page, NEW_RULE, 2, "quy tắc hiện hành; cố định khi mở bỏ phiếu")
    screenshot(f"rule-change-draft-{tag}")
    count_totals(page, {VH: 4, BH: 3})
    assert outcome(page, VH) == "Không đạt tỷ lệ"
    assert outcome(page, BH) == "Không đạt tỷ lệ"
    assert_rule(page, NEW_RULE, 2, "đã cố định khi mở bỏ phiếu")
    room_link = page.get_by_role("link", name="Màn hình hội trường")
    on_screen(page, room_link)
    with page.context.expect_page() as new_tab:
        room_link.click()
    room = new_tab.value
    room.wait_for_load_state()
    expect(room.get_by_test_id("room-rule")).to_contain_text(NEW_RULE)
    expect(room.get_by_test_id("room-outcome")).to_have_text("Không có đơn vị nào được chọn.")
    room.close()

    # The counted merit poll still shows the rule it was counted under, and says it differs.
    open_poll_page(page, "Bằng khen của Chủ tịch UBND tỉnh")
    assert page.url == merit
    assert_rule(page, OLD_RULE, 1, "đã cố định khi mở bỏ phiếu")
    assert outcome(page, VH) == "Được chọn"
    press_button(page, page.get_by_test_id("reset").locator("summary"), navigates=False)
    notice = page.get_by_test_id("rule-in-force")
    on_screen(page, notice)
    expect(notice).to_contain_text("từ 2/3 tổng số thành viên của Khối trở lên")
    expect(notice).to_contain_text("phiên bản 2")
    screenshot(f"rule-change-reset-{tag}")
    press_button(page, page.get_by_test_id("reset").locator("summary"), navigates=False)

    # A reset that keeps the rule: counted again under version 1, the unit still passes.
    reset(page, "Nhập nhầm số phiếu của một đơn vị", apply_rule_in_force=False)
    assert_rule(page, OLD_RULE, 1, "giữ quy tắc đã áp dụng trước khi đặt lại")
    count_totals(page, {VH: 4, LD: 3})
    assert outcome(page, VH) == "Được chọn"

    # A reset that takes the rule in force: version 2 again, and the unit now fails.
    reset(page, "Áp dụng quy chế sửa đổi của tỉnh", apply_rule_in_force=True)
    assert_rule(page, NEW_RULE, 2, "quy tắc hiện hành; cố định khi mở bỏ phiếu")
    count_totals(page, {VH: 4, LD: 3})
    assert outcome(page, VH) == "Không đạt tỷ lệ"
    assert_rule(page, NEW_RULE, 2, "đã cố định khi mở bỏ phiếu")
    history = page.locator("#history-heading").locator("..")
    expect(history).to_contain_text("Áp dụng quy chế sửa đổi của tỉnh")
    screenshot(f"rule-change-after-reset-{tag}")

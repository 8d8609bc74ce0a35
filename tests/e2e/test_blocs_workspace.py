"""The Sở Nội vụ workspace in a browser (issue 3): province staff import the demo workbook,
open year 2025, fix a head, and the bloc head then sees the 2025 bloc."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from blocs.models import Agency, BlocYear, Membership
from portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.factories import xlsx_bytes

pytestmark = pytest.mark.browser

ENTERPRISES = [
    # agency, signatory, title, role
    ("Công ty Điện lực tỉnh", "Trần Văn Điện", "Giám đốc", "Trưởng khối"),
    ("Công ty Cấp nước tỉnh", "Lê Thị Nước", "Giám đốc", "Phó khối"),
    ("Ngân hàng Nông nghiệp chi nhánh tỉnh", "Phạm Văn Nông", "Giám đốc", ""),
]


def demo_workbook(exported, target):
    """The demo workbook: the 2024 export plus a new enterprise bloc and a new signatory."""
    workbook = load_workbook(exported)
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[3].value == "Sở Tư pháp":
            row[4].value = "Nguyễn Văn Pháp"
    for name, signatory, title, role in ENTERPRISES:
        sheet.append([2024, "Khối thi đua các doanh nghiệp", "KTĐDN", name, signatory, title, role])
    workbook.save(target)
    return target


def test_staff_import_open_2025_fix_a_head_and_the_head_sees_the_bloc(
    login, page, live_server, screenshot, tmp_path
):
    call_command("seed_demo", before_merger=True, verbosity=0)  # Hà Nam opens 2025 itself
    login("canbo", DEMO_PASSWORD)

    # 1. The Excel hub, from the menu; download the 2024 structure.
    page.get_by_role("button", name="Danh mục, cấu hình").click()
    page.get_by_role("link", name="Nhập/Xuất Excel").click()
    page.wait_for_load_state("networkidle")
    screenshot("workspace-01-excel-hub")
    page.select_option("#export-year", "2024")
    with page.expect_download() as download_info:
        page.get_by_test_id("year-export-button").click()
    download = download_info.value
    assert download.suggested_filename == "co-cau-khoi-thi-dua-2024.xlsx"
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    workbook = demo_workbook(exported, tmp_path / "khoi-thi-dua-2024-mau.xlsx")

    # 2. Upload the demo workbook: the preview lists every row, nothing is written yet.
    page.get_by_test_id("import-memberships").click()
    page.wait_for_load_state("networkidle")
    screenshot("workspace-02-upload-form")
    page.set_input_files("input[type=file]", str(workbook))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_load_state("networkidle")
    summary = page.get_by_test_id("import-summary").inner_text()
    assert "Thêm mới: 3" in summary
    assert "Sẽ cập nhật: 1" in summary
    assert "Không đổi: 22" in summary
    assert "Lỗi: 0" in summary
    assert page.locator("[data-testid=import-preview] tbody tr").count() == 26
    assert "Sẽ tạo 1 khối mới: “Khối thi đua các doanh nghiệp”." in page.content()
    assert not Membership.objects.filter(agency__name="Công ty Điện lực tỉnh").exists()
    screenshot("workspace-03-import-preview")

    # 3. Commit: the year overview shows the fourth bloc.
    page.get_by_test_id("import-commit").click()
    page.wait_for_load_state("networkidle")
    assert "1 dòng cập nhật" in page.locator(".alert").first.inner_text()
    table = page.get_by_test_id("overview-table").inner_text()
    assert "Khối thi đua các doanh nghiệp" in table
    assert "Công ty Điện lực tỉnh" in table
    screenshot("workspace-04-year-2024-after-import")

    # 4. Open year 2025: the preview accounts for the departments merged on 01/03/2025.
    page.get_by_role("link", name="Mở năm 2025").click()
    page.wait_for_load_state("networkidle")
    screenshot("workspace-05-rollover-preview")
    # Sở Nội vụ, successor of the merged Sở Lao động - Thương binh và Xã hội, is already in
    # another bloc, so the merged department is dropped with the reason shown.
    assert "Đã hợp nhất vào Sở Nội vụ, đơn vị này đã là thành viên" in page.content()
    page.get_by_role("button", name="Xác nhận mở năm 2025 (4 khối)").click()
    page.wait_for_load_state("networkidle")
    assert BlocYear.objects.filter(year=2025).count() == 4
    screenshot("workspace-06-year-2025")

    # 5. Fix the head of the 2025 Văn hóa - Xã hội bloc (no election was recorded).
    page.get_by_role("link", name="Khối thi đua Văn hóa - Xã hội").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("head").inner_text() == "—"
    leaders = page.get_by_test_id("leaders")
    leaders.locator("select[name=head]").select_option(label="Sở Y tế")
    leaders.locator("select[name=deputy]").select_option(label="Sở Giáo dục và Đào tạo")
    leaders.get_by_role("button", name="Phân công").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("head").inner_text() == "Sở Y tế"
    assert page.get_by_test_id("deputy").inner_text() == "Sở Giáo dục và Đào tạo"
    screenshot("workspace-07-head-fixed")
    health = Agency.objects.get(name="Sở Y tế")
    assert BlocYear.objects.get(year=2025, bloc__code="KTĐVHXH").head == health

    # 6. The bloc head logs in and lands on the 2025 bloc, as its head.
    page.get_by_test_id("whoami").click()  # the user menu holds "Đăng xuất"
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state("networkidle")
    login("truongkhoi", DEMO_PASSWORD)
    heading = page.locator("h1").inner_text()
    assert "Khối thi đua Văn hóa - Xã hội" in heading
    assert "năm 2025" in heading
    assert page.get_by_test_id("role").inner_text() == "Trưởng khối"
    members = page.get_by_test_id("members").inner_text()
    assert "Sở Nội vụ" not in members
    assert "Sở Lao động - Thương binh và Xã hội" not in members
    screenshot("workspace-08-head-sees-2025")


def test_a_broken_workbook_shows_row_level_messages_and_offers_no_commit(
    login, page, live_server, screenshot, tmp_path, province_staff, bloc_year, other_bloc_year
):
    headers = [
        "Năm",
        "Khối thi đua",
        "Mã khối",
        "Đơn vị",
        "Người ký",
        "Chức vụ người ký",
        "Vai trò",
    ]
    vhxh = ["Khối thi đua Văn hóa - Xã hội", "KTĐVHXH"]
    broken = tmp_path / "khoi-loi.xlsx"
    broken.write_bytes(
        xlsx_bytes(
            headers,
            [
                [2024, *vhxh, "Tỉnh đoàn", "", "", ""],
                [2024, "Khối lạ", "", "Sở Tư pháp", "", "", ""],
                [2024, *vhxh, "Sở Y tế", '=HYPERLINK("http://x","y")', "", ""],
                [2024, *vhxh, "<script>alert(1)</script>", "", "", "Trưởng khối"],
                [2024, *vhxh, "Sở Giáo dục và Đào tạo", "", "", "Trưởng khối"],
            ],
        )
    )
    login("canbo")
    page.goto(live_server.url + reverse("blocs:import_page", args=["memberships"]))
    page.set_input_files("input[type=file]", str(broken))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_load_state("networkidle")
    assert "Lỗi: 5" in page.get_by_test_id("import-summary").inner_text()
    blocked = page.get_by_test_id("import-blocked").inner_text()
    assert "Có 5 dòng lỗi" in blocked
    assert page.get_by_test_id("import-commit").count() == 0
    # Nothing is announced as "will be created" when its row is in error.
    assert page.get_by_test_id("import-notes").count() == 0
    text = page.get_by_test_id("import-preview").inner_text()
    assert "đã là thành viên “Khối thi đua số 6” năm 2024" in text
    assert "Khối “Khối lạ” chưa có" in text
    assert "Ô E4 chứa công thức" in text
    assert "<script>alert(1)</script>" in text
    assert "Khối có 2 trưởng khối trong tệp: dòng 5, 6." in text
    screenshot("workspace-09-broken-workbook")

"""Browser: a member registers, the head accepts, drafts and opens the covenant, records the
paper signatures, voids a wrong one and records it again, and downloads the issued signed
covenant (seed_demo data)."""

import pytest
from django.core.management import call_command

from awards.models import AwardType
from blocs.models import Covenant, CovenantTemplate, CovenantTemplateClause
from tests.pdf_helpers import pdf_text

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "thidua2024"
MEMBER_AGENCY = "Sở Văn hóa, Thể thao và Du lịch"


def _province_data():
    """seed_demo, plus the data migrations' rows in case a transactional test flushed them."""
    if not AwardType.objects.exists():
        from awards.seed import AWARD_TYPES

        for order, (code, legal, label, kind, recipient, level) in enumerate(AWARD_TYPES, 1):
            AwardType.objects.create(
                code=code,
                legal_name=legal,
                label=label,
                kind=kind,
                recipient=recipient,
                deciding_level=level,
                order=order * 10,
            )
    template = CovenantTemplate.current()
    if not template.clauses.exists():
        from blocs.covenant_defaults import DEFAULT_CLAUSES, DEFAULT_PREAMBLE

        template.preamble = DEFAULT_PREAMBLE
        template.save()
        for index, text in enumerate(DEFAULT_CLAUSES, 1):
            CovenantTemplateClause.objects.create(template=template, order=index, text=text)
    call_command("seed_demo", verbosity=0)


def _logout(page):
    page.get_by_test_id("whoami").click()  # the user menu holds "Đăng xuất"
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state("networkidle")


def test_register_accept_draft_open_sign_and_download_the_signed_covenant(
    page, live_server, login, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_PKCS12_PATH = ""
    _province_data()

    # The member registers a title and a target, then submits.
    login("thanhvien", DEMO_PASSWORD)
    panel = page.get_by_test_id("covenant-panel")
    assert "7 đơn vị chưa đăng ký" in panel.inner_text()
    panel.get_by_role("link", name="Đăng ký thi đua").click()
    page.get_by_label("Cờ thi đua của UBND tỉnh").check()
    page.locator("#id_targets-0-indicator").fill("Tổ chức sự kiện văn hóa, thể thao cấp tỉnh")
    page.locator("#id_targets-0-value").fill("12")
    page.locator("#id_targets-0-unit").fill("sự kiện")
    screenshot("covenant-01-member-registration-form")
    page.get_by_role("button", name="Lưu bản đăng ký").click()
    page.get_by_role("button", name="Gửi trưởng khối").click()
    assert page.get_by_test_id("status").inner_text() == "Đã gửi"
    screenshot("covenant-02-member-registration-submitted")
    _logout(page)

    # The head accepts it.
    login("truongkhoi", DEMO_PASSWORD)
    page.get_by_test_id("covenant-panel").get_by_role("link", name="Xem xét đăng ký").click()
    page.get_by_role("button", name="Chấp thuận").click()
    assert "Đã chấp thuận bản đăng ký" in page.content()
    summary = page.get_by_test_id("registration-summary").inner_text()
    assert "1 đơn vị đăng ký Cờ thi đua của UBND tỉnh" in summary
    screenshot("covenant-03-head-accepted")

    # The head drafts the covenant from the template and opens it for signing.
    page.get_by_role("link", name="Khối thi đua Văn hóa - Xã hội 2024").click()
    page.get_by_test_id("covenant-panel").get_by_role("link", name="Giao ước (chưa soạn)").click()
    page.get_by_role("button", name="Soạn dự thảo từ mẫu của tỉnh").click()
    assert page.get_by_test_id("status").inner_text() == "Dự thảo"
    screenshot("covenant-04-draft")
    page.get_by_role("link", name="Sửa dự thảo").click()
    page.get_by_label("Địa điểm hội nghị").fill("Hội trường Sở Y tế")
    screenshot("covenant-04b-edit-draft")
    page.get_by_role("button", name="Lưu dự thảo").click()
    assert "Hội trường Sở Y tế" in page.content()
    page.get_by_role("link", name="Mở ký kết (khóa nội dung)").click()
    page.get_by_test_id("confirm-submit").click()
    assert page.get_by_test_id("status").inner_text() == "Đang ký kết"
    assert page.get_by_test_id("progress").inner_text() == "0/7 đã ký"

    # Paper signatures for every member at the conference.
    page.get_by_role("link", name="Ghi nhận ký trên giấy tại hội nghị").click()
    screenshot("covenant-05-paper-signatures")
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    assert page.get_by_test_id("status").inner_text() == "Đã ký đủ"
    assert page.get_by_test_id("progress").inner_text() == "7/7 đã ký"

    # One paper signature was recorded with the wrong signer: void it alone and record it again.
    row = page.get_by_test_id("signatures").get_by_role("row").filter(has_text=MEMBER_AGENCY)
    row.get_by_role("link", name="hủy chữ ký").click()
    page.get_by_label("Lý do hủy chữ ký").fill("Ghi nhận nhầm người ký")
    screenshot("covenant-05b-void-one-signature")
    page.get_by_role("button", name="Hủy chữ ký").click()
    assert page.get_by_test_id("status").inner_text() == "Đang ký kết"
    assert page.get_by_test_id("progress").inner_text() == "6/7 đã ký"
    row.get_by_role("link", name="Ghi nhận chữ ký").click()
    page.get_by_label("Họ tên người ký").fill("Lê Thị Hoa")
    page.get_by_role("button", name="Ghi nhận chữ ký").click()
    assert page.get_by_test_id("status").inner_text() == "Đã ký đủ"
    assert "Lê Thị Hoa" in row.inner_text()
    page.get_by_role("link", name="Phát hành giao ước đã ký").click()
    page.get_by_test_id("confirm-submit").click()
    number = page.get_by_test_id("document-number").inner_text()
    assert number == "01/GU-KTĐVHXH"
    screenshot("covenant-06-issued")

    # Download the signed covenant.
    href = page.get_by_test_id("signed-pdf").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    data = response.body()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert number in text and "XÁC NHẬN KÝ KẾT" in text and "Lê Thị Hoa" in text
    assert Covenant.objects.get().status == Covenant.Status.ISSUED

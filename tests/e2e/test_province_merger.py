"""Browser: staff record Hà Nam as a former province, import its portal's bundle, merge its Sở Y
tế into the province's own, and find Hà Nam's award on the successor's page. Desktop and phone."""

import json

import pytest
from playwright.sync_api import expect

from blocs.models import FormerProvince
from tests.conftest import PASSWORD
from tests.e2e.conference_helpers import (
    WIDTHS,
    log_in,
    no_sideways_scroll,
    on_screen,
    press_button,
    set_width,
    type_into,
)
from tests.factories import AgencyFactory

pytestmark = pytest.mark.browser

HANAM_BUNDLE = {
    "format": "khoi-thi-dua/bundle",
    "version": 1,
    "province": "Hà Nam",
    "exported_at": "2025-06-30T17:00:00+07:00",
    "agencies": [
        {
            "key": "A1",
            "name": "Sở Y tế",
            "short_name": "SYT",
            "kind": "department",
            "status": "active",
        },
        {"key": "A2", "name": "Sở Giáo dục và Đào tạo", "kind": "department", "status": "active"},
    ],
    "blocs": [
        {"key": "B1", "name": "Khối thi đua Văn hóa - Xã hội", "code": "KTĐVHXH", "kind": "khoi"}
    ],
    "bloc_years": [
        {
            "bloc": "B1",
            "year": 2024,
            "head": "A1",
            "deputy": "A2",
            "members": [
                {
                    "agency": "A1",
                    "signatory_name": "Nguyễn Thị Minh Hằng",
                    "signatory_title": "Giám đốc",
                },
                {"agency": "A2", "signatory_name": "Phạm Văn Hùng", "signatory_title": "Giám đốc"},
            ],
        }
    ],
    "decisions": [
        {
            "key": "D1",
            "number": "245/QĐ-UBND",
            "signed_on": "2024-02-05",
            "deciding_level": "province_chairman",
        }
    ],
    "awards": [
        {
            "agency": "A1",
            "award_type": "CO_TINH",
            "year": 2023,
            "decision": "D1",
            "source": "imported",
            "status": "awarded",
        }
    ],
}


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_import_a_former_province_and_merge_its_sister_agency(
    page, live_server, screenshot, province_staff, tmp_path, settings, width
):
    settings.PROVINCE_NAME = "Ninh Bình"
    own = AgencyFactory(name="Sở Y tế", short_name="SYT")
    bundle = tmp_path / "goi-du-lieu-ha-nam.json"
    bundle.write_text(json.dumps(HANAM_BUNDLE, ensure_ascii=False), encoding="utf-8")
    set_width(page, width)
    log_in(page, live_server.url, province_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/blocs/province/")

    type_into(page, page.get_by_label("Tên tỉnh cũ"), "Hà Nam")
    on_screen(page, page.get_by_label("Ngày hợp nhất"))
    press_button(page, page.get_by_role("button", name="Thêm tỉnh cũ"))
    expect(page.get_by_test_id("province-table")).to_contain_text("Tỉnh Hà Nam cũ")
    press_button(page, page.get_by_role("link", name="Nhập gói dữ liệu"))

    expect(page.get_by_label("Tỉnh cũ")).to_have_value(str(FormerProvince.objects.get().pk))
    chooser = page.get_by_label("Gói dữ liệu (.json)")
    on_screen(page, chooser)
    chooser.set_input_files(str(bundle))
    press_button(page, page.get_by_role("button", name="Tải lên và xem trước"))
    summary = page.get_by_test_id("bundle-summary")
    on_screen(page, summary)
    expect(summary).to_contain_text("Hà Nam")
    no_sideways_scroll(page)
    screenshot(f"bundle-preview-{width}")
    press_button(page, page.get_by_test_id("bundle-commit"))
    expect(page.get_by_role("alert").first).to_contain_text(
        "Đã nhập dữ liệu tỉnh Hà Nam cũ: 2 đơn vị, 1 khối, 1 khối-năm"
    )

    press_button(page, page.get_by_test_id("sister-merge-link"))
    group = page.get_by_test_id("sister-group")
    on_screen(page, group)
    expect(group.get_by_role("checkbox", name="Sở Y tế (tỉnh Hà Nam cũ)")).to_be_checked()
    expect(group.get_by_role("radio", name="Sở Y tế (tỉnh Ninh Bình)")).to_be_checked()
    expect(group.get_by_label("Ngày hiệu lực")).to_have_value("01/07/2025")  # shown dd/mm/yyyy
    screenshot(f"sister-merge-{width}")
    press_button(page, group.get_by_role("button", name="Hợp nhất các đơn vị đã chọn"))

    assert page.url.endswith(f"/blocs/agencies/{own.pk}/")
    awards = page.get_by_test_id("agency-awards")
    on_screen(page, awards)
    expect(awards).to_contain_text("Cờ thi đua của UBND tỉnh")
    expect(awards).to_contain_text("245/QĐ-UBND, 05/02/2024")
    expect(awards).to_contain_text("đơn vị tiền thân, tỉnh Hà Nam cũ")
    expect(page.get_by_test_id("predecessors")).to_contain_text("Sở Y tế (tỉnh Hà Nam cũ)")
    no_sideways_scroll(page)
    screenshot(f"merged-sister-{width}")

"""Province staff narrows the audit log to one bloc and a date range and reads an entry in
Vietnamese: labels instead of codes, dates as dd/mm/yyyy, lists one per line."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from blocs.services.covenants import create_covenant
from blocs.services.structure.blocs import update_bloc_year
from emulation.audit import log_action
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _type_into(field, text: str) -> None:
    expect(field).to_be_visible()
    field.scroll_into_view_if_needed()
    expect(field).to_be_in_viewport()
    field.press_sequentially(text)


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    _type_into(page.get_by_label("Tên đăng nhập"), username)
    _type_into(page.get_by_label("Mật khẩu"), PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def audit_trail(province_staff, bloc_head, bloc_year, other_bloc_year):
    """Today: a covenant drafted and a bloc-year's notes changed in our bloc, a change in the
    other bloc; in 2023 an older change in our bloc (outside the date range)."""
    create_covenant(bloc_year, actor=bloc_head)
    update_bloc_year(bloc_year, actor=province_staff, notes="Họp khối quý I")
    update_bloc_year(other_bloc_year, actor=province_staff, notes="Khối số 6 họp riêng")
    with mock.patch(
        "django.utils.timezone.now",
        return_value=timezone.make_aware(datetime.datetime(2023, 6, 1, 9, 0)),
    ):
        log_action(
            "blocs.bloc_year.updated",
            bloc_year,
            actor=province_staff,
            data={"notes": ["", "Ghi chú năm trước"]},
        )


@pytest.mark.parametrize("width", [1280, 375])
def test_staff_filters_the_audit_log_by_bloc_and_dates_and_reads_an_entry(
    page, live_server, screenshot, audit_trail, bloc_year, width
):
    page.set_viewport_size({"width": width, "height": 900 if width > 600 else 740})
    _sign_in(page, live_server, "canbo")
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", name="Nhật ký hệ thống")).to_be_visible()

    bloc = page.get_by_label("Khối thi đua", exact=True)
    expect(bloc).to_be_visible()
    bloc.select_option(label=bloc_year.bloc.name)
    today = timezone.localdate().strftime("%d/%m/%Y")
    _type_into(page.get_by_label("Từ ngày"), today)
    _type_into(page.get_by_label("Đến ngày"), today)
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state("networkidle")

    entries = page.locator(".audit-entry")
    expect(entries).to_have_count(2)
    text = page.locator("ol.list-group").inner_text()
    assert "Tạo giao ước thi đua" in text
    assert "Sửa thông tin khối trong năm" in text
    assert "Họp khối quý I" in text and "Khối thi đua Văn hóa - Xã hội, năm 2024" in text
    assert "Khối số 6 họp riêng" not in text and "Ghi chú năm trước" not in text
    assert "blocs." not in text and "notes" not in text
    notes = entries.filter(has_text="Sửa thông tin khối trong năm")
    expect(notes.get_by_text("Ghi chú:")).to_be_visible()
    expect(page.get_by_label("Từ ngày")).to_have_value(today)

    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"horizontal scroll of {overflow}px at {width}px"
    assert screenshot(f"audit-log-bloc-dates-{width}").stat().st_size > 10_000


def test_a_bad_date_is_named_and_the_bloc_filter_is_kept(
    page, live_server, screenshot, audit_trail, bloc_year
):
    _sign_in(page, live_server, "canbo")
    page.goto(f"{live_server.url}/audit/")
    page.get_by_label("Khối thi đua", exact=True).select_option(label=bloc_year.bloc.name)
    _type_into(page.get_by_label("Từ ngày"), "31/02/2024")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state("networkidle")
    refusal = "Từ ngày không hợp lệ: tháng 2/2024 không có ngày 31"
    expect(page.get_by_role("alert")).to_contain_text(refusal)
    expect(page.locator(".audit-entry")).to_have_count(3)
    expect(page.get_by_label("Khối thi đua", exact=True)).to_have_value(str(bloc_year.bloc_id))
    assert screenshot("audit-log-bad-date").stat().st_size > 10_000

"""The province's criteria tables: the workbook both ways, the staff pages, the upload's
preview and refusals, the copy of last year's table and the confirmation of the example."""

import io
import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from awards import criteria_workbook as workbook
from awards.models import CriteriaSet
from awards.seed import example_criteria_rows
from awards.services import scoring as services
from emulation.models import AuditEntry
from tests.factories import xlsx_bytes
from tests.queries import assert_max_queries

HEADERS = [column.header for column in workbook.COLUMNS]


def _sheet(*rows):
    return xlsx_bytes(HEADERS, [list(row) + [""] * (len(HEADERS) - len(row)) for row in rows])


@pytest.fixture
def example(province_staff):
    return services.save_province_criteria(
        year=2024,
        bloc_kind="khoi",
        title="Bảng tiêu chí chấm điểm (mẫu)",
        rows=example_criteria_rows(),
        bonus_cap=Decimal(5),
        confirmed=False,
        actor=province_staff,
    )


def _upload(client, data, **options):
    upload = io.BytesIO(data)
    upload.name = "tieu-chi.xlsx"
    fields = {"year": 2025, "bloc_kind": "khoi", "title": "Bảng tiêu chí 2025", "bonus_cap": "5"}
    return client.post(reverse("awards:criteria_import"), {**fields, **options, "file": upload})


def test_a_table_downloaded_and_uploaded_again_reads_the_same(example):
    _name, _type, data = workbook.criteria_workbook(example)
    preview = workbook.rows_from_sheet(data)
    assert preview.ok, preview.problems
    assert preview.rows == services.clean_rows(services.criteria_rows(example))
    assert (preview.standard_points, preview.bonus_points, preview.scored_count) == (100, 5, 12)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADERS
    rate = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "I.2")
    assert rate[2:8] == ("Theo tỷ lệ chỉ tiêu", "Điểm chuẩn", 20, None, 50, 100)


def test_the_template_is_the_example_table_and_reads_clean():
    _name, _type, data = workbook.example_workbook()
    assert workbook.rows_from_sheet(data).ok


def test_cells_are_read_as_a_person_writes_them():
    data = _sheet(
        ["I", "Chuyên môn"],
        ["I.1", "Hoàn thành kế hoạch", "", "", "60", "có"],
        ["I.2", "Tỷ lệ giải ngân", "theo tỷ lệ", "", "40", "", "50%", "95"],
        ["II", "Điểm thưởng", "", "Điểm thưởng"],
        ["II.1", "Mô hình mới", "", "", "2,5"],
        ["III", "Điểm trừ", "Mục", "penalty"],
        ["III.1", "Chậm báo cáo", "Chấm điểm", "", "3"],
    )
    preview = workbook.rows_from_sheet(data)
    assert preview.ok, preview.problems
    by_code = {row["code"]: row for row in preview.rows}
    assert by_code["I"]["kind"] == "heading"
    assert by_code["I.1"]["evidence_required"] is True
    assert (by_code["I.2"]["kind"], by_code["I.2"]["zero_at"], by_code["I.2"]["full_at"]) == (
        "rate",
        Decimal("0.50"),
        Decimal("0.95"),
    )
    assert (by_code["II.1"]["section"], by_code["II.1"]["max_points"]) == ("bonus", Decimal("2.5"))
    assert by_code["III.1"]["section"] == "penalty"
    assert (preview.standard_points, preview.bonus_points, preview.penalty_points) == (100, 2.5, 3)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["I", "Chuyên môn", "bốc thăm", "", "10"]], "cách chấm “bốc thăm” không có"),
        ([["I", "Chuyên môn", "", "thưởng thêm", "10"]], "loại điểm “thưởng thêm” không có"),
        ([["I", "Chuyên môn", "", "", "mười"]], "“mười” không phải là số"),
        ([["I", "Chuyên môn", "", "", "5000"]], "phải từ 0 đến 1000"),
        ([["I", "Chuyên môn", "", "", "10"], ["I", "Lặp", "", "", "5"]], "Mã I lặp lại"),
        ([["I.1", "Con trước cha", "", "", "10"]], "cần nằm dưới mục I đứng trước nó"),
        ([["I", "Chuyên môn", "", "", "10", "nhiều"]], "“Cần minh chứng” ghi Có"),
        ([["I", "Tỷ lệ", "theo tỷ lệ", "", "10", "", "90", "80"]], "phải lớn hơn tỷ lệ không"),
        ([["I", "Chuyên môn"]], "cần ít nhất một tiêu chí được chấm điểm"),
        ([["I", '=HYPERLINK("http://x")', "", "", "10"]], "chứa công thức"),
        ([["I", "", "", "", "10"]], "Thiếu “Nội dung tiêu chí”"),
    ],
)
def test_a_wrong_row_is_named_in_vietnamese_and_nothing_is_saved(
    rows, message, province_staff, staff_client
):
    preview = workbook.rows_from_sheet(_sheet(*rows))
    assert not preview.ok
    assert any(message in problem for problem in preview.problems), preview.problems
    assert _upload(staff_client, _sheet(*rows)).status_code == 302
    page = staff_client.get(reverse("awards:criteria_import")).content.decode()
    assert message in page or message.replace("“", "&ldquo;") in page or "criteria-problems" in page
    response = staff_client.post(reverse("awards:criteria_import_commit"), follow=True)
    assert message in response.content.decode() or "Dòng" in response.content.decode()
    assert not CriteriaSet.objects.exists()


def test_nfd_text_is_saved_composed(province_staff, staff_client):
    title = unicodedata.normalize("NFD", "Hoàn thành kế hoạch được giao")
    _upload(staff_client, _sheet(["I", title, "", "", "100"]))
    staff_client.post(reverse("awards:criteria_import_commit"))
    saved = CriteriaSet.objects.get().criteria.get()
    assert saved.title == unicodedata.normalize("NFC", title)


def test_a_file_that_is_not_a_criteria_workbook_is_refused_at_upload(province_staff, staff_client):
    wrong = _upload(staff_client, xlsx_bytes(["Tên", "Tuổi"], [["A", 3]]))
    assert wrong.status_code == 400
    assert "Mã" in wrong.content.decode()
    not_excel = _upload(staff_client, b"%PDF-1.4 not a workbook")
    assert not_excel.status_code == 400
    assert not CriteriaSet.objects.exists()


def test_an_oversized_upload_is_refused_with_its_size(province_staff, staff_client, settings):
    settings.UPLOAD_MAX_MB = 1
    response = _upload(staff_client, b"x" * (1024 * 1024 + 10))
    assert response.status_code == 400
    assert "vượt giới hạn 1 MB" in response.content.decode()


def test_an_upload_is_previewed_then_saved_as_the_next_version(example, staff_client):
    _name, _type, data = workbook.criteria_workbook(example)
    assert _upload(staff_client, data, year=2024, title="Bảng đã sửa").status_code == 302
    page = staff_client.get(reverse("awards:criteria_import")).content.decode()
    assert "12 tiêu chí chấm điểm" in page and "điểm chuẩn 100" in page
    assert CriteriaSet.objects.count() == 1  # the preview writes nothing
    response = staff_client.post(reverse("awards:criteria_import_commit"))
    saved = services.province_criteria(2024, "khoi")
    assert response.url == reverse("awards:criteria_set", args=[saved.pk])
    assert (saved.version, saved.title, saved.bonus_cap, saved.confirmed) == (
        2,
        "Bảng đã sửa",
        5,
        True,
    )
    assert AuditEntry.objects.filter(action="awards.criteria.saved").count() == 2


def test_staff_copy_last_years_table_and_confirm_the_example(example, staff_client):
    response = staff_client.post(
        reverse("awards:criteria_copy"), {"year": 2025, "bloc_kind": "khoi"}, follow=True
    )
    copy = services.province_criteria(2025, "khoi")
    assert (copy.based_on, copy.confirmed) == (example, False)
    assert "Đã sao chép bảng tiêu chí năm 2024 cho năm 2025" in response.content.decode()
    assert services.criteria_rows(copy) == services.criteria_rows(example)
    staff_client.post(reverse("awards:criteria_confirm", args=[copy.pk]))
    copy.refresh_from_db()
    assert copy.confirmed
    assert AuditEntry.objects.filter(action="awards.criteria.confirmed").count() == 1
    refused = staff_client.post(
        reverse("awards:criteria_copy"), {"year": 2020, "bloc_kind": "khoi"}, follow=True
    )
    assert "Chưa có bảng tiêu chí của năm trước" in refused.content.decode()


def test_the_year_page_and_a_table_read_a_fixed_number_of_queries(example, staff_client):
    with assert_max_queries(12):
        page = staff_client.get(reverse("awards:criteria_sets") + "?year=2024")
    text = page.content.decode()
    assert "12 tiêu chí chấm điểm" in text and "Bảng mẫu, chưa xác nhận" in text
    with assert_max_queries(12):
        table = staff_client.get(reverse("awards:criteria_set", args=[example.pk]))
    assert "Tổng điểm chuẩn: 100 điểm" in table.content.decode()
    assert "điểm thưởng tối đa 5 điểm" in table.content.decode()


def test_a_percent_formatted_cell_reads_as_the_percent_shown():
    """Excel keeps "80%" as 0.8 with a percent format; the import reads what the person sees."""
    import io as _io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(["I", "Tỷ lệ giải ngân", "Theo tỷ lệ chỉ tiêu", "", 20, "", 0.5, 0.95, ""])
    for cell in ("G2", "H2"):
        sheet[cell].number_format = "0%"
    buffer = _io.BytesIO()
    book.save(buffer)
    (row,) = workbook.rows_from_sheet(buffer.getvalue()).rows
    assert (row["zero_at"], row["full_at"]) == (Decimal("0.5"), Decimal("0.95"))


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (["I", "Chuyên môn", "", "", "10,125"], "ghi tối đa hai chữ số thập phân"),
        (["I", "Tỷ lệ", "theo tỷ lệ", "", "10", "", "50,5"], "số phần trăm nguyên"),
    ],
)
def test_more_precision_than_the_table_keeps_is_refused_not_rounded(cells, message):
    preview = workbook.rows_from_sheet(_sheet(cells))
    assert any(message in problem for problem in preview.problems), preview.problems


def test_rates_of_a_criterion_not_scored_by_rate_are_ignored(province_staff):
    """Zero and full rates typed on a points criterion cannot break the table."""
    preview = workbook.rows_from_sheet(_sheet(["I", "Chuyên môn", "", "", "10", "", "90", "80"]))
    assert preview.ok, preview.problems
    (row,) = preview.rows
    assert (row["zero_at"], row["full_at"]) == (0, 1)

"""Import of past decisions: preview with row messages, all-or-nothing commit, hostile files."""

import datetime
import io
import unicodedata

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards import imports
from awards.models import AwardRecord, Decision
from emulation.excel import WorkbookError
from tests.factories import AgencyFactory, AwardRecordFactory, award_type

HEADERS = [column.header for column in imports.COLUMNS]


def xlsx(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def agencies(db):
    return {
        "yte": AgencyFactory(name="Sở Y tế", short_name="SYT"),
        "gd": AgencyFactory(name="Sở Giáo dục và Đào tạo", short_name="SGDĐT"),
    }


GOOD = [
    [
        "1234/QĐ-UBND",
        "15/03/2024",
        "Nguyễn Văn A",
        "Chủ tịch UBND tỉnh",
        "CO_TINH",
        2023,
        "Sở Y tế",
    ],
    [
        "1234/QĐ-UBND",
        "15/03/2024",
        "Nguyễn Văn A",
        "Chủ tịch UBND tỉnh",
        "Tập thể lao động xuất sắc",
        2023,
        "SGDĐT",
    ],
    ["56/QĐ-UBND", "2023-02-01", "", "", "CSTD_TINH", 2022, "so y te", "Trần Thị Bình", "Phó GĐ"],
]


def test_a_clean_file_previews_then_commits_everything(agencies, province_staff):
    data = xlsx(GOOD)
    preview = imports.preview(data)
    assert preview.ok
    assert preview.decision_count == 2
    assert preview.rows[1].award_type.code == "TTLDXS"
    assert preview.rows[2].agency == agencies["yte"]
    assert imports.commit(data, actor=province_staff) == 3
    assert Decision.objects.count() == 2
    records = AwardRecord.objects.order_by("pk")
    assert [r.source for r in records] == ["imported"] * 3
    assert records[2].person_name == "Trần Thị Bình"
    assert Decision.objects.get(number="56/QĐ-UBND").signed_on == datetime.date(2023, 2, 1)


def test_one_bad_row_stops_the_whole_import_and_names_the_row(agencies, province_staff):
    rows = [*GOOD, ["9/QĐ", "31/02/2024", "", "", "CO_XYZ", 2023, "Sở Không Có"]]
    preview = imports.preview(xlsx(rows))
    assert not preview.ok
    bad = preview.rows[-1]
    assert bad.number == 5
    text = " ".join(bad.errors)
    assert "Ngày ký “31/02/2024”" in text
    assert "CO_XYZ" in text
    assert "Không tìm thấy đơn vị “Sở Không Có”" in text
    with pytest.raises(ValidationError, match="Dòng 5"):
        imports.commit(xlsx(rows), actor=province_staff)
    assert not AwardRecord.objects.exists()
    assert not Decision.objects.exists()


def test_duplicates_in_the_file_and_in_the_ledger_are_refused(agencies):
    AwardRecordFactory(agency=agencies["gd"], award_type=award_type("TTLDXS"), year=2023)
    rows = [GOOD[0], GOOD[0], GOOD[1]]
    preview = imports.preview(xlsx(rows))
    assert "Trùng với dòng 2" in " ".join(preview.rows[1].errors)
    assert "Đã có trong sổ khen thưởng." in preview.rows[2].errors


def test_collective_and_individual_titles_are_checked(agencies):
    rows = [
        ["1/QĐ", "01/03/2024", "", "", "CO_TINH", 2023, "Sở Y tế", "Nguyễn Văn A"],
        ["1/QĐ", "01/03/2024", "", "", "CSTD_TINH", 2023, "Sở Y tế"],
    ]
    preview = imports.preview(xlsx(rows))
    assert "chỉ dành cho tập thể" in " ".join(preview.rows[0].errors)
    assert "dành cho cá nhân" in " ".join(preview.rows[1].errors)


def test_a_year_after_the_signing_date_is_refused(agencies):
    rows = [["1/QĐ", "01/03/2022", "", "", "CO_TINH", 2023, "Sở Y tế"]]
    assert "Ngày ký trước năm thành tích." in imports.preview(xlsx(rows)).rows[0].errors


def test_nfd_cells_are_normalised_and_noted(agencies):
    rows = [
        ["1/QĐ", "01/03/2024", "", "", "CO_TINH", 2023, unicodedata.normalize("NFD", "Sở Y tế")]
    ]
    row = imports.preview(xlsx(rows)).rows[0]
    assert row.agency == agencies["yte"]
    assert row.notes


def test_a_formula_cell_is_refused(agencies):
    rows = [["1/QĐ", "01/03/2024", "", "", "CO_TINH", 2023, "=A1"]]
    assert "công thức" in " ".join(imports.preview(xlsx(rows)).rows[0].errors)


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.7 not a workbook", "Số quyết định,Ngày ký\n1,2".encode(), b"PK\x03\x04broken"],
)
def test_files_that_are_not_workbooks_are_refused(db, data):
    with pytest.raises(WorkbookError):
        imports.preview(data)


def test_missing_columns_are_listed(db):
    with pytest.raises(WorkbookError, match="Thiếu cột"):
        imports.preview(xlsx([["1/QĐ"]], headers=["Số quyết định"]))


def test_the_template_reopens_with_the_expected_headers(staff_client):
    response = staff_client.get(reverse("awards:decision_import_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert list(next(book.active.values)) == HEADERS


def test_the_import_pages_preview_and_commit(staff_client, agencies):
    page = reverse("awards:decision_import")
    response = staff_client.post(
        page, {"file": SimpleUploadedFile("qd.xlsx", xlsx(GOOD))}, follow=True
    )
    assert 'data-testid="import-preview"' in response.content.decode()
    response = staff_client.post(
        reverse("awards:decision_import_commit"), {"action": "commit"}, follow=True
    )
    assert "Đã nhập 3 khen thưởng vào sổ." in response.content.decode()
    assert AwardRecord.objects.count() == 3


def test_a_bad_file_commits_nothing_through_the_page(staff_client, agencies):
    rows = [*GOOD, ["9/QĐ", "xx", "", "", "CO_TINH", 2023, "Sở Y tế"]]
    staff_client.post(
        reverse("awards:decision_import"), {"file": SimpleUploadedFile("q.xlsx", xlsx(rows))}
    )
    response = staff_client.post(
        reverse("awards:decision_import_commit"), {"action": "commit"}, follow=True
    )
    assert "Dòng 5" in response.content.decode()
    assert not AwardRecord.objects.exists()


def test_only_staff_may_commit_an_import(cast_clients):
    for role in ("head", "deputy", "member", "outsider"):
        response = cast_clients[role].post(reverse("awards:decision_import_commit"))
        assert response.status_code == 403, role

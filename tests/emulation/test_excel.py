"""The one Excel helper: formula defusing, safe writing, and the defensive XLSX reader."""

import csv
import datetime
import io
import unicodedata
import zipfile

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from emulation.excel import (
    FORMULA_TRIGGERS,
    Column,
    Exporter,
    Sheet,
    WorkbookError,
    clean_text,
    defuse,
    export_response,
    header_key,
    match_headers,
    read_sheet,
    sniff,
    undefuse,
    write_csv,
    write_xlsx,
)
from tests.factories import xlsx_bytes

COLUMNS = (
    Column("name", "Tên cơ quan, đơn vị", required=True, max_length=20),
    Column("short_name", "Tên viết tắt", max_length=10),
    Column("year", "Năm", kind="int"),
    Column("notes", "Ghi chú", kind="multiline"),
)
HEADERS = ["Tên cơ quan, đơn vị", "Tên viết tắt", "Năm", "Ghi chú"]


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# --- Defusing formulas ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+84912", "-5", "@SUM(A1)", "\tx", "\rx", "＝1"])
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert defuse(text) == "'" + text
    assert undefuse(defuse(text)) == text


@pytest.mark.parametrize("value", [5, -5, 2.5, -0.25, True, None, datetime.date(2024, 2, 5)])
def test_numbers_dates_and_empty_cells_are_not_touched(value):
    assert defuse(value) is value


def test_ordinary_vietnamese_text_is_not_touched():
    assert defuse("Sở Y tế") == "Sở Y tế"
    assert defuse("'quoted") == "'quoted"


@given(st.text())
def test_defused_text_never_starts_with_a_formula_trigger_and_round_trips(text):
    defused = defuse(text)
    assert not defused.startswith(FORMULA_TRIGGERS)
    assert undefuse(defused) == text


# --- NFC normalisation ---------------------------------------------------------------------


@given(st.text())
def test_clean_text_is_nfc_idempotent_and_reports_non_nfc_input(text):
    cleaned, changed = clean_text(text)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned) == (cleaned, False)
    assert changed == (not unicodedata.is_normalized("NFC", text))


@given(st.text())
def test_multiline_clean_text_is_nfc_and_idempotent(text):
    cleaned, _changed = clean_text(text, multiline=True)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned, multiline=True)[0] == cleaned


def test_clean_text_collapses_spaces_and_keeps_line_breaks_when_asked():
    assert clean_text("  Sở   Y\ttế ") == ("Sở Y tế", False)
    assert clean_text("dòng 1  \n  dòng 2", multiline=True) == ("dòng 1\ndòng 2", False)


# --- Writing -------------------------------------------------------------------------------


def test_xlsx_has_a_bold_frozen_header_measured_widths_and_text_formulas():
    data = write_xlsx(
        [
            Sheet(
                "Dữ liệu",
                ["Tên", "Số", "Ngày"],
                [
                    ['=HYPERLINK("http://evil.example","bấm")', -3, datetime.date(2024, 2, 5)],
                    ["Sở Văn hóa, Thể thao và Du lịch", 12.5, None],
                ],
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Dữ liệu"
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].value == '\'=HYPERLINK("http://evil.example","bấm")'
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -3
    assert sheet["B3"].value == 12.5
    assert sheet["C2"].number_format == "DD/MM/YYYY"
    assert 30 <= sheet.column_dimensions["A"].width <= 60
    assert sheet.column_dimensions["B"].width == 8


def test_xlsx_drops_control_characters_excel_cannot_store():
    data = write_xlsx([Sheet("A", ["Tên"], [["Sở\x00 Y\x07 tế"]])])
    assert load_workbook(io.BytesIO(data)).active["A2"].value == "Sở Y tế"


def test_sheet_titles_are_cut_and_cleaned_for_excel():
    data = write_xlsx([Sheet("x" * 40, ["a"], []), Sheet("Khối 1/2 [2024]?", ["a"], [])])
    assert load_workbook(io.BytesIO(data)).sheetnames == ["x" * 31, "Khối 1-2 -2024--"]


def test_aware_datetimes_are_written_in_local_time(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    moment = datetime.datetime(2024, 2, 5, 1, 30, tzinfo=datetime.UTC)
    sheet = load_workbook(io.BytesIO(write_xlsx([Sheet("A", ["Lúc"], [[moment]])]))).active
    assert sheet["A2"].value == datetime.datetime(2024, 2, 5, 8, 30)
    assert sheet["A2"].number_format == "DD/MM/YYYY HH:MM"
    assert "05/02/2024 08:30" in write_csv(Sheet("A", ["Lúc"], [[moment]])).decode("utf-8-sig")


def test_csv_is_utf8_with_bom_crlf_and_defused():
    data = write_csv(Sheet("A", ["Tên", "Số"], [["=1+2", -4], ["Sở Y tế", None]]))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    assert list(csv.reader(io.StringIO(text))) == [["Tên", "Số"], ["'=1+2", "-4"], ["Sở Y tế", ""]]


def test_an_exporter_subclass_yields_rows_and_gets_both_formats():
    class Demo(Exporter):
        filename = "Cơ cấu khối Đoàn 2024"

        def headers(self):
            return ["Tên"]

        def rows(self):
            yield ["@cmd"]

    name, content_type, data = Demo().export("xlsx")
    assert name == "co-cau-khoi-doan-2024.xlsx"
    assert content_type.startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(data)).active["A2"].value == "'@cmd"
    name, content_type, data = Demo().export("csv")
    assert (name, content_type) == ("co-cau-khoi-doan-2024.csv", "text/csv; charset=utf-8")
    with pytest.raises(ValueError):
        Demo().export("pdf")


def test_export_response_is_a_private_attachment():
    response = export_response("a.xlsx", "text/csv; charset=utf-8", b"x")
    assert response["Content-Disposition"] == 'attachment; filename="a.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


# --- Recognising the file ------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "Tệp rỗng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97–2003 (.xls)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "tệp PDF"),
        ("Tên cơ quan, đơn vị;Tên viết tắt\nSở Y tế;SYT\n".encode(), "CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "không phải là tệp Excel"),
        (b"PK\x03\x04garbage", "bị hỏng"),
        (_zip({"a.txt": b"hello"}), "không phải là sổ làm việc Excel"),
        (
            _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "x": b""}),
            ".ods",
        ),
        (
            _zip(
                {
                    "[Content_Types].xml": b"<Types><Override ContentType="
                    b'"application/vnd.openxmlformats-officedocument.wordprocessingml.'
                    b'document.main+xml"/></Types>'
                }
            ),
            "không phải sổ làm việc Excel",
        ),
        (
            _zip(
                {
                    "[Content_Types].xml": b"<Types><Override ContentType="
                    b'"application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
                }
            ),
            "macro",
        ),
    ],
    ids=["empty", "xls", "pdf", "csv", "png", "broken-zip", "zip", "ods", "docx", "xlsm"],
)
def test_files_that_are_not_xlsx_are_refused_with_a_clear_message(data, expected):
    with pytest.raises(WorkbookError) as excinfo:
        sniff(data)
    assert expected in messages_of(excinfo)


def test_a_real_workbook_passes_the_sniff():
    sniff(xlsx_bytes(HEADERS, [["Sở Y tế", "", 2024, ""]]))


def test_an_oversized_upload_is_refused(settings):
    settings.UPLOAD_MAX_MB = 1
    with pytest.raises(WorkbookError) as excinfo:
        sniff(b"PK\x03\x04" + b"\x00" * (1024 * 1024 + 1))
    assert "vượt giới hạn 1 MB" in messages_of(excinfo)


def test_a_small_file_that_expands_to_a_huge_sheet_is_refused():
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/worksheets/sheet1.xml": b" " * (70 * 1024 * 1024),
        }
    )
    assert len(bomb) < 200 * 1024
    with pytest.raises(WorkbookError) as excinfo:
        sniff(bomb)
    assert "quá lớn khi giải nén" in messages_of(excinfo)


# --- Headers -------------------------------------------------------------------------------


def test_headers_match_regardless_of_accents_case_spacing_and_punctuation():
    assert header_key(" TÊN CƠ QUAN,  đơn vị ") == header_key("Ten co quan don vi")
    mapping = match_headers(["ten co quan don vi", None, "NĂM"], COLUMNS)
    assert {position: column.key for position, column in mapping.items()} == {
        0: "name",
        2: "year",
    }


def test_missing_unknown_and_repeated_headers_are_listed_together():
    with pytest.raises(WorkbookError) as excinfo:
        match_headers(["Tên viết tắt", "Số điện thoại", "Năm", "Năm"], COLUMNS)
    text = messages_of(excinfo)
    assert "Thiếu cột: “Tên cơ quan, đơn vị”" in text
    assert "Cột không nhận ra: “Số điện thoại”" in text
    assert "Cột bị lặp: “Năm”" in text
    assert "Các cột cần có" in text


# --- Reading rows --------------------------------------------------------------------------


def test_rows_are_read_as_nfc_text_with_numbers_kept_where_asked():
    nfd = unicodedata.normalize("NFD", "Sở Văn hóa")
    data = xlsx_bytes(
        HEADERS,
        [
            [nfd, "SVH", 2024, "dòng 1\ndòng 2"],
            [None, None, None, None],
            ["  Sở   Y tế ", 12, "2025", None],
        ],
    )
    rows = read_sheet(data, COLUMNS)
    assert [row.number for row in rows] == [2, 4]
    first, second = rows
    assert first.values == {
        "name": "Sở Văn hóa",
        "short_name": "SVH",
        "year": 2024,
        "notes": "dòng 1\ndòng 2",
    }
    assert first.notes == ["Ô A2 đã chuẩn hóa Unicode (NFD → NFC)."]
    assert not first.errors
    assert second.values == {"name": "Sở Y tế", "short_name": "12", "year": 2025, "notes": ""}
    assert not second.notes


def test_a_formula_cell_is_a_row_error_naming_the_cell():
    rows = read_sheet(xlsx_bytes(HEADERS, [["Sở Y tế", "=A2", 2024, None]]), COLUMNS)
    assert rows[0].errors == ["Ô B2 chứa công thức; vui lòng nhập giá trị."]


def test_a_formula_in_a_required_cell_is_not_also_reported_missing():
    rows = read_sheet(xlsx_bytes(HEADERS, [['="Sở"&"Y tế"', None, None, None]]), COLUMNS)
    assert rows[0].errors == ["Ô A2 chứa công thức; vui lòng nhập giá trị."]


def test_overlong_missing_and_non_numeric_values_are_row_errors():
    rows = read_sheet(
        xlsx_bytes(HEADERS, [["x" * 21, None, "năm nay", None], [None, "SYT", None, None]]),
        COLUMNS,
    )
    assert rows[0].errors == [
        "Ô A2 (Tên cơ quan, đơn vị) dài 21 ký tự, tối đa 20.",
        "Ô C2 (Năm): “năm nay” không phải là số.",
    ]
    assert rows[1].errors == ["Thiếu “Tên cơ quan, đơn vị”."]


def test_a_defused_value_from_our_own_export_reads_back_as_written():
    rows = read_sheet(xlsx_bytes(HEADERS, [["'=HYPERLINK(1)", None, None, None]]), COLUMNS)
    assert rows[0].values["name"] == "=HYPERLINK(1)"
    assert not rows[0].errors


def test_a_title_row_above_the_header_is_allowed():
    data = xlsx_bytes(HEADERS, [["Sở Y tế", None, None, None]], title_rows=[["DANH SÁCH"], []])
    assert read_sheet(data, COLUMNS)[0].number == 4


def test_a_sheet_without_a_recognisable_header_is_refused():
    with pytest.raises(WorkbookError) as excinfo:
        read_sheet(xlsx_bytes(["a", "b"], [["1", "2"]]), COLUMNS)
    assert "Không tìm thấy dòng tiêu đề" in messages_of(excinfo)


def test_a_sheet_with_only_a_header_is_refused():
    with pytest.raises(WorkbookError) as excinfo:
        read_sheet(xlsx_bytes(HEADERS, []), COLUMNS)
    assert "không có dòng dữ liệu" in messages_of(excinfo)


def test_exactly_the_row_limit_is_accepted():
    rows = read_sheet(
        xlsx_bytes(HEADERS, [[f"Đơn vị {n}"] for n in range(50)]), COLUMNS, max_rows=50
    )
    assert len(rows) == 50


def test_one_row_over_the_limit_is_refused_naming_the_row():
    with pytest.raises(WorkbookError) as excinfo:
        read_sheet(xlsx_bytes(HEADERS, [[f"Đơn vị {n}"] for n in range(51)]), COLUMNS, max_rows=50)
    assert "Dòng 52 vượt giới hạn 50 dòng" in messages_of(excinfo)


def test_five_thousand_rows_exceed_the_default_limit():
    data = xlsx_bytes(HEADERS, [[f"Đơn vị {n}", "", 2024, ""] for n in range(5000)])
    with pytest.raises(WorkbookError) as excinfo:
        read_sheet(data, COLUMNS)
    assert "Dòng 2002 vượt giới hạn 2.000 dòng" in messages_of(excinfo)


@settings(max_examples=30, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=30))
def test_any_text_written_by_the_exporter_reads_back_as_its_normalised_form(text):
    expected, _changed = clean_text(text)
    assume(expected)
    data = write_xlsx([Sheet("Dữ liệu", ["Tên"], [[text]])])
    rows = read_sheet(data, (Column("name", "Tên", required=True),))
    assert rows[0].values["name"] == expected
    assert not rows[0].errors


def test_an_entity_expansion_bomb_inside_the_sheet_is_refused_quickly():
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(["Tên"], [["a"]])))
    entities = '<!ENTITY e0 "ha">' + "".join(
        f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, 10)
    )
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    sheet = sheet[sheet.index("<worksheet") :].replace("<t>a</t>", "<t>&e9;</t>")
    bomb = _zip(
        {
            name: (f"<!DOCTYPE worksheet [{entities}]>" + sheet).encode()
            if name == "xl/worksheets/sheet1.xml"
            else source.read(name)
            for name in source.namelist()
        }
    )
    with pytest.raises(WorkbookError) as excinfo:
        sniff(bomb)  # before any XML parser runs
    assert "DOCTYPE/ENTITY" in messages_of(excinfo)
    with pytest.raises(WorkbookError):
        read_sheet(bomb, (Column("name", "Tên"),))


def test_openpyxl_parses_with_defusedxml_as_a_second_guard():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML

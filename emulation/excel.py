"""The one Excel import/export helper: safe XLSX/CSV writing and a defensive XLSX reader.

Exports: describe a workbook as `Sheet`s (or subclass `Exporter`), get `(filename, content_type,
bytes)` back. Every text cell is defused against spreadsheet formula injection (OWASP "CSV
injection") while numbers stay numbers.

Imports: `read_sheet(data, columns)` checks that the upload really is an XLSX workbook within the
size limits, finds the header row by normalised names, and returns every data row as NFC text
with per-row errors (formula cells, overlong or malformed values) and notes (NFD input
normalised). Problems with the file as a whole raise `WorkbookError`, whose message is Vietnamese
and says what to do. openpyxl is only used at the two edges; everything else is plain functions.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from emulation.text import collapse_spaces, fold, vn_slugify

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# Data rows accepted in one import. A province has at most a few hundred agencies and a few
# hundred communes, so a larger sheet is almost always the wrong file; splitting it is easy.
MAX_ROWS = 2000
# Guards against a small upload that expands to a huge sheet (a "zip bomb").
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_COLUMNS = 60
# The header row is looked for among the first rows (a title line above it is common).
HEADER_SEARCH_ROWS = 10

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_ILLEGAL_XML = dict.fromkeys((*range(0, 9), 11, 12, *range(14, 32)))

_WORKBOOK_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)
_MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


# --- Writing -------------------------------------------------------------------------------


def defuse(value):
    """Make a cell value safe to open in a spreadsheet: text that a spreadsheet would run as a
    formula gets a leading apostrophe; numbers, dates and None pass through unchanged."""
    if value is None or isinstance(
        value, (bool, int, float, Decimal, datetime.date, datetime.datetime)
    ):
        return value
    text = str(value)
    # Text already starting with apostrophes before a trigger gets one more, so that
    # `undefuse` can always remove exactly one and give the original back.
    if text.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def undefuse(text: str) -> str:
    """Undo `defuse` on a value read back from an exported file ("'=A1" → "=A1")."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


@dataclass
class Sheet:
    """One worksheet: a title (≤ 31 characters in Excel), a header row and data rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    # Optional fixed widths (in characters) per column; otherwise measured from the content.
    widths: Sequence[int] | None = None


def _plain_datetime(value):
    """Excel has no time zones: aware datetimes are written in local time."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _xlsx_text(value):
    value = defuse(_plain_datetime(value))
    if isinstance(value, str):
        return value.translate(_ILLEGAL_XML)
    return value


def sheet_title(title: str) -> str:
    """A title Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in str(title)).strip("'")
    return cleaned[:31] or "Sheet"


def _date_text(value) -> str:
    if isinstance(value, datetime.datetime):
        return _plain_datetime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def _measure(values) -> int:
    longest = 0
    for value in values:
        if value is None:
            continue
        text = _date_text(value) if isinstance(value, datetime.date) else str(value)
        longest = max(longest, *(len(line) for line in text.splitlines() or [""]))
    return min(max(longest + 2, 8), 60)


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """Write `sheets` to XLSX bytes: bold frozen header, measured widths, defused text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet_title(sheet.title))
        rows = [[_xlsx_text(value) for value in row] for row in sheet.rows]
        worksheet.append([_xlsx_text(header) for header in sheet.headers])
        for cell in worksheet[1]:
            cell.font = bold
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for row in rows:
            worksheet.append(row)
            if any(isinstance(value, datetime.date) for value in row):
                for cell in worksheet[worksheet.max_row]:
                    if isinstance(cell.value, datetime.datetime):
                        cell.number_format = "DD/MM/YYYY HH:MM"
                    elif isinstance(cell.value, datetime.date):
                        cell.number_format = "DD/MM/YYYY"
        worksheet.freeze_panes = "A2"
        for index, header in enumerate(sheet.headers, start=1):
            if sheet.widths and index <= len(sheet.widths):
                width = sheet.widths[index - 1]
            else:
                width = _measure([header, *(row[index - 1] for row in rows if len(row) >= index)])
            worksheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(sheet: Sheet) -> bytes:
    """Write one sheet as CSV in UTF-8 with a BOM (so Excel shows Vietnamese), text defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([defuse(header) for header in sheet.headers])
    for row in sheet.rows:
        writer.writerow(["" if value is None else _csv_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value):
    if isinstance(value, datetime.date):
        return _date_text(value)
    return defuse(value)


class Exporter:
    """Base for every spreadsheet export: subclass, set `filename` and `title`, implement
    `headers()` and `rows()` (or `sheets()` for several sheets), call `export("xlsx"|"csv")`.

    `filename` is a readable stem ("co-cau-khoi-2024"); the extension is added here.
    """

    filename = "du-lieu"
    title = "Dữ liệu"

    def headers(self) -> Sequence[str]:
        raise NotImplementedError

    def rows(self) -> Iterable[Sequence]:
        raise NotImplementedError

    def sheets(self) -> list[Sheet]:
        return [Sheet(self.title, list(self.headers()), list(self.rows()))]

    def export(self, fmt: str = "xlsx") -> tuple[str, str, bytes]:
        """Return (filename, content_type, bytes); CSV carries the first sheet only."""
        stem = vn_slugify(self.filename) or "du-lieu"
        if fmt == "csv":
            return f"{stem}.csv", CSV_CONTENT_TYPE, write_csv(self.sheets()[0])
        if fmt == "xlsx":
            return f"{stem}.xlsx", XLSX_CONTENT_TYPE, write_xlsx(self.sheets())
        raise ValueError(f"unknown export format {fmt!r}")


def export_response(filename: str, content_type: str, data: bytes) -> HttpResponse:
    """An attachment download for an export (the filename is already an ASCII slug)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Reading -------------------------------------------------------------------------------


class WorkbookError(ValidationError):
    """The upload cannot be read as a whole (wrong type, too big, wrong columns): nothing is
    imported and the message says what to do."""


@dataclass(frozen=True)
class Column:
    """One expected column: `key` for code, `header` as printed in the template.

    `kind` is "text" (NFC, single spaces), "multiline" (NFC, line breaks kept) or "int".
    """

    key: str
    header: str
    required: bool = False
    max_length: int | None = None
    kind: str = "text"
    aliases: tuple[str, ...] = ()


@dataclass
class SheetRow:
    """One data row: its Excel row number, cleaned values by column key, errors and notes."""

    number: int
    values: dict
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def header_key(text) -> str:
    """Compare headers loosely: accents, case, punctuation and spacing do not matter."""
    folded = fold(str(text or ""))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def clean_text(value, *, multiline: bool = False) -> tuple[str, bool]:
    """NFC text with single spaces (or kept line breaks); also whether the input was not NFC."""
    raw = "" if value is None else str(value)
    changed = unicodedata.normalize("NFC", raw) != raw
    if multiline:
        lines = [collapse_spaces(line) for line in raw.replace("\r\n", "\n").split("\n")]
        return "\n".join(lines).strip(), changed
    return collapse_spaces(raw), changed


def sniff(data: bytes) -> None:
    """Raise WorkbookError unless `data` looks like an XLSX workbook (checked by content)."""
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    if not data:
        raise WorkbookError(_("Tệp rỗng (0 byte). Hãy chọn tệp Excel (.xlsx) có dữ liệu."))
    if len(data) > limit:
        raise WorkbookError(
            _("Tệp lớn %(size)s MB, vượt giới hạn %(max)s MB.")
            % {"size": f"{len(data) / 1024 / 1024:.1f}", "max": settings.UPLOAD_MAX_MB}
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise WorkbookError(
            _(
                "Đây là tệp Excel 97–2003 (.xls) hoặc tệp Office cũ, không phải .xlsx. Hãy mở "
                "tệp trong Excel, chọn Lưu thành › Sổ làm việc Excel (.xlsx) rồi tải lên lại."
            )
        )
    if data.startswith(b"%PDF"):
        raise WorkbookError(_("Đây là tệp PDF, không phải tệp Excel (.xlsx)."))
    if not data.startswith(b"PK\x03\x04"):
        if _looks_like_text(data):
            raise WorkbookError(
                _(
                    "Đây là tệp văn bản (CSV hoặc TXT), không phải tệp Excel (.xlsx). Hãy tải "
                    "tệp mẫu, dán dữ liệu vào đó và lưu dạng .xlsx."
                )
            )
        raise WorkbookError(_("Tệp không phải là tệp Excel (.xlsx)."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise WorkbookError(_("Tệp .xlsx bị hỏng, không đọc được.")) from error
    names = {entry.filename for entry in entries}
    if "mimetype" in names and b"opendocument" in _read_member(archive, "mimetype"):
        raise WorkbookError(
            _("Đây là tệp OpenDocument (.ods). Hãy lưu lại dưới dạng Sổ làm việc Excel (.xlsx).")
        )
    if "[Content_Types].xml" not in names:
        raise WorkbookError(_("Tệp nén không phải là sổ làm việc Excel (.xlsx)."))
    if len(entries) > MAX_ZIP_ENTRIES or (
        sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES
    ):
        raise WorkbookError(
            _(
                "Nội dung tệp quá lớn khi giải nén (quá %(max)s MB). Hãy xóa các dòng, cột, "
                "định dạng thừa hoặc chia tệp."
            )
            % {"max": MAX_UNCOMPRESSED_BYTES // 1024 // 1024}
        )
    content_types = _read_member(archive, "[Content_Types].xml")
    if _MACRO_WORKBOOK_TYPE.encode() in content_types:
        raise WorkbookError(
            _("Tệp có macro (.xlsm) không được chấp nhận. Hãy lưu lại dưới dạng .xlsx.")
        )
    if not any(kind.encode() in content_types for kind in _WORKBOOK_TYPES):
        raise WorkbookError(_("Tệp là tài liệu Office nhưng không phải sổ làm việc Excel (.xlsx)."))
    _refuse_xml_declarations(archive, entries)


def _refuse_xml_declarations(archive: zipfile.ZipFile, entries) -> None:
    """Excel never writes a DOCTYPE: one in any part is an entity-expansion ("billion laughs")
    or external-entity attack, refused before any XML parser sees it. defusedxml, which openpyxl
    uses when installed, refuses it again should a declaration hide further in."""
    for entry in entries:
        if not entry.filename.endswith((".xml", ".rels", ".vml")):
            continue
        head = _read_member(archive, entry.filename)[: 64 * 1024].upper()
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise WorkbookError(
                _(
                    "Tệp .xlsx có khai báo XML (DOCTYPE/ENTITY) mà Excel không bao giờ tạo ra, "
                    "có thể là tệp độc hại; tệp không được đọc. Hãy mở bằng Excel, lưu lại "
                    "dạng .xlsx rồi tải lên lại."
                )
            )


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as member:
            return member.read(1024 * 1024)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise WorkbookError(_("Tệp .xlsx bị hỏng, không đọc được.")) from error


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte letter cut at the 4 KB boundary is still text.
        return error.start >= len(head) - 3
    return True


def _cell_text(value, number_format: str = "") -> str:
    """A cell as the person sees it in Excel: a percent-formatted 0.8 is "80%"."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float) and "%" in (number_format or ""):
        percent = (Decimal(str(value)) * 100).normalize()
        return f"{percent:f}%"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _is_formula(cell) -> bool:
    return getattr(cell, "data_type", None) == "f"


def match_headers(found: Sequence, columns: Sequence[Column]) -> dict[int, Column]:
    """Map sheet column positions to expected columns; WorkbookError lists missing, unknown and
    repeated headers together so the user fixes them in one go."""
    wanted: dict[str, Column] = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            wanted[header_key(name)] = column
    mapping: dict[int, Column] = {}
    unknown, repeated = [], []
    for position, raw in enumerate(found):
        key = header_key(raw)
        if not key:
            continue
        column = wanted.get(key)
        if column is None:
            unknown.append(collapse_spaces(str(raw)))
        elif column in mapping.values():
            repeated.append(column.header)
        else:
            mapping[position] = column
    missing = [column.header for column in columns if column.required]
    missing = [name for name in missing if name not in {c.header for c in mapping.values()}]
    problems = []
    if missing:
        problems.append(_("Thiếu cột: %(names)s.") % {"names": _quoted(missing)})
    if unknown:
        problems.append(_("Cột không nhận ra: %(names)s.") % {"names": _quoted(unknown)})
    if repeated:
        problems.append(_("Cột bị lặp: %(names)s.") % {"names": _quoted(repeated)})
    if problems:
        problems.append(
            _("Các cột cần có (theo tệp mẫu): %(names)s.")
            % {"names": _quoted([column.header for column in columns])}
        )
        raise WorkbookError(problems)
    return mapping


def _quoted(names) -> str:
    return ", ".join(f"“{name}”" for name in names)


def clean_row(number: int, cells: Sequence, mapping: dict[int, Column]) -> SheetRow:
    """Turn one sheet row (openpyxl cells or stand-ins with .value/.data_type/.coordinate)
    into a SheetRow with NFC values, formula and length errors, and NFD notes."""
    row = SheetRow(number=number, values={column.key: "" for column in mapping.values()})
    formula_keys = set()
    for position, column in mapping.items():
        cell = cells[position] if position < len(cells) else None
        value = getattr(cell, "value", None)
        if value is None:
            continue
        coordinate = getattr(cell, "coordinate", None) or f"{column.header}{number}"
        if _is_formula(cell):
            formula_keys.add(column.key)
            row.errors.append(
                _("Ô %(cell)s chứa công thức; vui lòng nhập giá trị.") % {"cell": coordinate}
            )
            continue
        raw = undefuse(_cell_text(value, getattr(cell, "number_format", "")).lstrip(" "))
        text, was_nfd = clean_text(raw, multiline=column.kind == "multiline")
        if was_nfd:
            row.notes.append(
                _("Ô %(cell)s đã chuẩn hóa Unicode (NFD → NFC).") % {"cell": coordinate}
            )
        if column.kind == "int" and text:
            try:
                row.values[column.key] = int(text)
            except ValueError:
                row.errors.append(
                    _("Ô %(cell)s (%(column)s): “%(value)s” không phải là số.")
                    % {"cell": coordinate, "column": column.header, "value": text[:50]}
                )
            continue
        if column.max_length and len(text) > column.max_length:
            row.errors.append(
                _("Ô %(cell)s (%(column)s) dài %(length)s ký tự, tối đa %(max)s.")
                % {
                    "cell": coordinate,
                    "column": column.header,
                    "length": len(text),
                    "max": column.max_length,
                }
            )
        row.values[column.key] = text
    for column in mapping.values():
        if column.required and column.key not in formula_keys and row.values[column.key] == "":
            row.errors.append(_("Thiếu “%(column)s”.") % {"column": column.header})
    return row


def _blank(cells) -> bool:
    return all(
        cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())
        for cell in cells
    )


def read_sheet(
    data: bytes, columns: Sequence[Column], *, max_rows: int = MAX_ROWS
) -> list[SheetRow]:
    """Read the first worksheet of an uploaded XLSX into SheetRows (blank rows skipped).

    Raises WorkbookError when the file is not a usable workbook, the header does not match
    `columns`, there are no data rows, or there are more than `max_rows` data rows.
    """
    from openpyxl import load_workbook

    sniff(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for damaged files.
        raise WorkbookError(_("Tệp .xlsx bị hỏng, không đọc được.")) from error
    try:
        if not workbook.worksheets:
            raise WorkbookError(_("Sổ làm việc không có trang tính nào."))
        worksheet = workbook.worksheets[0]
        rows_iter = worksheet.iter_rows(max_col=MAX_COLUMNS)
        mapping, header_number = _find_header(rows_iter, columns)
        result = []
        for counted, cells in enumerate(rows_iter, start=header_number + 1):
            if _blank(cells):
                continue
            number = next((cell.row for cell in cells if getattr(cell, "row", None)), counted)
            if len(result) >= max_rows:
                raise WorkbookError(
                    _(
                        "Dòng %(row)s vượt giới hạn %(max)s dòng dữ liệu cho một lần nhập. Hãy "
                        "chia thành nhiều tệp. Chưa có thay đổi nào."
                    )
                    % {"row": number, "max": f"{max_rows:,}".replace(",", ".")}
                )
            result.append(clean_row(number, cells, mapping))
    except WorkbookError:
        raise
    except Exception as error:
        raise WorkbookError(_("Tệp .xlsx bị hỏng, không đọc được.")) from error
    finally:
        workbook.close()
    if not result:
        raise WorkbookError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    return result


def _find_header(rows_iter, columns) -> tuple[dict[int, Column], int]:
    known = {header_key(name) for column in columns for name in (column.header, *column.aliases)}
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        cells = next(rows_iter, None)
        if cells is None:
            break
        values = [getattr(cell, "value", None) for cell in cells]
        if any(header_key(value) in known for value in values if isinstance(value, str)):
            return match_headers(values, columns), number
    raise WorkbookError(
        [
            _("Không tìm thấy dòng tiêu đề trong %(n)s dòng đầu.") % {"n": HEADER_SEARCH_ROWS},
            _("Các cột cần có (theo tệp mẫu): %(names)s.")
            % {"names": _quoted([column.header for column in columns])},
        ]
    )

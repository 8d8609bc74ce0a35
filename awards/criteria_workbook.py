"""The criteria table as a workbook, both ways: province staff download a table (or the example),
edit it in Excel and upload it as the next version through the one import pipeline.

One row per heading or criterion, in the order printed; the code is the tree (I, I.1, I.1.a).
Cells are read as a person writes them: "Điểm thưởng" or "bonus", "Có" or "x", "50" or "50%".
An empty "Cách chấm" is a heading when the row has no points, a scored criterion otherwise; an
empty "Loại điểm" is the heading's above it, so the bonus items under "V. Điểm thưởng" need
nothing more. Every row is checked with `services.scoring.clean_rows` before anything is saved.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from awards.models import CriteriaSet, Criterion
from awards.seed import example_criteria_rows
from awards.services import scoring as services
from emulation.excel import Column, Exporter, Sheet, header_key, read_sheet
from emulation.pipeline import serialise_imports

# The file format shared with the template: always Vietnamese.
COLUMNS = (
    Column("code", "Mã", required=True, max_length=20, aliases=("Mã tiêu chí", "Số TT")),
    Column(
        "title",
        "Nội dung tiêu chí",
        required=True,
        max_length=1000,
        kind="multiline",
        aliases=("Tiêu chí", "Nội dung"),
    ),
    Column("kind", "Cách chấm", max_length=60),
    Column("section", "Loại điểm", max_length=60),
    Column("max_points", "Điểm tối đa", max_length=20, aliases=("Điểm chuẩn", "Điểm")),
    Column("evidence_required", "Cần minh chứng", max_length=20, aliases=("Minh chứng",)),
    Column("zero_at", "Tỷ lệ không được điểm (%)", max_length=20),
    Column("full_at", "Tỷ lệ đạt điểm tối đa (%)", max_length=20),
    Column("guidance", "Hướng dẫn chấm", max_length=2000, kind="multiline"),
)
KIND_WORDS = {
    Criterion.Kind.HEADING: "Mục",
    Criterion.Kind.POINTS: "Chấm điểm",
    Criterion.Kind.YES_NO: "Đạt/không đạt",
    Criterion.Kind.RATE: "Theo tỷ lệ chỉ tiêu",
}
SECTION_WORDS = {
    Criterion.Section.NORMAL: "Điểm chuẩn",
    Criterion.Section.BONUS: "Điểm thưởng",
    Criterion.Section.PENALTY: "Điểm trừ",
}
# Other ways the same choice is written in provinces' tables.
KIND_ALIASES = {
    "Tiêu đề": Criterion.Kind.HEADING,
    "Điểm": Criterion.Kind.POINTS,
    "Đạt": Criterion.Kind.YES_NO,
    "Có/không": Criterion.Kind.YES_NO,
    "Theo tỷ lệ": Criterion.Kind.RATE,
    "Tỷ lệ": Criterion.Kind.RATE,
}
SECTION_ALIASES = {"Chuẩn": Criterion.Section.NORMAL, "Thưởng": Criterion.Section.BONUS}
SECTION_ALIASES["Trừ"] = Criterion.Section.PENALTY
YES = {"co", "x", "1", "yes", "true", "can"}
NO = {"", "khong", "0", "no", "false"}
HUNDRED = Decimal(100)
# A table has a few dozen rows; hundreds mean the wrong file.
MAX_CRITERIA_ROWS = 500


def _lookup(words: dict, choices, aliases: dict) -> dict[str, str]:
    """Every way a person may write a choice: our word, the code, the page's label, an alias."""
    found = {header_key(alias): value for alias, value in aliases.items()}
    for value, word in words.items():
        found[header_key(word)] = value
        found[header_key(value)] = value
    with translation.override("vi"):
        for value, label in choices:
            found[header_key(str(label))] = value
    return found


def _percent(text: str, default: str, label: str, code: str, problems: list) -> str:
    """ "50", "50%" → "0.5" (the model keeps a rate, 1 = 100 %, in whole percent)."""
    text = text.strip().rstrip("%").strip().replace(",", ".")
    if not text:
        return default
    try:
        percent = Decimal(text)
    except InvalidOperation:
        percent = None
    if percent is None or not percent.is_finite() or percent != percent.to_integral_value():
        problems.append(
            _(
                "Tiêu chí %(code)s: %(label)s “%(value)s” cần là một số phần trăm nguyên, "
                "ví dụ 50%%."
            )
            % {"code": code, "label": label, "value": text[:20]}
        )
        return default
    return str(percent / HUNDRED)


def _points(value) -> Decimal:
    """A row's points for the preview's sums; text that is not a number (reported) adds 0."""
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return Decimal(0)
    return number if number.is_finite() else Decimal(0)


@dataclass
class CriteriaPreview:
    """What an upload would save: the rows as the table will read, and every problem."""

    rows: list[dict]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems

    def _sum(self, section) -> Decimal:
        return sum(
            (
                _points(row["max_points"])
                for row in self.rows
                if row["kind"] != Criterion.Kind.HEADING and row["section"] == section
            ),
            Decimal(0),
        )

    @property
    def standard_points(self) -> Decimal:
        return self._sum(Criterion.Section.NORMAL)

    @property
    def bonus_points(self) -> Decimal:
        return self._sum(Criterion.Section.BONUS)

    @property
    def penalty_points(self) -> Decimal:
        return self._sum(Criterion.Section.PENALTY)

    @property
    def display_rows(self) -> list[dict]:
        return [
            row
            | {
                "kind_label": Criterion.Kind(row["kind"]).label,
                "section_label": Criterion.Section(row["section"]).label,
            }
            for row in self.rows
        ]

    @property
    def scored_count(self) -> int:
        return sum(1 for row in self.rows if row["kind"] != Criterion.Kind.HEADING)


def check_sheet(data: bytes) -> None:
    """Refuse a file that is not a criteria workbook at all (the upload step)."""
    read_sheet(data, COLUMNS, max_rows=MAX_CRITERIA_ROWS)


def rows_from_sheet(data: bytes) -> CriteriaPreview:
    """Read an uploaded table into criteria rows and check it as a whole; writes nothing."""
    kinds = _lookup(KIND_WORDS, Criterion.Kind.choices, KIND_ALIASES)
    sections = _lookup(SECTION_WORDS, Criterion.Section.choices, SECTION_ALIASES)
    problems, rows, heading_section = [], [], {}
    for sheet_row in read_sheet(data, COLUMNS, max_rows=MAX_CRITERIA_ROWS):
        values = sheet_row.values
        code = values["code"].strip().rstrip(".")
        label = _("Dòng %(row)s") % {"row": sheet_row.number}
        problems.extend(f"{label}: {error}" for error in sheet_row.errors)
        if sheet_row.errors:
            continue
        kind_text, section_text = header_key(values["kind"]), header_key(values["section"])
        kind = kinds.get(kind_text) if kind_text else None
        if kind_text and kind is None:
            problems.append(
                _("%(row)s: cách chấm “%(value)s” không có; ghi một trong: %(allowed)s.")
                % {
                    "row": label,
                    "value": values["kind"],
                    "allowed": ", ".join(KIND_WORDS.values()),
                }
            )
            continue
        if kind is None:
            kind = Criterion.Kind.POINTS if values["max_points"] else Criterion.Kind.HEADING
        section = sections.get(section_text) if section_text else None
        if section_text and section is None:
            problems.append(
                _("%(row)s: loại điểm “%(value)s” không có; ghi một trong: %(allowed)s.")
                % {
                    "row": label,
                    "value": values["section"],
                    "allowed": ", ".join(SECTION_WORDS.values()),
                }
            )
            continue
        if section is None:
            section = heading_section.get(services.parent_code(code), Criterion.Section.NORMAL)
        if kind == Criterion.Kind.HEADING:
            heading_section[code] = section
        evidence = header_key(values["evidence_required"])
        if evidence not in YES | NO:
            problems.append(_("%(row)s: “Cần minh chứng” ghi Có hoặc để trống.") % {"row": label})
            continue
        rows.append(
            {
                "row": sheet_row.number,
                "code": code,
                "title": values["title"],
                "kind": kind,
                "section": section,
                "max_points": values["max_points"] or "0",
                "evidence_required": evidence in YES,
                "zero_at": _percent(
                    values["zero_at"], "0", _("tỷ lệ không được điểm"), code, problems
                ),
                "full_at": _percent(
                    values["full_at"], "1", _("tỷ lệ đạt điểm tối đa"), code, problems
                ),
                "guidance": values["guidance"],
            }
        )
    if not problems:
        try:
            rows = services.clean_rows(rows)
        except ValidationError as error:
            problems.extend(error.messages)
    return CriteriaPreview(rows=rows, problems=problems)


def commit_sheet(data: bytes, options: dict, *, actor) -> CriteriaSet:
    """Save a clean upload as the next version of the province's table (the pipeline holds the
    transaction); refuses the whole file while any row is wrong."""
    serialise_imports()
    preview = rows_from_sheet(data)
    if not preview.ok:
        raise ValidationError(preview.problems)
    return services.save_province_criteria(
        year=int(options["year"]),
        bloc_kind=options["bloc_kind"],
        title=options["title"],
        rows=preview.rows,
        bonus_cap=Decimal(options["bonus_cap"]) if options.get("bonus_cap") else None,
        actor=actor,
    )


def _cells(row: dict) -> list:
    rate = row["kind"] == Criterion.Kind.RATE
    scored = row["kind"] != Criterion.Kind.HEADING
    return [
        row["code"],
        row["title"],
        KIND_WORDS[row["kind"]],
        SECTION_WORDS[row["section"]],
        Decimal(str(row["max_points"])) if scored else None,
        "Có" if row["evidence_required"] else "",
        Decimal(str(row["zero_at"])) * HUNDRED if rate else None,
        Decimal(str(row["full_at"])) * HUNDRED if rate else None,
        row["guidance"],
    ]


class CriteriaWorkbook(Exporter):
    """A criteria table as the import reads it, with a guide sheet: edit and upload again."""

    def __init__(self, rows: list[dict], *, filename: str):
        self.table_rows = rows
        self.filename = filename
        self.title = "Tiêu chí"

    def sheets(self) -> list[Sheet]:
        guide = [
            ["Mã", "Mã theo cây: I, I.1, I.1.a; mục cha đứng trước mục con."],
            ["Nội dung tiêu chí", "Tên mục hoặc nội dung tiêu chí, như in trong bảng."],
            ["Cách chấm", "Một trong: " + ", ".join(KIND_WORDS.values()) + "."],
            ["", "Để trống: dòng không có điểm là mục, có điểm là tiêu chí chấm điểm."],
            ["Loại điểm", "Một trong: " + ", ".join(SECTION_WORDS.values()) + "."],
            ["", "Để trống: theo mục cha (các dòng dưới mục Điểm thưởng là điểm thưởng)."],
            ["Điểm tối đa", "Số điểm, ví dụ 10 hoặc 2,5; mục để trống."],
            ["Cần minh chứng", "Có hoặc để trống."],
            ["Tỷ lệ (%)", "Chỉ với cách chấm theo tỷ lệ: không được điểm đến, đạt tối đa từ."],
            ["", "Không nhập công thức. Tải lên là tạo phiên bản mới; bản cũ vẫn giữ."],
        ]
        return [
            Sheet(
                self.title,
                [column.header for column in COLUMNS],
                [_cells(row) for row in self.table_rows],
                widths=[8, 70, 18, 14, 12, 14, 14, 14, 50],
            ),
            Sheet("Hướng dẫn", ["Cột", "Cách ghi"], guide, widths=[20, 90]),
        ]


def criteria_workbook(criteria_set: CriteriaSet) -> tuple[str, str, bytes]:
    with translation.override("vi"):
        name = f"tieu chi cham diem {criteria_set.get_bloc_kind_display()} {criteria_set.year}"
        exporter = CriteriaWorkbook(
            services.criteria_rows(criteria_set), filename=f"{name} v{criteria_set.version}"
        )
        return exporter.export("xlsx")


def example_workbook() -> tuple[str, str, bytes]:
    """The seeded example table as the upload template."""
    rows = services.clean_rows(example_criteria_rows())
    with translation.override("vi"):
        return CriteriaWorkbook(rows, filename="mau bang tieu chi cham diem").export()

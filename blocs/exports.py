"""Spreadsheet exports of the province's structure: import templates and a year's structure.

The year structure is written in exactly the membership-import format (first sheet), so a
downloaded year re-imports unchanged; a second sheet is the year overview table for reading.
Files are always Vietnamese (they are a data format shared with the importer).
"""

from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _

from blocs.imports import (
    AGENCY_COLUMNS,
    DEPUTY,
    HEAD,
    MEMBERSHIP_COLUMNS,
    ROLE_VALUES,
)
from blocs.models import Agency, BlocYear, Membership
from blocs.overview import overview_columns
from emulation.excel import MAX_ROWS, Exporter, Sheet
from emulation.text import vn_sort_key

GUIDE_HEADERS = ["Cột", "Bắt buộc", "Cách ghi"]


def _headers(columns) -> list[str]:
    return [column.header for column in columns]


def _guide(rows: list[list[str]], extra: list[str]) -> Sheet:
    notes = [[text, "", ""] for text in extra]
    return Sheet("Hướng dẫn", GUIDE_HEADERS, [*rows, ["", "", ""], *notes], widths=[28, 10, 90])


class AgencyTemplate(Exporter):
    """The agency import template: the columns, one example row and a guide sheet."""

    filename = "mau-nhap-danh-muc-don-vi"
    title = "Đơn vị"

    def sheets(self):
        kinds = ", ".join(str(label) for _code, label in Agency.Kind.choices)
        example = ["Sở Y tế", "SYT", str(Agency.Kind.DEPARTMENT.label), ""]
        guide = [
            [AGENCY_COLUMNS[0].header, _("Có"), _("Tên chính thức, tối đa 300 ký tự.")],
            [AGENCY_COLUMNS[1].header, _("Không"), _("Tối đa 100 ký tự.")],
            [AGENCY_COLUMNS[2].header, _("Có"), _("Một trong: %(kinds)s.") % {"kinds": kinds}],
            [AGENCY_COLUMNS[3].header, _("Không"), _("Ghi chú tự do.")],
        ]
        extra = [
            _("Xóa dòng ví dụ trước khi nhập. Mỗi đơn vị một dòng; dòng tiêu đề giữ nguyên."),
            _(
                "Đơn vị đã có (trùng tên, không phân biệt chữ hoa/thường) được cập nhật; ô để "
                "trống giữ nguyên giá trị đang có; tên đơn vị không bị đổi khi nhập."
            ),
            _("Không nhập công thức; tối đa %(max)s dòng mỗi lần.") % {"max": MAX_ROWS},
        ]
        return [Sheet(self.title, _headers(AGENCY_COLUMNS), [example]), _guide(guide, extra)]


class MembershipTemplate(Exporter):
    """The membership import template: the columns, one example row and a guide sheet."""

    filename = "mau-nhap-thanh-vien-khoi"
    title = "Thành viên khối"

    def sheets(self):
        example = [
            2025,
            "Khối thi đua Văn hóa - Xã hội",
            "KTĐVHXH",
            "Sở Y tế",
            "Nguyễn Thị Minh Hằng",
            "Giám đốc",
            ROLE_VALUES[HEAD],
        ]
        guide = [
            ["Năm", _("Có"), _("Năm thi đua, ví dụ 2025. Cả tệp chỉ một năm.")],
            ["Khối thi đua", _("Có"), _("Tên khối. Khối mới được tạo khi mã khối là mới.")],
            ["Mã khối", _("Có với khối mới"), _("Dùng trong số văn bản, ví dụ KTĐVHXH.")],
            ["Đơn vị", _("Có"), _("Tên cơ quan, đơn vị như trong danh mục.")],
            ["Người ký", _("Không"), _("Lãnh đạo ký giao ước thay mặt đơn vị năm đó.")],
            ["Chức vụ người ký", _("Không"), _("Ví dụ: Giám đốc, Chủ tịch.")],
            [
                "Vai trò",
                _("Không"),
                _("Để trống, hoặc %(head)s, hoặc %(deputy)s; mỗi khối một trưởng, một phó.")
                % {"head": ROLE_VALUES[HEAD], "deputy": ROLE_VALUES[DEPUTY]},
            ],
        ]
        extra = [
            _("Xóa dòng ví dụ trước khi nhập. Mỗi đơn vị một dòng; dòng tiêu đề giữ nguyên."),
            _(
                "Mỗi đơn vị chỉ thuộc một khối trong một năm. Nhập chỉ thêm thành viên và cập nhật "
                "người ký, trưởng/phó khối; không rút thành viên nào khỏi khối."
            ),
            _(
                "Đơn vị chưa có trong danh mục được tạo với loại hình “Khác”. Ô để trống giữ "
                "nguyên giá trị đang có."
            ),
            _("Không nhập công thức; tối đa %(max)s dòng mỗi lần.") % {"max": MAX_ROWS},
        ]
        return [
            Sheet(self.title, _headers(MEMBERSHIP_COLUMNS), [example]),
            _guide(guide, extra),
        ]


def structure_rows(year: int) -> list[list]:
    """One year's memberships in the import format: bloc by bloc, head, deputy, then members."""
    # Names as they stood that year; the import reads them back for the same year.
    memberships = (
        Membership.objects.filter(year=year).as_of_year().select_related("bloc_year__bloc")
    )
    rows = []
    for membership in memberships:
        bloc_year = membership.bloc_year
        role = ""
        if membership.agency_id == bloc_year.head_id:
            role = HEAD
        elif membership.agency_id == bloc_year.deputy_id:
            role = DEPUTY
        rank = {HEAD: 0, DEPUTY: 1}.get(role, 2)
        sort_key = (vn_sort_key(bloc_year.bloc.name), rank, vn_sort_key(membership.agency.name))
        rows.append(
            (
                sort_key,
                [
                    year,
                    bloc_year.bloc.name,
                    bloc_year.bloc.code,
                    membership.agency.name,
                    membership.signatory_name,
                    membership.signatory_title,
                    ROLE_VALUES.get(role, ""),
                ],
            )
        )
    rows.sort(key=lambda item: item[0])
    return [row for _key, row in rows]


class YearStructureExport(Exporter):
    """A year's blocs: the membership sheet (re-importable) and the overview table."""

    title = "Thành viên khối"

    def __init__(self, year: int):
        self.year = year
        self.filename = f"co-cau-khoi-thi-dua-{year}"

    def headers(self):
        return _headers(MEMBERSHIP_COLUMNS)

    def rows(self):
        return structure_rows(self.year)

    def overview_sheet(self) -> Sheet:
        bloc_years = list(
            BlocYear.objects.with_people()
            .filter(year=self.year)
            .annotate(member_count=Count("memberships"))
        )
        bloc_years.sort(key=lambda by: vn_sort_key(by.bloc.name))
        extra = overview_columns(bloc_years)
        headers = [
            "Khối thi đua",
            "Mã khối",
            "Trưởng khối",
            "Phó khối",
            "Số thành viên",
            "Lãnh đạo phụ trách",
            *(str(column.title) for column in extra),
        ]
        rows = [
            [
                by.bloc.name,
                by.bloc.code,
                by.head.name if by.head else "",
                by.deputy.name if by.deputy else "",
                by.member_count,
                ", ".join(part for part in (by.liaison_name, by.liaison_title) if part),
                *(column.cell(by.pk) for column in extra),
            ]
            for by in bloc_years
        ]
        totals = ["Tổng cộng", "", "", "", sum(by.member_count for by in bloc_years), ""]
        rows.append([*totals, *(column.total for column in extra)])
        return Sheet(f"Tổng quan {self.year}", headers, rows)

    def sheets(self):
        return [Sheet(self.title, self.headers(), self.rows()), self.overview_sheet()]


def template_workbook(kind: str) -> tuple[str, str, bytes]:
    """The import template for `kind` ("agencies" or "memberships") as an XLSX download."""
    exporter = {"agencies": AgencyTemplate, "memberships": MembershipTemplate}[kind]()
    with translation.override("vi"):
        return exporter.export("xlsx")


def year_structure(year: int, fmt: str = "xlsx") -> tuple[str, str, bytes]:
    """A year's structure (membership-import format, plus the overview sheet in XLSX)."""
    with translation.override("vi"):
        return YearStructureExport(year).export(fmt)

"""The account import: one row per officer (username, name, position, email, agency, kind).

New accounts get no usable password: the result page gives each a one-time set-password link
(or mails it). An existing username is updated (empty cells keep what the portal has) but never
changes kind: that is done on the account page, where the last staff member is protected.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from blocs.imports.common import (
    AgencyIndex,
    ImportPlan,
    ImportRefused,
    PlanRow,
    RowStatus,
    finish_row,
    mark_duplicates,
    name_key,
    quote,
    row_context,
)
from blocs.models import Agency
from blocs.services import accounts as services
from emulation.excel import MAX_ROWS, Column, Exporter, Sheet, SheetRow, header_key, read_sheet
from emulation.models import User
from emulation.pipeline import serialise_imports

# Column headers are the file format shared with the template: always Vietnamese.
ACCOUNT_COLUMNS = (
    Column("username", "Tên đăng nhập", required=True, max_length=services.USERNAME_MAX),
    Column("full_name", "Họ và tên", required=True, max_length=150),
    Column("position", "Chức vụ", max_length=150),
    Column("email", "Thư điện tử", max_length=254, aliases=("Email",)),
    Column("agency", "Đơn vị", max_length=300, aliases=("Tên đơn vị", "Cơ quan, đơn vị")),
    Column("kind", "Loại tài khoản", max_length=100, aliases=("Vai trò",)),
)
KIND_VALUES = {
    services.AccountKind.OFFICER: "Cán bộ đơn vị",
    services.AccountKind.STAFF: "Cán bộ tỉnh",
    services.AccountKind.READER: "Theo dõi",
}
UPDATABLE = ("full_name", "position", "email")
GUIDE_HEADERS = ["Cột", "Bắt buộc", "Cách ghi"]


def _kind_lookup() -> dict[str, services.AccountKind]:
    lookup = {}
    for kind, value in KIND_VALUES.items():
        lookup[header_key(value)] = kind
        lookup[header_key(kind.value)] = kind
        with translation.override("vi"):
            lookup[header_key(str(services.KIND_LABELS[kind]))] = kind
    return lookup


def _kind(row: PlanRow, lookup) -> services.AccountKind | None:
    """The row's kind, or None when the cell is empty (an existing account keeps its kind)."""
    raw = row.values["kind"]
    if not raw:
        return None
    kind = lookup.get(header_key(raw))
    if kind is None:
        allowed = ", ".join(quote(value) for value in KIND_VALUES.values())
        row.errors.append(
            _("Loại tài khoản %(value)s không có; chọn một trong: %(allowed)s.")
            % {"value": quote(raw), "allowed": allowed}
        )
    return kind


def _agency(row: PlanRow, index: AgencyIndex, short_names: dict) -> Agency | None:
    name = row.values["agency"]
    if not name:
        return None
    agency = index.find(name, row)
    if agency is None and not row.errors:
        matches = short_names.get(name_key(name), [])
        if len(matches) == 1:
            agency = matches[0]
        else:
            row.errors.append(_("Không có đơn vị %(name)s trong danh mục.") % {"name": quote(name)})
    if agency is not None and not agency.is_active:
        row.errors.append(
            _("%(name)s không còn hoạt động; hãy ghi đơn vị kế thừa.") % {"name": quote(name)}
        )
    return agency


def _clean_username(row: PlanRow) -> str:
    """The row's username as stored, or "" with the reason added to the row's errors."""
    try:
        services.clean_email(row.values["email"])
    except ValidationError as error:
        row.errors.extend(error.messages)
    if not row.values["username"]:
        return ""
    try:
        return services.clean_username(row.values["username"])
    except ValidationError as error:
        row.errors.extend(error.messages)
        return ""


def _plan_existing(row: PlanRow, user: User, kind, agency) -> None:
    row.agency_ref = ("db", user.pk)
    if kind is not None and kind != services.kind_of(user):
        row.errors.append(
            _("Tài khoản %(username)s là %(old)s: đổi loại tài khoản ở trang tài khoản.")
            % {
                "username": quote(user.username),
                "old": services.KIND_LABELS[services.kind_of(user)],
            }
        )
    labels = {column.key: column.header for column in ACCOUNT_COLUMNS}
    for name in UPDATABLE:
        value = row.values[name]
        if value and value != getattr(user, name):
            row.updates[name] = value
            row.changes.append(f"{labels[name]}: {getattr(user, name) or '—'} → {value}")
    if agency is not None and agency.pk != user.agency_id:
        row.updates["agency"] = agency
        row.changes.append(f"{labels['agency']}: {user.agency or '—'} → {agency}")
    finish_row(row, RowStatus.UPDATE if row.updates else RowStatus.UNCHANGED)


def plan_accounts(sheet_rows: list[SheetRow]) -> ImportPlan:
    """Compare account rows with the accounts and the registry (a few queries in all)."""
    index = AgencyIndex.load()
    short_names = {}
    for agency in index.by_id.values():
        if agency.short_name:
            short_names.setdefault(name_key(agency.short_name), []).append(agency)
    kinds = _kind_lookup()
    rows = [PlanRow(r.number, dict(r.values), list(r.errors), list(r.notes)) for r in sheet_rows]
    mark_duplicates(
        rows, lambda row: row.values["username"].lower(), lambda row: row.values["username"]
    )
    usernames = {row.values["username"].lower() for row in rows}
    # Older accounts (made in the admin) may carry capitals: match them case-insensitively.
    matching = (
        services.accounts_queryset().annotate(key=Lower("username")).filter(key__in=usernames)
    )
    existing = {user.key: user for user in matching}
    for row in rows:
        kind = _kind(row, kinds)
        agency = _agency(row, index, short_names)
        username = _clean_username(row)
        if row.errors:
            finish_row(row, RowStatus.ERROR)
        elif username in existing:
            _plan_existing(row, existing[username], kind, agency)
        else:
            if kind is None:
                kind = services.AccountKind.OFFICER if agency else services.AccountKind.READER
            row.updates = {
                "username": username,
                "full_name": row.values["full_name"],
                "position": row.values["position"],
                "email": row.values["email"],
                "agency": agency,
                "kind": kind,
            }
            try:
                services.check_kind(kind, agency)
            except ValidationError as error:
                row.errors.extend(error.messages)
            finish_row(row, RowStatus.NEW)
    return ImportPlan(kind="accounts", rows=rows)


def preview_accounts(data: bytes) -> ImportPlan:
    """Read the workbook and say what a commit would do; writes nothing."""
    plan = plan_accounts(read_sheet(data, ACCOUNT_COLUMNS))
    for row in plan.rows:
        row.cells = [row.values.get(column.key, "") for column in ACCOUNT_COLUMNS]
    return plan


def apply_accounts(data: bytes, *, actor) -> list[User]:
    """Create and update the accounts through the audited services; returns the new accounts.
    The caller (the import pipeline) holds the transaction."""
    serialise_imports()
    plan = preview_accounts(data)
    if plan.has_errors:
        raise ImportRefused(
            _("Tệp còn %(count)s dòng lỗi: hãy sửa tệp và tải lên lại. Chưa có thay đổi nào.")
            % {"count": plan.error_count}
        )
    created = []
    for row in plan.rows:
        with row_context(row):
            if row.status == RowStatus.NEW:
                created.append(services.create_account(actor=actor, **row.updates))
            elif row.status == RowStatus.UPDATE:
                user = User.objects.get(pk=row.agency_ref[1])
                services.update_account(user, actor=actor, **row.updates)
    return created


@transaction.atomic
def commit_accounts(data: bytes, *, actor) -> list[User]:
    """Apply the workbook all-or-nothing, in a transaction of its own."""
    return apply_accounts(data, actor=actor)


class AccountTemplate(Exporter):
    """The account import template: the columns, one example row and a guide sheet."""

    filename = "mau-nhap-tai-khoan"
    title = "Tài khoản"

    def sheets(self):
        kinds = ", ".join(KIND_VALUES.values())
        example = [
            "syt.nguyenvana",
            "Nguyễn Văn A",
            "Chánh Văn phòng",
            "nguyenvana@example.gov.vn",
            "Sở Y tế",
            KIND_VALUES[services.AccountKind.OFFICER],
        ]
        guide = [
            ["Tên đăng nhập", "Có", "Chữ cái không dấu, chữ số và . _ - @; không trùng."],
            ["Họ và tên", "Có", "Tối đa 150 ký tự."],
            ["Chức vụ", "Không", "Ví dụ: Chánh Văn phòng."],
            ["Thư điện tử", "Không", "Có địa chỉ thì gửi được đường dẫn đặt mật khẩu qua thư."],
            ["Đơn vị", "Với cán bộ đơn vị", "Tên (hoặc tên viết tắt) như trong danh mục."],
            ["Loại tài khoản", "Không", f"Một trong: {kinds}. Để trống: theo cột Đơn vị."],
        ]
        extra = [
            "Xóa dòng ví dụ trước khi nhập. Mỗi tài khoản một dòng; dòng tiêu đề giữ nguyên.",
            "Tài khoản mới chưa có mật khẩu: trang kết quả cho đường dẫn đặt mật khẩu một lần.",
            "Tài khoản đã có (trùng tên đăng nhập) được cập nhật; ô để trống giữ nguyên.",
            f"Không nhập công thức; tối đa {MAX_ROWS} dòng mỗi lần.",
        ]
        notes = [[text, "", ""] for text in extra]
        return [
            Sheet(self.title, [column.header for column in ACCOUNT_COLUMNS], [example]),
            Sheet("Hướng dẫn", GUIDE_HEADERS, [*guide, ["", "", ""], *notes], widths=[28, 18, 90]),
        ]


def account_template() -> tuple[str, str, bytes]:
    """The account import template as an XLSX download (always Vietnamese)."""
    with translation.override("vi"):
        return AccountTemplate().export("xlsx")

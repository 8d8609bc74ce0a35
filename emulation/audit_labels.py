"""The words of the audit log: a Vietnamese label for every action code and for the keys of an
entry's details, and the scopes (a bloc…) the audit page filters by.

Each app registers its own codes in `AppConfig.ready()` (blocs' codes in blocs, awards' in
awards), so a lower app never names an upper one. An unknown code or key reads as itself.
"""

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Model, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from emulation.hooks import Hook

Label = str | Promise


@dataclass(frozen=True)
class Detail:
    """How one key of an entry's details reads: its label and where its values come from.

    `field` is a model field ("app_label.Model.field") lending its verbose name and choices;
    `model` ("app_label.Model") says the values are that model's ids (or its `by` field, e.g.
    an award type's code), shown by the object's name while it exists; `lines`
    says the value is a list (or text joined with "; "), one item per line; `values` labels
    literal values that have no model field.
    """

    label: Label = ""
    field: str = ""
    model: str = ""
    by: str = "pk"
    lines: bool = False
    values: Mapping[str, Label] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class ActionGroup:
    """The codes of one app, listed together in the audit page's action filter."""

    prefix: str
    label: Label
    actions: Mapping[str, Label]


@dataclass(frozen=True)
class AuditScope:
    """A part of the province an entry can belong to (a bloc): the filter's choices, the
    entries in one of them, and for a page of entries the place each belongs to."""

    param: str
    label: Label
    choices: Callable[[], list[tuple[str, str]]]
    entries_in: Callable[[str], Q]
    places: Callable[[Sequence[Model]], dict[int, str]]


_GROUPS: dict[str, ActionGroup] = {}
_DETAILS: dict[str, Detail] = {}

# Scopes come from apps above emulation (blocs knows what a bloc is); see `AuditScope`.
AUDIT_SCOPES: Hook[Callable[[], AuditScope]] = Hook("AUDIT_SCOPES")


def register(group: ActionGroup, details: Mapping[str, Detail] | None = None) -> None:
    """Add an app's codes and detail keys (again at app-ready: a second call replaces them).

    A detail key is a data key ("reason") or, for one action only, "action:key"."""
    _GROUPS[group.prefix] = group
    _DETAILS.update(details or {})


def action_groups() -> list[ActionGroup]:
    return sorted(_GROUPS.values(), key=lambda group: group.prefix)


def all_actions() -> dict[str, Label]:
    return {code: label for group in _GROUPS.values() for code, label in group.actions.items()}


def all_details() -> dict[str, Detail]:
    return dict(_DETAILS)


def action_label(code: str) -> str:
    """The Vietnamese label of `code`, or the code itself when nobody registered it."""
    for group in _GROUPS.values():
        if code in group.actions:
            return str(group.actions[code])
    return code


def detail(action: str, key: str) -> Detail | None:
    """The registered reading of `key` in an entry of `action` (the action's own first)."""
    return _DETAILS.get(f"{action}:{key}") or _DETAILS.get(key)


EMULATION_ACTIONS = ActionGroup(
    prefix="emulation",
    label=_("Hệ thống, tài khoản, văn bản"),
    actions={
        "emulation.document.issued": _("Phát hành văn bản"),
        "emulation.document.voided": _("Hủy văn bản đã phát hành"),
        "emulation.user.created": _("Tạo tài khoản"),
        "emulation.user.updated": _("Sửa tài khoản"),
        "emulation.user.deleted": _("Xóa tài khoản"),
        "emulation.user.deactivated": _("Khóa tài khoản"),
        "emulation.user.reactivated": _("Mở lại tài khoản"),
        "emulation.user.password_changed": _("Đổi mật khẩu"),
        "emulation.user.password_set": _("Đặt mật khẩu từ đường dẫn"),
        "emulation.user.password_link_created": _("Tạo đường dẫn đặt mật khẩu"),
        "emulation.user.password_link_emailed": _("Gửi đường dẫn đặt mật khẩu qua thư"),
        "emulation.user.password_reset_requested": _("Yêu cầu đặt lại mật khẩu"),
        "emulation.group.created": _("Tạo nhóm quyền"),
        "emulation.group.updated": _("Sửa nhóm quyền"),
        "emulation.group.deleted": _("Xóa nhóm quyền"),
        "emulation.login.succeeded": _("Đăng nhập"),
        "emulation.login.failed": _("Đăng nhập sai"),
        "emulation.login.refused": _("Đăng nhập bị từ chối trong thời gian tạm dừng"),
        "emulation.login.cooled_off": _("Tạm dừng đăng nhập do nhập sai nhiều lần"),
        "emulation.login.signed_out": _("Đăng xuất"),
        "emulation.admin.changed": _("Thay đổi trong trang quản trị"),
        "emulation.two_factor.enabled": _("Bật xác thực hai bước"),
        "emulation.two_factor.disabled": _("Tắt xác thực hai bước"),
        "emulation.two_factor.code_failed": _("Nhập sai mã xác thực hai bước"),
    },
)

EMULATION_DETAILS = {
    "reason": Detail(_("Lý do")),
    "note": Detail(_("Ghi chú")),
    "password": Detail(_("Mật khẩu")),
    "address": Detail(_("Địa chỉ thư (mã hóa)")),
    "number": Detail(_("Số văn bản")),
    "sha256": Detail(_("Mã băm SHA-256")),
    "digitally_signed": Detail(_("Ký số")),
    "appended_files": Detail(_("Số tệp ghép kèm")),
    "to": Detail(_("Gửi tới")),
    "groups": Detail(_("Nhóm quyền"), lines=True),
    "user_permissions": Detail(_("Quyền riêng"), lines=True),
    "permissions": Detail(_("Quyền"), lines=True),
    "effective_on": Detail(_("Ngày có hiệu lực")),
    "year": Detail(_("Năm")),
    "username": Detail(_("Tên đăng nhập đã nhập")),
    "minutes": Detail(_("Số phút tạm dừng")),
    "admin_action": Detail(_("Thao tác")),
    "model": Detail(_("Loại dữ liệu")),
    "object": Detail(_("Đối tượng")),
    "change": Detail(_("Nội dung thay đổi")),
}


def register_own() -> None:
    """emulation's own codes: documents, accounts and groups (whoever's service logs them)."""
    register(EMULATION_ACTIONS, EMULATION_DETAILS)

"""Excel imports of agencies and of one year's bloc memberships: a preview, then one commit.

The preview (`preview_import`) reads the workbook and compares every row with the database
without writing anything: each row is new, unchanged, will update, or an error with its reasons.
The commit (`apply_import`, run by the import pipeline on the copy it stored, never on anything
posted; `commit_import` in a transaction of its own) rebuilds the plan, refuses when any row is in
error, and applies it through the structure services so every change is audited. Any refusal
rolls the whole import back and names the row. The rows are planned in `agencies` and
`memberships`; what both share is in `common`.

Decisions a Sở Nội vụ officer relies on (also explained on the import page):
- Empty optional cells keep what the portal has (an import never blanks a short name or a
  signatory); a name is never changed by an import (renames go through the agency page).
- The membership import creates a bloc when its "Mã khối" is new (the first year is set up from a
  workbook) and creates an agency it does not know, with kind "Khác" to be corrected later.
- It adds members and updates signatories and head/deputy; it never removes a member (that is
  done on the bloc-year page), so moving an agency to another bloc is reported as an error.
- One workbook holds one year; re-importing the same workbook changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blocs.imports.agencies import AGENCY_COLUMNS, apply_agencies, plan_agencies
from blocs.imports.common import (
    STATUS_LABELS,
    ImportPlan,
    ImportRefused,
    PlanRow,
    RowStatus,
    name_key,
)
from blocs.imports.memberships import (
    DEPUTY,
    HEAD,
    MEMBERSHIP_COLUMNS,
    ROLE_VALUES,
    apply_memberships,
    plan_memberships,
)
from emulation.excel import Column, SheetRow, read_sheet
from emulation.pipeline import serialise_imports

__all__ = [
    "AGENCY_COLUMNS",
    "DEPUTY",
    "HEAD",
    "KINDS",
    "MEMBERSHIP_COLUMNS",
    "ROLE_VALUES",
    "STATUS_LABELS",
    "ImportKind",
    "ImportPlan",
    "ImportRefused",
    "PlanRow",
    "RowStatus",
    "apply_agencies",
    "apply_import",
    "apply_memberships",
    "commit_import",
    "name_key",
    "plan_agencies",
    "plan_memberships",
    "preview_import",
    "serialise_imports",
]
# --- The two kinds, preview and commit ------------------------------------------------------


@dataclass(frozen=True)
class ImportKind:
    key: str
    title: str
    columns: tuple[Column, ...]
    plan: Callable[[list[SheetRow]], ImportPlan]
    apply: Callable[..., None]


KINDS = {
    "agencies": ImportKind(
        "agencies",
        gettext_lazy("Danh mục cơ quan, đơn vị"),
        AGENCY_COLUMNS,
        plan_agencies,
        apply_agencies,
    ),
    "memberships": ImportKind(
        "memberships",
        gettext_lazy("Thành viên các khối trong một năm"),
        MEMBERSHIP_COLUMNS,
        plan_memberships,
        apply_memberships,
    ),
}


def preview_import(kind: str, data: bytes) -> ImportPlan:
    """Read the workbook and say what a commit would do; writes nothing.

    Raises `emulation.excel.WorkbookError` when the file cannot be read as a whole.
    """
    spec = KINDS[kind]
    plan = spec.plan(read_sheet(data, spec.columns))
    for row in plan.rows:
        row.cells = [row.values.get(column.key, "") for column in spec.columns]
    return plan


def apply_import(kind: str, data: bytes, *, actor) -> ImportPlan:
    """Apply the workbook through the audited services, refusing on any error row. The caller
    holds the transaction: the import pipeline's commit step, or `commit_import`."""
    serialise_imports()
    plan = preview_import(kind, data)
    if plan.has_errors:
        raise ImportRefused(
            _("Tệp còn %(count)s dòng lỗi: hãy sửa tệp và tải lên lại. Chưa có thay đổi nào.")
            % {"count": plan.error_count}
        )
    KINDS[kind].apply(plan, actor=actor)
    return plan


@transaction.atomic
def commit_import(kind: str, data: bytes, *, actor) -> ImportPlan:
    """Apply the workbook all-or-nothing, in a transaction of its own."""
    return apply_import(kind, data, actor=actor)

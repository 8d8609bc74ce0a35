"""What both Excel imports share: a row's status, the plan, name matching, the agency registry
index, duplicate rows, and turning a service refusal into a refusal naming the row."""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blocs.models import Agency, AgencyChange
from emulation.text import collapse_spaces, fold


class RowStatus(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    UPDATE = "update"
    ERROR = "error"


STATUS_LABELS = {
    RowStatus.NEW: gettext_lazy("Thêm mới"),
    RowStatus.UNCHANGED: gettext_lazy("Không đổi"),
    RowStatus.UPDATE: gettext_lazy("Sẽ cập nhật"),
    RowStatus.ERROR: gettext_lazy("Lỗi"),
}


class ImportRefused(ValidationError):
    """The commit was refused or failed: nothing was changed."""


@dataclass
class PlanRow:
    """One workbook row and what the commit will do with it."""

    number: int
    values: dict
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    status: RowStatus = RowStatus.UNCHANGED
    # Resolved targets used by the commit: ("db", pk) or ("new", key).
    agency_ref: tuple | None = None
    bloc_ref: tuple | None = None
    updates: dict = field(default_factory=dict)
    # The row's values in column order, for display.
    cells: list = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class ImportPlan:
    """Every row's fate, plus what the import creates beyond single rows."""

    kind: str
    rows: list[PlanRow]
    notes: list[str] = field(default_factory=list)
    year: int | None = None
    new_blocs: dict = field(default_factory=dict)  # code -> name
    new_agencies: dict = field(default_factory=dict)  # key -> name
    leaders: dict = field(default_factory=dict)  # bloc_ref -> (head_ref, deputy_ref)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RowStatus, 0)
        for row in self.rows:
            counts[row.status] += 1
        return {str(status): count for status, count in counts.items()}

    @property
    def error_count(self) -> int:
        return self.counts[RowStatus.ERROR]

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    @property
    def has_changes(self) -> bool:
        counts = self.counts
        return bool(counts[RowStatus.NEW] or counts[RowStatus.UPDATE] or self.leaders)

    def summary(self) -> str:
        counts = self.counts
        return _(
            "%(new)s dòng thêm mới, %(update)s dòng cập nhật, %(unchanged)s dòng không đổi."
        ) % {
            "new": counts[RowStatus.NEW],
            "update": counts[RowStatus.UPDATE],
            "unchanged": counts[RowStatus.UNCHANGED],
        }


def name_key(name: str) -> str:
    """How names are matched: as the registry tells agencies apart (`same_name_agency`), NFC,
    single spaces, case and accents folded, so "SO Y TE" is the registry's "Sở Y tế"."""
    return fold(collapse_spaces(name))


def finish_row(row: PlanRow, status: RowStatus) -> PlanRow:
    row.status = RowStatus.ERROR if row.errors else status
    return row


def quote(text) -> str:
    return f"“{text}”"


@dataclass
class AgencyIndex:
    by_key: dict
    by_id: dict
    renamed: dict  # old name's key -> [(agency id, effective date of the rename)]

    @classmethod
    def load(cls) -> AgencyIndex:
        by_key, by_id = defaultdict(list), {}
        for agency in Agency.objects.select_related("successor"):
            by_key[name_key(agency.name)].append(agency)
            by_id[agency.pk] = agency
        renamed = defaultdict(list)
        for old, agency_id, effective_on in AgencyChange.objects.filter(
            kind=AgencyChange.Kind.RENAME
        ).values_list("old_name", "agency_id", "effective_on"):
            renamed[name_key(old)].append((agency_id, effective_on))
        return cls(by_key, by_id, renamed)

    def find(self, name: str, row: PlanRow, *, year: int | None = None) -> Agency | None:
        """The registry agency called `name` (or, for a `year`, called so at the end of that
        year: an export of that year re-imports), or None; ambiguity and other old names are
        row errors."""
        key = name_key(name)
        candidates = self.by_key.get(key, [])
        if len(candidates) > 1:
            active = [agency for agency in candidates if agency.is_active]
            # A former province's namesake (its Sở Y tế) gives way to the province's own.
            own = [agency for agency in active if agency.former_province_id is None]
            if len(active) == 1 or len(own) == 1:
                return active[0] if len(active) == 1 else own[0]
            row.errors.append(
                _(
                    "Danh mục có %(count)s đơn vị cùng tên %(name)s; hãy phân biệt tên trong "
                    "danh mục trước khi nhập."
                )
                % {"count": len(candidates), "name": quote(name)}
            )
            return None
        if candidates:
            return candidates[0]
        renames = self.renamed.get(key, [])
        if year is not None:
            then = {agency_id for agency_id, day in renames if day.year > year}
            if len(then) == 1:
                agency = self.by_id[then.pop()]
                row.notes.append(
                    _("%(old)s là tên năm %(year)s của %(agency)s.")
                    % {"old": quote(name), "year": year, "agency": quote(agency.name)}
                )
                return agency
        if renames:
            row.errors.append(
                _("Đơn vị %(old)s đã đổi tên thành %(new)s; hãy dùng tên hiện tại.")
                % {"old": quote(name), "new": quote(self.by_id[renames[-1][0]].name)}
            )
        return None


def mark_duplicates(rows: list[PlanRow], key_of, label_of) -> None:
    first_seen: dict[str, PlanRow] = {}
    for row in rows:
        key = key_of(row)
        if not key:
            continue
        first = first_seen.setdefault(key, row)
        if first is row:
            continue
        message = _("%(name)s có hai lần trong tệp (dòng %(first)s và dòng %(second)s).") % {
            "name": quote(label_of(row)),
            "first": first.number,
            "second": row.number,
        }
        row.errors.append(message)
        if message not in first.errors:
            first.errors.append(message)


@contextmanager
def row_context(row: PlanRow):
    """Turn a service refusal into an ImportRefused naming the workbook row."""
    try:
        yield
    except ValidationError as error:
        raise ImportRefused(
            _("Dòng %(row)s: %(message)s Chưa có thay đổi nào được lưu.")
            % {"row": row.number, "message": "; ".join(error.messages)}
        ) from error

"""The year's calendar: province-wide dates set by staff, a bloc's own dates within them.

One source of truth for the registration deadline: a bloc's is `Covenant.registration_deadline`
(the date registrations already enforce), so no bloc `Deadline` row of that kind is stored; the
province's registration row caps it. Readers get both through `deadlines_for`.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from blocs.models import BlocYear, Covenant, Deadline
from emulation.audit import diff, log_action, snapshot

FIELDS = ["due_on", "starts_on", "note"]


@dataclass(frozen=True)
class Entry:
    """One date as a reader sees it: whose it is, what, when."""

    pk: str
    year: int
    kind: str
    label: str
    due_on: datetime.date
    starts_on: datetime.date | None
    note: str
    bloc_year: BlocYear | None

    def days_left(self, today: datetime.date) -> int:
        return (self.due_on - today).days


def _entry(deadline: Deadline) -> Entry:
    return Entry(
        pk=f"deadline-{deadline.pk}",
        year=deadline.year,
        kind=deadline.kind,
        label=str(deadline.get_kind_display()),
        due_on=deadline.due_on,
        starts_on=deadline.starts_on,
        note=deadline.note,
        bloc_year=deadline.bloc_year,
    )


def _registration_entry(covenant: Covenant) -> Entry:
    return Entry(
        pk=f"registration-{covenant.bloc_year_id}",
        year=covenant.bloc_year.year,
        kind=Deadline.Kind.REGISTRATION,
        label=str(Deadline.Kind.REGISTRATION.label),
        due_on=covenant.registration_deadline,
        starts_on=None,
        note="",
        bloc_year=covenant.bloc_year,
    )


def deadlines_for(bloc_years, years) -> list[Entry]:
    """The dates of `years` that concern these bloc-years; the province's date of a kind is left
    out when every one of the user's blocs that year set its own. Two queries in all."""
    bloc_years, years = list(bloc_years), set(years)
    ids = [bloc_year.pk for bloc_year in bloc_years]
    rows = Deadline.objects.filter(
        Q(bloc_year__isnull=True, year__in=years) | Q(bloc_year_id__in=ids)
    ).select_related("bloc_year__bloc")
    entries = [_entry(row) for row in rows]
    covenants = Covenant.objects.filter(
        bloc_year_id__in=ids, registration_deadline__isnull=False
    ).select_related("bloc_year__bloc")
    entries += [_registration_entry(covenant) for covenant in covenants]
    blocs_in_year: dict[int, set[int]] = {}
    for bloc_year in bloc_years:
        blocs_in_year.setdefault(bloc_year.year, set()).add(bloc_year.pk)
    own: dict[tuple[int, str], set[int]] = {}
    for entry in entries:
        if entry.bloc_year:
            own.setdefault((entry.year, entry.kind), set()).add(entry.bloc_year.pk)
    entries = [
        entry
        for entry in entries
        if entry.bloc_year
        or not blocs_in_year.get(entry.year)
        or own.get((entry.year, entry.kind), set()) != blocs_in_year[entry.year]
    ]
    return sorted(entries, key=lambda entry: (entry.due_on, entry.kind))


def province_deadlines(year: int) -> dict[str, Deadline]:
    return {row.kind: row for row in Deadline.objects.filter(year=year, bloc_year__isnull=True)}


def _check_order(due_on, starts_on):
    if starts_on and due_on and starts_on > due_on:
        raise ValidationError({"starts_on": _("Ngày bắt đầu phải trước hoặc bằng hạn.")})


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def province_due_on(year: int, kind: str) -> datetime.date | None:
    row = Deadline.objects.filter(year=year, kind=kind, bloc_year__isnull=True).first()
    return row.due_on if row else None


def due_on_for(bloc_year: BlocYear, kind: str) -> datetime.date | None:
    """The date of a kind that holds for the bloc-year: its own, else the province's."""
    rows = {
        row.bloc_year_id is not None: row.due_on
        for row in Deadline.objects.filter(
            Q(bloc_year__isnull=True, year=bloc_year.year) | Q(bloc_year=bloc_year), kind=kind
        )
    }
    return rows.get(True) or rows.get(False)


def check_within_province(year: int, kind: str, due_on, *, field: str) -> None:
    """A bloc's date of a kind is never later than the province's date of that kind."""
    province = province_due_on(year, kind) if due_on else None
    if province and due_on > province:
        raise ValidationError(
            {
                field: _(
                    "Hạn của khối (%(bloc)s) không được muộn hơn hạn chung của tỉnh "
                    "(%(province)s) cho việc này."
                )
                % {"bloc": _day(due_on), "province": _day(province)}
            }
        )


def _set(current: Deadline | None, new: Deadline, *, due_on, starts_on, note, actor, data):
    """Create, change or (no date) remove one deadline, audited with what changed."""
    _check_order(due_on, starts_on)
    if due_on is None:
        if current:
            log_action("blocs.deadline.removed", current, actor=actor, data=data)
            current.delete()
        return None
    deadline = current or new
    before = snapshot(deadline, FIELDS) if current else {}
    deadline.due_on, deadline.starts_on, deadline.note = due_on, starts_on, note or ""
    deadline.save()
    after = snapshot(deadline, FIELDS)
    action = "blocs.deadline.updated" if current else "blocs.deadline.created"
    log_action(action, deadline, actor=actor, data={**data, **diff(before, after)})
    return deadline


@transaction.atomic
def set_province_deadline(
    year: int, kind: str, *, due_on, starts_on=None, note: str = "", actor
) -> Deadline | None:
    """Staff set (or clear, with no date) the province's date of one kind for a year."""
    current = Deadline.objects.filter(year=year, kind=kind, bloc_year__isnull=True).first()
    return _set(
        current,
        Deadline(year=year, kind=kind),
        due_on=due_on,
        starts_on=starts_on,
        note=note,
        actor=actor,
        data={"kind": kind},
    )


# A bloc's registration deadline is its covenant's (`covenants.set_registration_deadline`).
BLOC_KINDS = [kind for kind in Deadline.Kind.values if kind != Deadline.Kind.REGISTRATION]


@transaction.atomic
def set_bloc_deadline(
    bloc_year: BlocYear, kind: str, *, due_on, starts_on=None, note: str = "", actor
) -> Deadline | None:
    """The head sets (or clears) the bloc's own date of one kind, within the province's."""
    if kind not in BLOC_KINDS:
        raise ValidationError(_("Hạn đăng ký thi đua của khối đặt ở trang đăng ký thi đua."))
    check_within_province(bloc_year.year, kind, due_on, field=kind)
    current = Deadline.objects.filter(bloc_year=bloc_year, kind=kind).first()
    return _set(
        current,
        Deadline(year=bloc_year.year, bloc_year=bloc_year, kind=kind),
        due_on=due_on,
        starts_on=starts_on,
        note=note,
        actor=actor,
        data={"kind": kind, "bloc": str(bloc_year)},
    )


def bloc_calendar(bloc_year: BlocYear) -> list[tuple[str, str, Deadline | None, Deadline | None]]:
    """(kind, label, the province's row, the bloc's row) for every kind, in the year's order."""
    rows = Deadline.objects.filter(
        Q(bloc_year__isnull=True, year=bloc_year.year) | Q(bloc_year=bloc_year)
    )
    province = {row.kind: row for row in rows if row.bloc_year_id is None}
    own = {row.kind: row for row in rows if row.bloc_year_id is not None}
    return [
        (kind, str(label), province.get(kind), own.get(kind))
        for kind, label in Deadline.Kind.choices
    ]


def _all_kinds(kinds, dates: dict, set_one) -> None:
    """Each kind's date from `dates` (the conference with its window start), in the caller's
    transaction: a refused date saves none. A window in the wrong order is told on its start."""
    for kind in kinds:
        window = kind == Deadline.Kind.CONFERENCE
        starts_on = dates.get("conference_starts_on") if window else None
        try:
            set_one(kind, due_on=dates.get(kind), starts_on=starts_on)
        except ValidationError as error:
            if window and hasattr(error, "error_dict") and "starts_on" in error.error_dict:
                raise ValidationError({"conference_starts_on": error.messages}) from error
            raise


@transaction.atomic
def set_province_calendar(year: int, dates: dict, *, actor) -> None:
    """The province's form: every kind of the year at once, all or nothing."""
    _all_kinds(
        Deadline.Kind.values,
        dates,
        lambda kind, **when: set_province_deadline(year, kind, actor=actor, **when),
    )


@transaction.atomic
def set_bloc_calendar(bloc_year: BlocYear, dates: dict, *, actor) -> None:
    """The bloc's form: every kind but registration at once, all or nothing."""
    _all_kinds(
        BLOC_KINDS,
        dates,
        lambda kind, **when: set_bloc_deadline(bloc_year, kind, actor=actor, **when),
    )

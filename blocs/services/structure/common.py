"""What every structure service shares: the updatable fields, the year range, the refusal helper
and the merge chains (mergers are followed by the rollover and the election carry-over alike)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from blocs.models import Agency

AGENCY_UPDATABLE = ("short_name", "kind", "notes", "established_on", "ended_on")
BLOC_UPDATABLE = ("name", "code", "kind", "description", "active")
BLOC_YEAR_UPDATABLE = ("liaison_name", "liaison_title", "notes")
# Derived columns that full_clean must not judge: the model fills them on save.
_DERIVED = ["search_name", "sort_name"]
MIN_YEAR, MAX_YEAR = 2000, 2100


def _day(value: datetime.date) -> str:
    return date_format(value, "d/m/Y")


def _only(fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Cannot update {sorted(unknown)} here; allowed: {allowed}")


def _refuse(message: str, field_name: str | None = None):
    raise ValidationError({field_name: message} if field_name else message)


def _ended_label(agency: Agency) -> str:
    if agency.status == Agency.Status.MERGED and agency.successor_id:
        return _("đã hợp nhất vào %(successor)s") % {"successor": agency.successor.name}
    if agency.status == Agency.Status.MERGED:
        return _("đã hợp nhất")
    return _("đã giải thể")


def _successor_map() -> dict[int, Agency]:
    """Every agency that has a successor, mapped to the end of its merge chain, in two queries."""
    links = dict(Agency.objects.filter(successor__isnull=False).values_list("pk", "successor_id"))
    ends = {}
    for start in links:
        current, seen = start, {start}
        while current in links and links[current] not in seen:
            current = links[current]
            seen.add(current)
        ends[start] = current
    agencies = Agency.objects.in_bulk(set(ends.values()))
    return {start: agencies[end] for start, end in ends.items()}

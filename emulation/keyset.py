"""Keyset pages of a newest-first list ("Mới hơn" / "Cũ hơn") for tables that only grow.

Page N of an OFFSET pager reads and throws away N × 50 rows and a COUNT(*) reads them all: at a
million audit entries the last page took 585 ms. A keyset page starts from the (created_at, id)
of the row it continues from, on the index of those two columns, so every page costs the same.
The total is counted only up to `COUNT_CAP` ("hơn 10.000 mục").
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q

COUNT_CAP = 10_000
_CURSOR = re.compile(r"(\d{1,17})-(\d{1,18})", re.ASCII)
_MICROSECONDS = 1_000_000


def cursor_of(row) -> str:
    """`<microseconds since 1970 UTC>-<id>`: opaque to people, exact for the database."""
    moment = row.created_at.astimezone(UTC)
    stamp = int(moment.timestamp()) * _MICROSECONDS + moment.microsecond
    return f"{stamp}-{row.pk}"


def read_cursor(text) -> tuple[datetime, int] | None:
    """The (created_at, id) a cursor names; None for anything else (a hostile or old link)."""
    match = _CURSOR.fullmatch(str(text or ""))
    if not match:
        return None
    stamp, pk = (int(part) for part in match.groups())
    try:
        seconds, micro = divmod(stamp, _MICROSECONDS)
        moment = datetime.fromtimestamp(seconds, UTC).replace(microsecond=micro)
    except (OverflowError, OSError, ValueError):
        return None
    return moment, pk


@dataclass(frozen=True)
class KeysetPage:
    object_list: list
    newer: str | None  # cursor for the page of newer rows, None on the newest page
    older: str | None  # cursor for the page of older rows, None on the oldest page
    count: int  # rows matching, counted up to COUNT_CAP + 1
    capped: bool  # more than COUNT_CAP rows match

    @property
    def has_other_pages(self) -> bool:
        return bool(self.newer or self.older)


def _older(row) -> Q:
    return Q(created_at__lt=row[0]) | Q(created_at=row[0], pk__lt=row[1])


def _newer(row) -> Q:
    return Q(created_at__gt=row[0]) | Q(created_at=row[0], pk__gt=row[1])


def _key(row) -> tuple[datetime, int]:
    return row.created_at, row.pk


def keyset_page(queryset, params, *, size: int = 50) -> KeysetPage:
    """The page `params` asks for: `older_than=<cursor>`, `newer_than=<cursor>`, or the newest.
    A fixed number of queries: the page, one probe for the other side, the capped count."""
    older_than = read_cursor(params.get("older_than"))
    newer_than = None if older_than else read_cursor(params.get("newer_than"))
    if newer_than:
        rows = list(queryset.filter(_newer(newer_than)).order_by("created_at", "id")[: size + 1])
        more_newer, rows = len(rows) > size, rows[:size][::-1]
        more_older = bool(rows) and queryset.filter(_older(_key(rows[-1]))).exists()
    else:
        page = queryset.filter(_older(older_than)) if older_than else queryset
        rows = list(page.order_by("-created_at", "-id")[: size + 1])
        more_older, rows = len(rows) > size, rows[:size]
        more_newer = bool(rows and older_than) and queryset.filter(_newer(_key(rows[0]))).exists()
    counted = queryset.order_by()[: COUNT_CAP + 1].count()
    return KeysetPage(
        object_list=rows,
        newer=cursor_of(rows[0]) if more_newer else None,
        older=cursor_of(rows[-1]) if more_older else None,
        count=min(counted, COUNT_CAP),
        capped=counted > COUNT_CAP,
    )

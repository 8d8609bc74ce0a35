"""Keyset pages of the audit log: every entry once, in order, both ways, ties on the time
included; hostile cursors fall back to the newest page; the count stops at its cap."""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from emulation import keyset
from emulation.audit import log_action
from emulation.models import AuditEntry

BASE = timezone.make_aware(datetime.datetime(2026, 3, 1, 8, 0))


@pytest.fixture
def entries(db, monkeypatch):
    """23 entries over 7 instants, so several share a created_at (ties broken by id)."""
    instants = itertools.cycle(BASE + datetime.timedelta(seconds=n // 4) for n in range(28))
    monkeypatch.setattr(timezone, "now", lambda: next(instants))
    for number in range(23):
        log_action("emulation.test.keyset", None, actor=None, data={"n": number})
    monkeypatch.undo()
    return list(AuditEntry.objects.order_by("-created_at", "-id").values_list("pk", flat=True))


def _page(params, size=5):
    return keyset.keyset_page(AuditEntry.objects.all(), QueryDict(params), size=size)


def test_walking_older_then_newer_visits_every_entry_once_in_order(entries):
    pages, page = [], _page("")
    while True:
        pages.append([row.pk for row in page.object_list])
        if not page.older:
            break
        page = _page(f"older_than={page.older}")
    assert [pk for ids in pages for pk in ids] == entries
    assert [len(ids) for ids in pages] == [5, 5, 5, 5, 3]
    back = [[row.pk for row in page.object_list]]
    while page.newer:
        page = _page(f"newer_than={page.newer}")
        back.append([row.pk for row in page.object_list])
    assert back == pages[::-1]
    assert page.newer is None  # back on the newest page


def test_the_newest_page_has_no_newer_link_and_the_oldest_no_older(entries):
    first = _page("")
    assert first.newer is None and first.older
    assert _page("", size=50).older is None


@pytest.mark.parametrize(
    "cursor",
    ["", "abc", "\x00", "-1-1", "1-", "9" * 17 + "-1", "99999999999999999-9", "1.5-2", "١٢-٣"],
)
def test_a_hostile_cursor_is_the_newest_page(entries, cursor):
    for name in ("older_than", "newer_than"):
        params = QueryDict(mutable=True)
        params[name] = cursor
        page = keyset.keyset_page(AuditEntry.objects.all(), params, size=5)
        assert [row.pk for row in page.object_list][:1] in ([entries[0]], [])


def test_a_cursor_names_its_row_exactly(entries):
    row = AuditEntry.objects.get(pk=entries[7])
    assert keyset.read_cursor(keyset.cursor_of(row)) == (row.created_at, row.pk)


def test_the_count_stops_at_its_cap(entries, monkeypatch):
    monkeypatch.setattr(keyset, "COUNT_CAP", 10)
    page = _page("")
    assert page.capped and page.count == 10
    monkeypatch.setattr(keyset, "COUNT_CAP", 100)
    assert not _page("").capped and _page("").count == 23


def test_the_audit_page_walks_older_and_each_page_costs_the_same(staff_client, db):
    for number in range(60):
        log_action("emulation.test.keyset", None, actor=None, data={"n": number})
    url = reverse("audit_log")
    first = staff_client.get(url).content.decode()
    assert "Cũ hơn" in first and "Mới hơn" not in first
    older = re.search(r'href="\?(older_than=[0-9-]+)"', first).group(1)
    second = staff_client.get(f"{url}?{older}").content.decode()
    assert "Mới hơn" in second and "Mới nhất" in second
    first_count, later_count = _queries(staff_client, url), _queries(staff_client, f"{url}?{older}")
    assert later_count <= first_count + 1  # one probe: are there newer entries?


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)

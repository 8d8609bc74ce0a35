"""The edge layer: a province past the synthetic one's sizes, built inside the measuring
transaction and rolled back, so the other figures stay as they were.

1,000,000 audit entries (the audit log's first page, its oldest page and the actor filter) and
10,000 agencies (the registry search). Run with `--only edge.` (they take a minute to build, so
a plain run lists them unmeasured). Each page is timed over `EDGE_REQUESTS` requests so the p95
is not one sample; PostgreSQL only, as production runs.
"""

import time

from django.db import connection, transaction
from django.urls import reverse

from blocs.models import Agency
from emulation.keyset import cursor_of
from emulation.models import AuditEntry, User
from portal.bench import report
from portal.bench.measure import clients_for, count_queries, time_requests
from portal.bench.report import Figure
from portal.bench.structure import agency_name, named

AUDIT_ROWS = 1_000_000
AGENCIES = 10_000
EDGE_REQUESTS = 60


def _timed(client, url, label, base, budget) -> list[Figure]:
    queries = count_queries(client, url, label)
    samples = time_requests(client, url, label, EDGE_REQUESTS)
    return [
        Figure(f"{base}.p95_ms", round(report.percentile(samples, 0.95), 1), "ms", budget),
        Figure(f"{base}.median_ms", round(report.median(samples), 1), "ms"),
        Figure(f"{base}.queries", queries, "queries", report.QUERIES_PER_PAGE),
    ]


def _postgresql_only(extra) -> list[Figure] | None:
    if connection.vendor == "postgresql":
        return None
    return [Figure(extra.name, None, "ms", extra.budget, note="PostgreSQL only")]


def _insert_audit_rows(count: int, actor_id: int) -> None:
    """`count` entries one second apart going back from now, one in 500 by `actor_id`, in one
    statement (generation is not user input; the append-only trigger refuses changes, not
    inserts)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO emulation_auditentry"
            " (created_at, actor_id, actor_name, action, data, object_repr, object_id)"
            " SELECT now() - (g || ' seconds')::interval,"
            " CASE WHEN g %% 500 = 0 THEN %s END, 'Cán bộ thi đua ' || (g %% 500),"
            " 'blocs.agency.updated', '{}'::jsonb, 'Sở số ' || g, ''"
            " FROM generate_series(1, %s) g",
            [actor_id, count],
        )
        cursor.execute("ANALYZE emulation_auditentry")


def measure_audit_log(province, extra, options) -> list[Figure]:
    """The audit log at a million entries: first page, oldest page, filtered by actor."""
    if skipped := _postgresql_only(extra):
        return skipped
    staff = clients_for(province)["staff"]
    actor = User.objects.get(pk=province.users["staff"])
    with transaction.atomic():
        started = time.perf_counter()
        _insert_audit_rows(AUDIT_ROWS, actor.pk)
        built = time.perf_counter() - started
        oldest = AuditEntry.objects.order_by("created_at", "id")[50]
        url = reverse("audit_log")
        figures = [Figure(f"{extra.name}.build_s", round(built, 1), "s")]
        for name, address in (
            ("first", url),
            ("last", f"{url}?older_than={cursor_of(oldest)}"),
            ("actor_filter", f"{url}?actor={actor.username}"),
        ):
            figures += _timed(staff, address, name, f"{extra.name}.{name}", extra.budget)
        transaction.set_rollback(True)
    return figures


def measure_agency_search(province, extra, options) -> list[Figure]:
    """The registry searched by a folded word at 10,000 agencies (the trigram index's case)."""
    if skipped := _postgresql_only(extra):
        return skipped
    staff = clients_for(province)["staff"]
    with transaction.atomic():
        offset = Agency.objects.count()
        extra_agencies = AGENCIES - offset
        Agency.objects.bulk_create(
            (
                named(Agency, name=f"{name} ({index})", short_name="", kind=kind)
                for index in range(extra_agencies)
                for name, kind in [agency_name(offset + index)]
            ),
            batch_size=2000,
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE blocs_agency")
        url = reverse("blocs:agency_list") + "?q=giao+duc"
        figures = _timed(staff, url, "agency_search", extra.name, extra.budget)
        transaction.set_rollback(True)
    return figures

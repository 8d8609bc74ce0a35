"""The edge layer: a province past the synthetic one's sizes, built inside the measuring
transaction and rolled back, so the other figures stay as they were.

A 200-member bloc (its staff page, and a poll of 40 candidates with 200 ballots for the count
minutes) and a 40-member bloc's covenant are measured on every run. 1,000,000 audit entries (the
audit log's first page, its oldest page and the actor filter) and 10,000 agencies (the registry
search) take a minute to build, so they are measured with `--only edge.` (a plain run lists them
unmeasured), on PostgreSQL only, as production runs. Each page is timed over `EDGE_REQUESTS`
requests so the p95 is not one sample.
"""

import datetime
import time

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from blocs.models import Agency, Covenant
from emulation.keyset import cursor_of
from emulation.models import AuditEntry, User
from portal.bench import report
from portal.bench.conference40 import (
    build_agencies,
    build_bloc_year,
    build_conference40,
    build_poll,
    build_session,
)
from portal.bench.conferences import TIME_ZONE
from portal.bench.covenants import sign_covenants
from portal.bench.documents import pdf_figures
from portal.bench.measure import clients_for, count_queries, time_requests
from portal.bench.report import Figure
from portal.bench.structure import agency_name, named

AUDIT_ROWS = 1_000_000
AGENCIES = 10_000
EDGE_REQUESTS = 60
BIG_BLOC = 200
BIG_POLL_CANDIDATES = 40


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


def build_big_bloc(province) -> dict:
    """A 200-member bloc in the province's last year: its covenant signed and every member's
    registration accepted, its conference with everyone present and a counted poll of 40
    candidates with 200 ballots. Returns the bloc-year's and the session's ids."""
    from awards.models.voting import Poll

    agencies = build_agencies(BIG_BLOC, "200")
    bloc_year = build_bloc_year(
        province.year, agencies, name="Khối thi đua 200 thành viên", code="KTĐ200TV"
    )
    sign_covenants([bloc_year.pk], province.users["staff"])
    held_at = datetime.datetime(bloc_year.year, 12, 20, 8, 0, tzinfo=TIME_ZONE)
    session = build_session(bloc_year, agencies, held_at)
    build_poll(
        session,
        agencies[:BIG_POLL_CANDIDATES],
        len(agencies),
        held_at,
        timezone.now(),
        order=1,
        code="CO_TINH",
        seats=1,
        entered=len(agencies),
        state=Poll.State.COUNTED,
    )
    return {"bloc_year": bloc_year.pk, "session": session.pk}


def measure_big_bloc_page(province, extra, options) -> list[Figure]:
    """The bloc-year page as province staff open it for the 200-member bloc."""
    staff = clients_for(province)["staff"]
    with transaction.atomic():
        ids = build_big_bloc(province)
        url = reverse("blocs:bloc_year_detail", args=[ids["bloc_year"]])
        p95, *figures = _timed(staff, url, "bloc_year.staff.200", extra.name, extra.budget)
        transaction.set_rollback(True)
    return [Figure(extra.name, p95.value, "ms", extra.budget, f"p95, {BIG_BLOC} members"), *figures]


def measure_big_count_minutes(province, extra, options) -> list[Figure]:
    """The count minutes of a poll of 40 candidates and 200 ballots."""
    from awards.models import VotingSession
    from awards.pdf import count_minutes_pdf

    with transaction.atomic():
        session = VotingSession.objects.get(pk=build_big_bloc(province)["session"])
        figures = pdf_figures(
            extra, lambda: count_minutes_pdf(session)[2], BIG_BLOC, options.pdf_runs
        )
        transaction.set_rollback(True)
    return figures


def measure_covenant_40(province, extra, options) -> list[Figure]:
    """The covenant of the 40-member bloc, every member signed."""
    from blocs.pdf import covenant_pdf

    with transaction.atomic():
        bloc_year_id = build_conference40(province)["bloc_year"]
        covenant_id = sign_covenants([bloc_year_id], province.users["staff"])[0][bloc_year_id].pk

        def render() -> bytes:
            return covenant_pdf(Covenant.objects.for_page().get(pk=covenant_id))[2]

        figures = pdf_figures(extra, render, 40, options.pdf_runs)
        transaction.set_rollback(True)
    return figures

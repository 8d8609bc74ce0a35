"""Timed computations that are not pages: the tally, the Excel import, the council export."""

import datetime
import io
import random
import time

from django.conf import settings

from portal.bench import report
from portal.bench.report import Figure

TALLY_RUNS = 50


def measure_tally(province, extra, options) -> list[Figure]:
    """Count a poll of 100 ballots over 20 candidates (5 seats, up to 5 marks) with the pure tally,
    as the poll page and the count minutes do."""
    from awards import tally

    rng = random.Random(2024)
    candidates = [tally.CandidateInput(id=i, name=f"Đơn vị {i}") for i in range(1, 21)]
    ballots = [
        tally.BallotInput(serial=serial, marks=tuple(rng.sample(range(1, 21), rng.randint(1, 5))))
        for serial in range(1, 101)
    ]
    rule = tally.RuleSpec(base="valid", max_marks=5, tie_rule="chair")
    samples = []
    for _ in range(TALLY_RUNS):
        started = time.perf_counter()
        tally.tally(
            rule=rule,
            seats=5,
            candidates=candidates,
            members=100,
            present=100,
            ballots=ballots,
            issued=100,
        )
        samples.append((time.perf_counter() - started) * 1000)
    return [
        Figure(extra.name, round(report.median(samples), 3), "ms", extra.budget),
        Figure("tally.100x20.p95_ms", round(report.percentile(samples, 0.95), 3), "ms"),
    ]


def measure_reminders(province, extra, options) -> list[Figure]:
    """send_reminders on a day when every kind of deadline of the year is 7 days off, so every
    kind of reminder goes to everyone it concerns at once (the worst day); rolled back."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from blocs.models import Deadline
    from emulation.models import Notification

    day = datetime.date(province.year, 11, 1)
    with transaction.atomic():
        Deadline.objects.filter(year=province.year).delete()
        Deadline.objects.bulk_create(
            Deadline(year=province.year, kind=kind, due_on=day + datetime.timedelta(days=7))
            for kind in Deadline.Kind.values
        )
        before = Notification.objects.count()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call_command("send_reminders", date=day, days=(7,), stdout=io.StringIO())
            elapsed = time.perf_counter() - started
        sent = Notification.objects.count() - before
        transaction.set_rollback(True)
    base = extra.name.rsplit(".", 1)[0]
    return [
        Figure(extra.name, round(elapsed, 2), "s", extra.budget),
        Figure(f"{base}.queries", len(captured), "queries"),
        Figure(f"{base}.notifications", sent, "notifications"),
    ]


IMPORT_ROWS = 1000


def agency_workbook(rows: int) -> bytes:
    """An agency workbook as a Sở Nội vụ officer would upload it: up to half the registry again
    (with a new note, so those rows update) and the rest new agencies."""
    from blocs.imports import AGENCY_COLUMNS
    from blocs.models import Agency
    from emulation.excel import Sheet, write_xlsx
    from portal.bench.structure import PLACES, TOPICS

    existing = list(Agency.objects.values_list("name", "short_name")[: rows // 2])
    body = [
        [name, short, str(Agency.Kind.DEPARTMENT.label), "Cập nhật từ tệp"]
        for name, short in existing
    ]
    for index in range(rows - len(body)):
        place = PLACES[index % len(PLACES)]
        topic = TOPICS[(index // len(PLACES)) % len(TOPICS)]
        body.append(
            [
                f"Trung tâm Dịch vụ {topic} {place} số {index + 1}",
                "",
                str(Agency.Kind.PUBLIC_SERVICE.label),
                "",
            ]
        )
    return write_xlsx([Sheet("Đơn vị", [column.header for column in AGENCY_COLUMNS], body)])


def measure_import(province, extra, options) -> list[Figure]:
    """Preview then commit 1,000 agency rows through the importer, then roll the commit back."""
    from django.db import transaction

    from blocs.imports import commit_import, preview_import
    from emulation.models import User

    data = agency_workbook(IMPORT_ROWS)
    staff = User.objects.get(pk=province.users["staff"])
    with transaction.atomic():
        started = time.perf_counter()
        plan = preview_import("agencies", data)
        previewed = time.perf_counter()
        commit_import("agencies", data, actor=staff)
        committed = time.perf_counter()
        transaction.set_rollback(True)
    if plan.has_errors:
        raise RuntimeError(f"the generated workbook has {plan.error_count} error rows")
    base = extra.name.rsplit(".", 1)[0]
    return [
        Figure(extra.name, round(committed - started, 2), "s", extra.budget),
        Figure(f"{base}.preview_s", round(previewed - started, 2), "s"),
        Figure(f"{base}.commit_s", round(committed - previewed, 2), "s"),
    ]


def measure_bundle_import(province, extra, options) -> list[Figure]:
    """Export the whole synthetic province as a bundle, then preview and import it as a former
    province (600 agencies, 60 blocs, 10 years and the ledger at large), then roll back."""
    from django.db import transaction

    from awards.bundle import bundle_bytes, export_bundle, import_bundle, plan_bundle
    from blocs.models import FormerProvince
    from emulation.models import User

    staff = User.objects.get(pk=province.users["staff"])
    started = time.perf_counter()
    data = bundle_bytes(export_bundle())
    exported = time.perf_counter()
    with transaction.atomic():
        former = FormerProvince.objects.create(
            name=settings.PROVINCE_NAME, merged_on=datetime.date(2025, 7, 1)
        )
        previewed_at = time.perf_counter()
        plan = plan_bundle(data, former)
        previewed = time.perf_counter()
        import_bundle(data, former, actor=staff)
        imported = time.perf_counter()
        transaction.set_rollback(True)
    if plan.has_errors:
        raise RuntimeError(f"the exported bundle has {plan.error_count} errors: {plan.errors[:3]}")
    counts = plan.counts
    base = extra.name.rsplit(".", 1)[0]
    note = (
        f"{counts['agencies']} agencies, {counts['blocs']} blocs, {counts['bloc_years']} "
        f"bloc-years, {counts['memberships']} memberships, {counts['awards']} awards, "
        f"{len(data) / 1e6:.1f} MB"
    )
    return [
        Figure(extra.name, round(imported - previewed_at, 2), "s", extra.budget, note=note),
        Figure(f"{base}.export_s", round(exported - started, 2), "s"),
        Figure(f"{base}.preview_s", round(previewed - previewed_at, 2), "s"),
    ]


EXPORT_RUNS = 3


def measure_council_export(province, extra, options) -> list[Figure]:
    """The council's XLSX list of the last year's proposals (300 in the large province)."""
    from awards.exports import CouncilListExporter

    samples = []
    for _ in range(EXPORT_RUNS):
        started = time.perf_counter()
        CouncilListExporter(province.year).export("xlsx")
        samples.append(time.perf_counter() - started)
    return [
        Figure(
            extra.name,
            round(report.median(samples), 3),
            "s",
            extra.budget,
            note=f"{province.ids['council_proposals']} proposals",
        )
    ]

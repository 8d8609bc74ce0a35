"""Year-end scoring at its size: a 40-member bloc, a table of 40 criteria, everyone scoring
everyone (40 own sheets + 40 x 39 cross-scoring sheets, 64,000 scores), built inside the
measuring transaction and rolled back.

Figures: a member's own sheet page, the head's scoring page (progress, differences, ranking)
and the `awards.scoring` core alone on the same points (the page's arithmetic without the
database).
"""

import time

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from awards import scoring
from awards.models import CriteriaSet, Criterion, Score, ScoreSheet, ScoringPlan
from awards.services.scoring import table_of
from emulation.models import User
from portal.bench import report
from portal.bench.conference40 import build_agencies, build_bloc_year, head_account
from portal.bench.measure import count_queries, time_requests
from portal.bench.report import Figure

MEMBERS = 40
SECTIONS = 4
PER_SECTION = 10  # 40 scored criteria
CORE_RUNS = 20


def _criteria(criteria_set: CriteriaSet) -> list[Criterion]:
    headings = Criterion.objects.bulk_create(
        Criterion(
            criteria_set=criteria_set,
            code=f"S{section}",
            title=f"Mục {section}",
            kind=Criterion.Kind.HEADING,
            order=section * 100,
        )
        for section in range(1, SECTIONS + 1)
    )
    return Criterion.objects.bulk_create(
        Criterion(
            criteria_set=criteria_set,
            parent=heading,
            code=f"{heading.code}.{index}",
            title=f"Tiêu chí {index} của {heading.title.lower()}",
            max_points=2 + index % 3,
            order=heading.order + index,
        )
        for heading in headings
        for index in range(1, PER_SECTION + 1)
    )


def _points(criterion, number, position, sheet):
    """A point below the maximum on every other criterion, by member; a member's own sheet
    gives itself the maximum on every tenth criterion, so each member has four differences to
    settle (160 on the head's page)."""
    if sheet.agency_id == sheet.scorer_id and number % 10 == 0:
        return criterion.max_points
    return criterion.max_points - (position + number + 1) % 2


def build_scored_bloc(province) -> dict:
    """The 40-member bloc with every sheet sent; returns the ids and accounts the pages need."""
    agencies = build_agencies(MEMBERS, "chấm điểm")
    bloc_year = build_bloc_year(
        province.year, agencies, name="Khối thi đua chấm điểm 40 thành viên", code="KTĐCĐ40"
    )
    head = head_account(agencies[0], "truongkhoicd40")
    member = head_account(agencies[len(agencies) // 2], "thanhviencd40")
    criteria_set = CriteriaSet.objects.create(
        year=bloc_year.year, bloc_kind=bloc_year.bloc.kind, bloc_year=bloc_year, title="Bảng 40"
    )
    criteria = _criteria(criteria_set)
    ScoringPlan.objects.create(
        bloc_year=bloc_year, criteria_set=criteria_set, method=ScoringPlan.Method.EVERYONE, seed=1
    )
    sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(
            bloc_year=bloc_year, agency=agency, scorer=scorer, status=ScoreSheet.Status.SUBMITTED
        )
        for agency in agencies
        for scorer in agencies
    )
    position = {agency.pk: index for index, agency in enumerate(agencies)}
    Score.objects.bulk_create(
        (
            Score(
                sheet=sheet,
                criterion=criterion,
                points=_points(criterion, number, position[sheet.agency_id], sheet),
            )
            for sheet in sheets
            for number, criterion in enumerate(criteria)
        ),
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        # Planner statistics for the bulk load, as autovacuum would gather them in a while.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE awards_score, awards_scoresheet, awards_criterion")
    own = next(s for s in sheets if s.agency_id == s.scorer_id == member.agency_id)
    return {"bloc_year": bloc_year, "own_sheet": own.pk, "head": head, "member": member}


def _client(user: User) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def _page_figures(client, url, label, name, budget, requests) -> list[Figure]:
    queries = count_queries(client, url, label)
    samples = time_requests(client, url, label, requests)
    return [
        Figure(name, round(report.percentile(samples, 0.95), 1), "ms", budget, "p95"),
        Figure(f"{name}.median_ms", round(report.median(samples), 1), "ms"),
        Figure(f"{name}.queries", queries, "queries", report.QUERIES_PER_PAGE),
    ]


def _core_inputs(bloc_year_id):
    """The points as the service reads them, so the core is timed alone."""
    criteria_set = CriteriaSet.objects.get(bloc_year_id=bloc_year_id)
    criteria = list(criteria_set.criteria.all())
    table = table_of(criteria, criteria_set.bonus_cap)
    code = {criterion.pk: criterion.code for criterion in criteria}
    sheets = {s.pk: s for s in ScoreSheet.objects.filter(bloc_year_id=bloc_year_id)}
    points = {pk: {} for pk in sheets}
    for sheet_id, criterion_id, value in Score.objects.filter(
        sheet__bloc_year_id=bloc_year_id
    ).values_list("sheet_id", "criterion_id", "points"):
        points[sheet_id][code[criterion_id]] = value
    by_unit = {}
    for sheet in sheets.values():
        own, peers = by_unit.setdefault(sheet.agency_id, [{}, []])
        if sheet.agency_id == sheet.scorer_id:
            by_unit[sheet.agency_id][0] = points[sheet.pk]
        else:
            peers.append(points[sheet.pk])
    return table, by_unit


def core(table, by_unit) -> scoring.Ranking:
    totals = {}
    for unit, (own, peers) in by_unit.items():
        lines = scoring.settle(table, own, peers, "mean")
        totals[unit] = scoring.settled_total(table, lines)
    return scoring.rank(totals)


def measure_scoring(province, extra, options) -> list[Figure]:
    """The member's sheet page, the head's scoring page and the core, at 40 x 39 x 40."""
    with transaction.atomic():
        ids = build_scored_bloc(province)
        bloc_year = ids["bloc_year"]
        sheet_url = reverse("awards:score_sheet", args=[bloc_year.pk, ids["own_sheet"]])
        head_url = reverse("awards:scoring", args=[bloc_year.pk])
        figures = _page_figures(
            _client(ids["member"]),
            sheet_url,
            "scoring.sheet.member",
            "scoring.sheet.member.40_criteria",
            report.PAGE_P95_MS,
            options.requests,
        )
        figures += _page_figures(
            _client(ids["head"]),
            head_url,
            "scoring.head",
            extra.name,
            report.SCORING_HEAD_P95_MS,
            options.requests,
        )
        table, by_unit = _core_inputs(bloc_year.pk)
        cross_scores = MEMBERS * (MEMBERS - 1) * SECTIONS * PER_SECTION
        samples = []
        for _ in range(CORE_RUNS):
            started = time.perf_counter()
            core(table, by_unit)
            samples.append((time.perf_counter() - started) * 1000)
        figures.append(
            Figure(
                "scoring.core.40x39x40_ms",
                round(report.median(samples), 1),
                "ms",
                report.SCORING_CORE_MS,
                f"median of {CORE_RUNS}, {cross_scores:,} cross-scores",
            )
        )
        transaction.set_rollback(True)
    return figures

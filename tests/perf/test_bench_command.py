"""`manage.py bench` runs end to end at the tiny scale and prints the figures as JSON."""

import dataclasses
import json
from io import StringIO

from django.core.management import call_command
from django.db import connection

from emulation.models import User
from portal.bench.extras import EXTRAS
from portal.bench.pages import PAGES


def run_bench(*args) -> dict:
    stdout = StringIO()
    call_command(
        "bench",
        "--scale",
        "tiny",
        "--json",
        "--requests",
        "2",
        "--pdf-runs",
        "1",
        "--database",
        "configured",
        *args,
        stdout=stdout,
        stderr=StringIO(),
    )
    return json.loads(stdout.getvalue())


def test_the_bench_prints_every_figure_as_json_in_a_throwaway_database(
    django_db_blocker, db, monkeypatch
):
    """The 200-member bloc at 20 here, the 40-member scored bloc at 6 (their sizes are
    constants; the figures are the same)."""
    from portal.bench import edges, scoring

    monkeypatch.setattr(edges, "BIG_BLOC", 20)
    monkeypatch.setattr(scoring, "MEMBERS", 6)
    monkeypatch.setattr(edges, "BIG_POLL_CANDIDATES", 5)
    with django_db_blocker.unblock():
        names_before = connection.settings_dict["NAME"]
        result = run_bench()
        assert connection.settings_dict["NAME"] == names_before

    figures = {figure["name"]: figure for figure in result["figures"]}
    assert result["scale"] == "tiny"
    assert "structure" in result["layers"]
    for name in ("migrate.seconds", "generate.tiny.seconds", "generate.tiny.rows"):
        assert figures[name]["value"] > 0, name
    for page in PAGES:
        for role in page.roles:
            prefix = f"page.tiny.{page.name}.{role}"
            assert figures[f"{prefix}.queries"]["budget"] == 25
            assert figures[f"{prefix}.queries"]["within_budget"] in (True, False), prefix
            assert figures[f"{prefix}.median_ms"]["unit"] == "ms"
            assert f"{prefix}.p95_ms" in figures
            assert figures[f"{prefix}.cpu_median_ms"]["value"] > 0, prefix
    for extra in EXTRAS:
        assert extra.name in figures
    papers = figures["edge.ballot_papers.200x40.median_s"]
    assert papers["budget"] == 3 and papers["value"] > 0
    assert 0 < figures["edge.ballot_papers.200x40.pages"]["value"] <= 200
    assert 0 < figures["edge.ballot_papers.200x40.again_cached_s"]["value"] < papers["value"]
    minutes = figures["edge.count_minutes.40x200.median_s"]
    assert minutes["budget"] == 1 and minutes["value"] > 0 and minutes["note"] == "20 members"
    assert figures["edge.count_minutes.40x200.ratio_to_floor"]["value"] > 0
    assert figures["edge.covenant.40_members.median_s"]["note"] == "40 members"
    big_bloc = figures["edge.bloc_year.staff.200_members"]
    assert big_bloc["budget"] == 100 and big_bloc["note"] == "p95, 20 members"
    assert figures["edge.bloc_year.staff.200_members.queries"]["value"] > 0
    head = figures["scoring.head.40x39x40"]
    assert head["budget"] == 150 and head["value"] > 0
    assert figures["scoring.head.40x39x40.queries"]["value"] > 0
    assert figures["scoring.sheet.member.40_criteria"]["budget"] == 100
    assert figures["scoring.sheet.member.40_criteria.queries"]["budget"] == 25
    core = figures["scoring.core.40x39x40_ms"]
    assert core["budget"] == 50 and core["value"] > 0 and "1,200 cross-scores" in core["note"]
    for kind in ("covenant", "count_minutes", "conference_minutes", "achievement_report"):
        assert figures[f"docx.{kind}.median_s"]["value"] > 0, kind
        assert figures[f"docx.{kind}.median_s"]["budget"] == 0.5, kind
        assert figures[f"pdfa.{kind}.overhead_ratio"]["value"] > 0, kind
    assert figures["pdfa.worst.overhead_ratio"]["budget"] == 1.2
    bundle = figures["bundle.bloc_5_proposals.seconds"]
    assert bundle["budget"] == 3 and bundle["value"] > 0 and bundle["note"] == "5 proposals"
    assert figures["page.conference40.p95_max_ms"]["budget"] == 100
    for page in ("conference", "poll_results", "poll_entry"):
        for role in ("staff", "head"):
            prefix = f"page.conference40.{page}.{role}"
            assert figures[f"{prefix}.queries"]["budget"] == 25, prefix
            assert figures[f"{prefix}.queries"]["value"] > 0, prefix
            assert figures[f"{prefix}.p95_ms"]["value"] > 0, prefix
            assert f"{prefix}.median_ms" in figures
    for figure in figures.values():
        assert set(figure) >= {"name", "value", "unit", "budget", "within_budget"}
        assert not figure.get("note", "").startswith("failed"), figure


def test_only_narrows_the_run_and_the_users_database_is_left_alone(django_db_blocker, db):
    User.objects.create(username="nguoidung-that")
    with django_db_blocker.unblock():
        result = run_bench("--only", "year_overview")
    measured = [f["name"] for f in result["figures"] if f["name"].startswith("page.")]
    assert measured
    assert all("year_overview" in name for name in measured)
    assert list(User.objects.values_list("username", flat=True)) == ["nguoidung-that"]


def test_the_edge_layer_is_measured_only_when_asked_and_rolled_back(
    django_db_blocker, db, monkeypatch
):
    """At a small size here (the real one is a million entries and 10,000 agencies)."""
    from portal.bench import edges

    monkeypatch.setattr(edges, "AUDIT_ROWS", 3000)
    monkeypatch.setattr(edges, "AGENCIES", 400)
    monkeypatch.setattr(edges, "EDGE_REQUESTS", 3)
    with django_db_blocker.unblock():
        plain = {f["name"]: f for f in run_bench("--only", "tally")["figures"]}
        edge = {f["name"]: f for f in run_bench("--only", "edge.")["figures"]}
    assert "edge.audit_log" not in plain  # narrowed away like any other figure
    if connection.vendor != "postgresql":
        assert edge["edge.audit_log"]["note"] == "PostgreSQL only"
        return
    for name in ("first", "last", "actor_filter"):
        figure = edge[f"edge.audit_log.{name}.p95_ms"]
        assert figure["value"] > 0 and figure["budget"] == 50, name
    assert edge["edge.agency_search.10000.p95_ms"]["budget"] == 20
    assert edge["edge.agency_search.10000.queries"]["value"] > 0
    assert not any(f.get("note", "").startswith("failed") for f in edge.values())


def test_two_scales_are_timed_in_turn_and_their_growth_read_pair_by_pair(
    django_db_blocker, db, monkeypatch
):
    """A second tiny scale stands in for large → xl: the same page on both, query growth 0 and a
    time growth figure that names its pairs (budgeted only large → xl)."""
    from portal.bench import scales
    from portal.bench.measure import Sample
    from portal.bench.pages import PAGES
    from portal.bench.runner import time_growth_figure

    monkeypatch.setitem(
        scales.SCALES, "tiny2", dataclasses.replace(scales.SCALES["tiny"], name="tiny2")
    )
    monkeypatch.setitem(scales.BASELINE, "tiny2", "tiny")
    with django_db_blocker.unblock():
        figures = {
            f["name"]: f
            for f in run_bench("--scale", "tiny2", "--only", "page.tiny2.bloc_year_detail.staff")[
                "figures"
            ]
        }
    for scale in ("tiny", "tiny2"):
        assert figures[f"page.{scale}.bloc_year_detail.staff.median_ms"]["value"] > 0, scale
    assert figures["page.growth.bloc_year_detail.staff.queries"]["value"] == 0
    growth = figures["page.time_growth.bloc_year_detail.staff"]
    assert growth["value"] > 0 and growth["budget"] is None
    assert growth["note"].startswith("tiny → tiny2, median of 2 interleaved pairs")

    one = next(page for page in PAGES if page.name == "bloc_year_detail")
    lists = next(page for page in PAGES if page.name == "bloc_list")
    pairs = [
        (Sample(0.010, 0), Sample(0.011, 0)),
        (Sample(0.020, 0), Sample(0.060, 0)),
        (Sample(0.010, 0), Sample(0.012, 0)),
    ]
    budgeted = time_growth_figure("x.staff", one, pairs, "large", "xl")
    assert (budgeted.value, budgeted.budget) == (1.2, 1.2)  # the median pair, not the busy one
    assert time_growth_figure("x.staff", lists, pairs, "large", "xl").budget == 2.2

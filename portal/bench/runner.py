"""One bench run: migrate a throwaway template database, clone it for the baseline scale and the
chosen scale and build a province in each, time every page on both in turn (so the growth in
time is read pair by pair), then at the chosen scale the documents, the tally, the import and
the export. Returns the figures; never touches the user's database.
"""

import os
import time
import traceback
import warnings
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from portal.bench import database, report
from portal.bench.extras import EXTRAS
from portal.bench.measure import clients_for, count_queries, sample_request
from portal.bench.pages import ONE, PAGES, page_visits
from portal.bench.province import Province, build_province
from portal.bench.report import Figure
from portal.bench.scales import BASELINE, SCALES, TIME_GROWTH_BUDGETED, TIMED_SCALES


@dataclass
class Options:
    scale: str = "large"
    requests: int = 50
    pdf_runs: int = 5
    database: str = "auto"
    only: list[str] = field(default_factory=list)

    def selected(self, name: str) -> bool:
        return not self.only or any(token in name for token in self.only)


def generation_figures(province: Province) -> list[Figure]:
    prefix = f"generate.{province.scale.name}"
    figures = [
        Figure(f"{prefix}.seconds", round(province.total_seconds, 2), "s"),
        Figure(f"{prefix}.rows", province.total_rows, "rows"),
    ]
    for layer in province.layers:
        figures += [
            Figure(f"{prefix}.{layer}.seconds", round(province.seconds[layer], 2), "s"),
            Figure(f"{prefix}.{layer}.rows", province.rows[layer], "rows"),
        ]
    for layer, error in province.failures.items():
        figures.append(Figure(f"{prefix}.{layer}.rows", None, "rows", note=f"failed: {error}"))
    return figures


@dataclass
class Built:
    """One scale's province in its own database, held open so that its pages and another scale's
    can be timed in turn, request by request."""

    province: Province
    wrapper: object
    clients: dict

    @property
    def scale(self) -> str:
        return self.province.scale.name

    def visits(self) -> dict[str, tuple]:
        """{"page.role": (page, role, url)} for the pages this province supports."""
        return {
            f"{page.name}.{role}": (page, role, url)
            for page, role, url in page_visits(self.province)
        }

    def turn(self):
        # Both databases are clones of one migrated template: content type ids agree.
        return database.using(self.wrapper, clear_content_types=False)


def _timed_in_turn(taking_part: list[tuple[Built, str]], key: str, requests: int) -> list[list]:
    """`requests` rounds; in each, one request per scale, smaller first. Load that comes and goes
    weighs on every scale alike, so their ratio holds on a busy machine."""
    samples = [[] for _ in taking_part]
    for _ in range(requests):
        for index, (built, url) in enumerate(taking_part):
            with built.turn():
                samples[index].append(sample_request(built.clients[_role(key)], url, key))
    return samples


def _role(key: str) -> str:
    return key.rsplit(".", 1)[1]


def _scale_figures(built: Built, key: str, queries, samples, timed_budget) -> list[Figure]:
    prefix = f"page.{built.scale}.{key}"
    walls = [s.wall * 1000 for s in samples]
    return [
        Figure(f"{prefix}.queries", queries, "queries", report.QUERIES_PER_PAGE),
        Figure(f"{prefix}.median_ms", round(report.median(walls), 1), "ms"),
        Figure(f"{prefix}.p95_ms", round(report.percentile(walls, 0.95), 1), "ms", timed_budget),
        Figure(
            f"{prefix}.cpu_median_ms",
            round(report.median([s.cpu * 1000 for s in samples]), 1),
            "ms",
            note="this process's CPU; the rest of the wall time is the database and waiting",
        ),
    ]


def time_growth_figure(key: str, page, pairs, smaller: str, larger: str) -> Figure:
    """The median of the larger/smaller ratio of each interleaved pair; budgeted large → xl."""
    budget = None
    if (smaller, larger) == TIME_GROWTH_BUDGETED:
        budget = report.TIME_GROWTH_ONE if page.reach == ONE else report.TIME_GROWTH_PROVINCE
    ratio = report.median([b.wall / a.wall for a, b in pairs])
    note = f"{smaller} → {larger}, median of {len(pairs)} interleaved pairs"
    if budget is None:
        note += "; budgeted large → xl (bench --scale xl)"
    return Figure(f"page.time_growth.{key}", round(ratio, 2), "x", budget, note=note)


def page_figures(scales: list[Built], options: Options, progress) -> tuple[list, dict]:
    """Queries, median, p95 and CPU per (page, role) at every built scale, timed in turn, and
    the time growth between them; also {scale: {"page.role": queries}} for the query growth."""
    chosen = scales[-1]
    figures, counts = [], {built.scale: {} for built in scales}
    visits = [built.visits() for built in scales]
    for key, (page, _role_name, _url) in visits[-1].items():
        if not options.selected(f"page.{chosen.scale}.{key}"):
            continue
        progress(f"  page.{chosen.scale}.{key}")
        taking_part = [
            (built, visit[key][2])
            for built, visit in zip(scales, visits, strict=True)
            if key in visit
        ]
        try:
            queries = []
            for built, url in taking_part:
                with built.turn():
                    queries.append(count_queries(built.clients[_role(key)], url, key))
            samples = _timed_in_turn(taking_part, key, options.requests)
        except Exception as error:  # a broken page is reported, the run goes on
            figures.append(
                Figure(
                    f"page.{chosen.scale}.{key}.queries",
                    None,
                    "queries",
                    report.QUERIES_PER_PAGE,
                    note=f"failed: {error}"[:300],
                )
            )
            continue
        for (built, _url), count, scale_samples in zip(taking_part, queries, samples, strict=True):
            counts[built.scale][key] = count
            budget = report.PAGE_P95_MS if built.scale in TIMED_SCALES else None
            figures += _scale_figures(built, key, count, scale_samples, budget)
        if len(taking_part) == 2:
            pairs = list(zip(samples[0], samples[1], strict=True))
            figures.append(time_growth_figure(key, page, pairs, scales[0].scale, chosen.scale))
    return figures, counts


def growth_figures(baseline: dict, chosen: dict, smaller: str, scale: str) -> list[Figure]:
    """How many more queries each page makes at `scale` than at the baseline (budget: 0)."""
    return [
        Figure(
            f"page.growth.{key}.queries",
            chosen[key] - baseline[key],
            "queries",
            0,
            note=f"{smaller} {baseline[key]} → {scale} {chosen[key]}",
        )
        for key in chosen
        if key in baseline
    ]


def extra_figures(province: Province, options: Options, progress) -> list[Figure]:
    figures = []
    for extra in EXTRAS:
        if not options.selected(extra.name):
            continue
        if extra.explicit and not options.only:
            figures.append(
                Figure(extra.name, None, extra.unit, extra.budget, note="run with --only edge.")
            )
            continue
        if not extra.available():
            figures.append(
                Figure(extra.name, None, extra.unit, extra.budget, note="feature not built yet")
            )
            continue
        if extra.layer not in province.layers:
            figures.append(
                Figure(extra.name, None, extra.unit, extra.budget, note=f"no {extra.layer} data")
            )
            continue
        progress(f"  {extra.name}")
        try:
            figures += import_string(extra.measure)(province, extra, options)
        except Exception as error:  # measured figures are reported even when one extra breaks
            traceback.print_exc()
            figures.append(
                Figure(extra.name, None, extra.unit, extra.budget, note=f"failed: {error}"[:300])
            )
    return figures


def build_scale(stack: ExitStack, base, template, scale, progress) -> tuple[Built, list]:
    """Clone the migrated template and build the province at `scale` there; the database stays
    open until `stack` closes."""
    target = stack.enter_context(database.throwaway(base, f"bench_{scale.name}", template=template))
    wrapper = database.wrapper_for(target)
    stack.callback(wrapper.close)  # before the database is dropped
    with database.using(wrapper):
        progress(f"building the {scale.name} province")
        province = build_province(scale, strict=False)
        clients = clients_for(province)
    return Built(province, wrapper, clients), generation_figures(province)


def run(options: Options, progress: Callable[[str], None] = lambda line: None):
    """Return (meta, figures) for one bench run at `options.scale`."""
    started = time.perf_counter()
    load_start = round(os.getloadavg()[0], 2)
    # WhiteNoise warns once per handler that staticfiles/ is not collected; pages do not need it.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    base = database.choose_server(options.database)
    wants_pages = any(
        options.selected(f"page.{options.scale}.{page.name}.{role}")
        for page in PAGES
        for role in page.roles
    )
    scales = [options.scale]
    if wants_pages and options.scale in BASELINE:
        scales.insert(0, BASELINE[options.scale])
    figures = []
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    # Every PDF figure is a full render; the render cache's own gain is measured apart.
    with (
        override_settings(DEBUG=False, ALLOWED_HOSTS=hosts, DOCUMENT_RENDER_CACHE_SECONDS=0),
        database.throwaway(base, "bench_template") as template,
        ExitStack() as stack,
    ):
        progress(f"migrating a throwaway {database.vendor_of(base)} database")
        migrate_started = time.perf_counter()
        with database.activate(template):
            call_command("migrate", verbosity=0, interactive=False)
            server = database.server_version()
        figures.append(
            Figure("migrate.seconds", round(time.perf_counter() - migrate_started, 2), "s")
        )
        built = []
        for scale_name in scales:
            one, generated = build_scale(stack, base, template, SCALES[scale_name], progress)
            built.append(one)
            figures += generated
        progress(f"opening pages at {' and '.join(scales)} in turn")
        page_list, counts = page_figures(built, options, progress)
        figures += page_list
        if len(scales) == 2:
            figures += growth_figures(counts[scales[0]], counts[scales[1]], *scales)
        chosen = built[-1]
        with database.using(chosen.wrapper):
            figures += extra_figures(chosen.province, options, progress)
        province = chosen.province
    machine = report.machine(server)
    # Other processes competing for the CPUs inflate every time; say how busy the machine was.
    machine["load_1m_start"] = load_start
    machine["load_1m_end"] = round(os.getloadavg()[0], 2)
    meta = {
        "scale": options.scale,
        "requests_per_page": options.requests,
        "layers": province.layers,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine,
    }
    return meta, figures

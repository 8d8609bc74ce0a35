"""One bench run: migrate a throwaway template database, then for the baseline scale and the chosen
scale clone it, build the province, time the pages; at the chosen scale also the documents, the
tally, the import and the export. Returns the figures; never touches the user's database.
"""

import os
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from portal.bench import database, report
from portal.bench.extras import EXTRAS
from portal.bench.measure import clients_for, count_queries, time_requests
from portal.bench.pages import page_visits
from portal.bench.province import Province, build_province
from portal.bench.report import Figure
from portal.bench.scales import BASELINE, SCALES, TIMED_SCALES


@dataclass
class Options:
    scale: str = "large"
    requests: int = 20
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


def page_figures(province: Province, options: Options, progress) -> tuple[list, dict]:
    """Queries, median and p95 per (page, role); also {"page.role": queries} for growth."""
    scale = province.scale.name
    timed_budget = report.PAGE_P95_MS if scale in TIMED_SCALES else None
    clients = clients_for(province)
    figures, counts = [], {}
    for page, role, url in page_visits(province):
        key = f"{page.name}.{role}"
        prefix = f"page.{scale}.{key}"
        if not options.selected(prefix):
            continue
        progress(f"  {prefix}")
        try:
            queries = count_queries(clients[role], url, key)
            samples = time_requests(clients[role], url, key, options.requests)
        except Exception as error:  # a broken page is reported, the run goes on
            figures.append(
                Figure(
                    f"{prefix}.queries",
                    None,
                    "queries",
                    report.QUERIES_PER_PAGE,
                    note=f"failed: {error}"[:300],
                )
            )
            continue
        counts[key] = queries
        figures += [
            Figure(f"{prefix}.queries", queries, "queries", report.QUERIES_PER_PAGE),
            Figure(f"{prefix}.median_ms", round(report.median(samples), 1), "ms"),
            Figure(
                f"{prefix}.p95_ms", round(report.percentile(samples, 0.95), 1), "ms", timed_budget
            ),
        ]
    return figures, counts


def growth_figures(baseline: dict, chosen: dict, scale: str) -> list[Figure]:
    """How many more queries each page makes at `scale` than at the baseline (budget: 0)."""
    return [
        Figure(
            f"page.growth.{key}.queries",
            chosen[key] - baseline[key],
            "queries",
            0,
            note=f"{BASELINE} {baseline[key]} → {scale} {chosen[key]}",
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


def measure_scale(base, template, scale, options: Options, progress):
    """Clone the migrated template, build the province at `scale` and measure it there."""
    with (
        database.throwaway(base, f"bench_{scale.name}", template=template) as target,
        database.activate(target),
    ):
        progress(f"building the {scale.name} province")
        province = build_province(scale, strict=False)
        figures = generation_figures(province)
        progress(f"opening pages at {scale.name} ({', '.join(province.layers)})")
        page_list, counts = page_figures(province, options, progress)
        figures += page_list
        if scale.name == options.scale:
            figures += extra_figures(province, options, progress)
    return province, figures, counts


def run(options: Options, progress: Callable[[str], None] = lambda line: None):
    """Return (meta, figures) for one bench run at `options.scale`."""
    started = time.perf_counter()
    load_start = round(os.getloadavg()[0], 2)
    # WhiteNoise warns once per handler that staticfiles/ is not collected; pages do not need it.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    base = database.choose_server(options.database)
    wants_pages = options.selected("page.")
    scales = [options.scale]
    if wants_pages and options.scale not in ("tiny", BASELINE):
        scales.insert(0, BASELINE)
    figures, counts = [], {}
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with (
        override_settings(DEBUG=False, ALLOWED_HOSTS=hosts),
        database.throwaway(base, "bench_template") as template,
    ):
        progress(f"migrating a throwaway {database.vendor_of(base)} database")
        migrate_started = time.perf_counter()
        with database.activate(template):
            call_command("migrate", verbosity=0, interactive=False)
            server = database.server_version()
        figures.append(
            Figure("migrate.seconds", round(time.perf_counter() - migrate_started, 2), "s")
        )
        for scale_name in scales:
            province, scale_figures, counts[scale_name] = measure_scale(
                base, template, SCALES[scale_name], options, progress
            )
            figures += scale_figures
    if len(scales) == 2:
        figures += growth_figures(counts[scales[0]], counts[scales[1]], options.scale)
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

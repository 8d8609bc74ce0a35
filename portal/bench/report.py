"""Figures and their budgets, written as JSON or as a table a person can read.

The budgets are DESIGN.md's "Performance budgets" table. The bench measures; it does not judge:
a missed budget is shown as such and the command still exits 0.
"""

import json
import math
import os
import platform
import statistics
from dataclasses import dataclass

import django

QUERIES_PER_PAGE = 25  # any page, the same count for 2 or 200 rows
PAGE_P95_MS = 100  # at large-province scale
TIME_GROWTH_ONE = 1.2  # large → xl, a page showing one bloc, bloc-year or proposal
TIME_GROWTH_PROVINCE = 2.2  # large → xl, a province-wide list (until it is paginated)
MINUTES_PDF_S = 0.4  # count minutes / conference minutes, 16 members
COVENANT_PDF_S = 0.5  # covenant, 16 members
TALLY_MS = 20  # a poll with 100 ballots x 20 candidates
EDGE_AUDIT_LOG_MS = 50  # audit log pages (first, oldest, by actor) at 1,000,000 entries, p95
EDGE_AGENCY_SEARCH_MS = 20  # registry search at 10,000 agencies, p95 server time
REMINDERS_S = 30  # send_reminders for the whole province, every kind of deadline due at once
IMPORT_S = 10  # Excel import of 1,000 agencies, preview + commit
COUNCIL_EXPORT_S = 2  # council export of 300 proposals
BALLOT_PAPERS_S = 3  # ballot papers, 200 papers x 40 candidates
EDGE_COUNT_MINUTES_S = 1  # count minutes of a poll of 40 candidates and 200 ballots
EDGE_COVENANT_40_S = 1  # covenant of a 40-member bloc, every member signed
SCORING_HEAD_P95_MS = 150  # the head's scoring page, 40 members x 39 scorers x 40 criteria
SCORING_CORE_MS = 50  # awards.scoring on those 62,400 cross-scores
DOCX_S = 0.5  # each Word copy
PDFA_RATIO = 1.2  # PDF/A-2b render time over the plain PDF of the same HTML
BUNDLE_S = 3  # the dossier bundles of a bloc's 5 proposals
PROVINCE_BUNDLE_S = (
    60  # a former province's bundle (large: 600 agencies, 10 years), preview + import
)


@dataclass
class Figure:
    name: str
    value: float | int | None
    unit: str
    budget: float | int | None = None
    note: str = ""

    @property
    def within_budget(self) -> bool | None:
        if self.budget is None or self.value is None:
            return None
        return self.value <= self.budget

    def as_dict(self) -> dict:
        data = {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "budget": self.budget,
            "within_budget": self.within_budget,
        }
        if self.note:
            data["note"] = self.note
        return data


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def machine(database: str) -> dict:
    """Where the figures came from: CPUs, memory, Python, Django and the database server."""
    info = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
    }
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            total_kb = int(meminfo.readline().split()[1])
        info["memory_gib"] = round(total_kb / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return info | {"database": database}


def as_json(meta: dict, figures: list[Figure]) -> str:
    return json.dumps(
        {**meta, "figures": [figure.as_dict() for figure in figures]}, ensure_ascii=False, indent=2
    )


def _number(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def as_table(meta: dict, figures: list[Figure]) -> str:
    """One line per figure: name, value, unit, budget and ok / OVER / blank when unbudgeted."""
    width = max([len(figure.name) for figure in figures] + [10])
    lines = [
        " ".join(f"{key}={value}" for key, value in meta.items() if not isinstance(value, dict)),
        " ".join(f"{key}={value}" for key, value in meta.get("machine", {}).items()),
        "",
        f"{'figure'.ljust(width)}  {'value':>10}  {'unit':<8} {'budget':>8}  status",
    ]
    for figure in figures:
        status = {True: "ok", False: "OVER", None: ""}[figure.within_budget]
        note = f"  ({figure.note})" if figure.note else ""
        lines.append(
            f"{figure.name.ljust(width)}  {_number(figure.value):>10}  {figure.unit:<8} "
            f"{_number(figure.budget):>8}  {status}{note}"
        )
    over = sum(1 for figure in figures if figure.within_budget is False)
    lines += ["", f"{len(figures)} figures, {over} over budget."]
    return "\n".join(lines)

"""The synthetic province, built layer by layer into whatever database is active.

Each layer adds one feature's data on top of the previous ones and records the objects the pages
and PDFs are measured on (the "focus" bloc-year of the last year, its poll, its covenant…). A
layer whose feature is not in the code base yet is skipped, so the harness measures what exists.
"""

import importlib.util
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.module_loading import import_string

from portal.bench.scales import Scale


@dataclass
class Province:
    """What a build produced: where the focus objects are and how long each layer took."""

    scale: Scale
    year: int = 0
    bloc_year_id: int = 0
    agency_id: int = 0
    users: dict[str, int] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    bloc_year_ids: list[int] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


@dataclass(frozen=True)
class Layer:
    """One generator step: its name, the builder's dotted path and the feature modules it needs."""

    name: str
    builder: str
    needs: tuple[str, ...] = ()

    def available(self) -> bool:
        return all(importlib.util.find_spec(module) is not None for module in self.needs)


LAYERS = [
    Layer("structure", "portal.bench.structure.build_structure"),
    Layer("covenants", "portal.bench.covenants.build_covenants", ("blocs.models.covenant",)),
    Layer(
        "conferences",
        "portal.bench.conferences.build_conferences",
        ("awards.models.voting", "awards.tally"),
    ),
    Layer(
        "proposals",
        "portal.bench.proposals.build_proposals",
        ("awards.models.proposals", "awards.models.ledger", "awards.models.voting"),
    ),
]


def available_layers() -> list[Layer]:
    return [layer for layer in LAYERS if layer.available()]


def build_province(scale: Scale, *, strict: bool = True) -> Province:
    """Build every available layer at `scale` into the active database, one transaction each.

    With `strict=False` a failing layer is recorded in `failures` and the build stops there
    (later layers build on it), so a run still measures the pages of the layers that were built.
    """
    province = Province(scale=scale)
    for layer in available_layers():
        started = time.perf_counter()
        try:
            with transaction.atomic():
                province.rows[layer.name] = import_string(layer.builder)(province)
        except Exception as error:
            if strict:
                raise
            province.failures[layer.name] = f"{type(error).__name__}: {error}"[:300]
            break
        province.seconds[layer.name] = time.perf_counter() - started
        province.layers.append(layer.name)
    return province

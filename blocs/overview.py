"""The year overview's extension point: columns that other features add to the table of blocs.

`OVERVIEW_COLUMNS` takes `column(bloc_years) -> OverviewColumn | None`, registered by each app in
`AppConfig.ready()` with its order (blocs: flags, covenant, registrations; awards: conference,
proposals). A provider receives every bloc-year on the page at once, each annotated with its
`member_count`, and must answer with at most two queries for all rows together, so the overview's
query count does not grow with the number of blocs.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from emulation.hooks import Hook


@dataclass
class OverviewColumn:
    """One column of the year overview: a cell per bloc-year id and a total for the footer."""

    key: str
    title: str
    cells: dict[int, str] = field(default_factory=dict)
    total: str = ""
    url_name: str | None = None

    def cell(self, bloc_year_id: int) -> str:
        return self.cells.get(bloc_year_id, "")


OVERVIEW_COLUMNS: Hook[Callable[[list], OverviewColumn | None]] = Hook("blocs.overview_columns")


def overview_columns(bloc_years) -> list[OverviewColumn]:
    """Resolve every registered provider, in order, for `bloc_years`; providers may return None."""
    bloc_years = list(bloc_years)
    columns = []
    for provider in OVERVIEW_COLUMNS:
        column = provider(bloc_years)
        if column is not None:
            columns.append(column)
    return columns

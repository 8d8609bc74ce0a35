"""The year overview's extension point: columns that other features add to the table of blocs.

Each entry of `OVERVIEW_COLUMNS` is a dotted path to `column(bloc_years) -> OverviewColumn | None`.
A provider receives every bloc-year on the page at once and must answer with at most two queries
for all rows together, so the overview's query count does not grow with the number of blocs.
"""

from dataclasses import dataclass, field

from django.utils.module_loading import import_string

# Features append one dotted path each, e.g. "blocs.covenant.overview.covenant_column".
OVERVIEW_COLUMNS: list[str] = [
    "blocs.views.structure.flags_column",
    "blocs.views.covenants.covenant_column",
    "blocs.views.covenants.registration_column",
    "awards.views.voting.conference_column",
    "awards.views.proposals.overview_column",
]


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


def overview_columns(bloc_years) -> list[OverviewColumn]:
    """Resolve every registered provider, in order, for `bloc_years`; providers may return None."""
    bloc_years = list(bloc_years)
    columns = []
    for path in OVERVIEW_COLUMNS:
        column = import_string(path)(bloc_years)
        if column is not None:
            columns.append(column)
    return columns

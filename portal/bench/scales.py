"""How big the synthetic province is at each named scale."""

from dataclasses import dataclass

# The last year of the synthetic province; its bloc-years are the ones whose pages are measured.
LAST_YEAR = 2024


@dataclass(frozen=True)
class Scale:
    """Sizes of one synthetic province.

    `focus_members` is the size of the first bloc, whose last bloc-year is the one every page and
    PDF is measured on (the budgets speak of a 16-member bloc); the other agencies are spread
    evenly over the remaining blocs.
    """

    name: str
    blocs: int
    agencies: int
    years: int
    focus_members: int
    polls_per_conference: int = 5
    candidates_per_poll: int = 3

    @property
    def year_range(self) -> range:
        return range(LAST_YEAR - self.years + 1, LAST_YEAR + 1)


SCALES = {
    "tiny": Scale("tiny", blocs=3, agencies=12, years=2, focus_members=4),
    "small": Scale("small", blocs=5, agencies=50, years=3, focus_members=16),
    "large": Scale("large", blocs=60, agencies=600, years=10, focus_members=16),
    "xl": Scale("xl", blocs=180, agencies=1800, years=10, focus_members=16),
}

# The smaller scale a run also builds, so the output shows whether queries and time grow: pages
# are timed on both in turn, request by request. Time-growth budgets are stated large → xl.
BASELINE = {"large": "small", "xl": "large"}
TIME_GROWTH_BUDGETED = ("large", "xl")
# Page time budgets (p95) are stated for the large province; they apply from this size up.
TIMED_SCALES = ("large", "xl")

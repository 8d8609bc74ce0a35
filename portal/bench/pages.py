"""The main pages, as data: what the bench times and what tests/perf pins the query count of.

A page names the generator layer whose data it shows, builds its URL from the province's focus
objects, and lists the roles that open it in real use (each must get 200). Add a row when a
feature adds a page people open every day; the query-count tests pick it up automatically.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from portal.bench.province import Province

STAFF = ("staff",)
BLOC_YEAR_READERS = ("staff", "head", "deputy", "member", "observer")
RUNNERS = ("staff", "head", "deputy")


ONE = "one"  # shows one bloc, bloc-year or proposal: its time should not grow with the province
PROVINCE = "province"  # a province-wide list: grows until it is paginated


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Province], str]
    roles: tuple[str, ...]
    layer: str = "structure"
    reach: str = ONE


PAGES = [
    # Every user's start page: to-dos, unread notifications, the coming dates, their blocs.
    Page("home", lambda p: reverse("home"), ("staff", "head", "member", "observer"), "covenants"),
    Page(
        "year_overview",
        lambda p: reverse("blocs:year_overview") + f"?year={p.year}",
        STAFF,
        reach=PROVINCE,
    ),
    Page(
        "bloc_year_detail",
        lambda p: reverse("blocs:bloc_year_detail", args=[p.bloc_year_id]),
        BLOC_YEAR_READERS,
    ),
    Page("agency_list", lambda p: reverse("blocs:agency_list"), STAFF, reach=PROVINCE),
    Page(
        "agency_search",
        lambda p: reverse("blocs:agency_list") + "?q=so+y+te",
        STAFF,
        reach=PROVINCE,
    ),
    Page("agency_detail", lambda p: reverse("blocs:agency_detail", args=[p.agency_id]), STAFF),
    Page("bloc_list", lambda p: reverse("blocs:bloc_list"), STAFF, reach=PROVINCE),
    Page("audit_log", lambda p: reverse("audit_log"), STAFF, reach=PROVINCE),
    Page(
        "covenant_detail",
        lambda p: reverse("blocs:covenant_detail", args=[p.bloc_year_id]),
        BLOC_YEAR_READERS,
        "covenants",
    ),
    Page(
        "registration_list",
        lambda p: reverse("blocs:registration_list", args=[p.bloc_year_id]),
        RUNNERS,
        "covenants",
    ),
    Page(
        "registration_detail",
        lambda p: reverse(
            "blocs:registration_detail", args=[p.bloc_year_id, p.ids["registration"]]
        ),
        ("head", "member"),
        "covenants",
    ),
    Page(
        "conference",
        lambda p: reverse("awards:conference", args=[p.bloc_year_id]),
        BLOC_YEAR_READERS,
        "conferences",
    ),
    Page(
        "poll_results",
        lambda p: reverse("awards:poll_detail", args=[p.bloc_year_id, p.ids["poll"]]),
        BLOC_YEAR_READERS,
        "conferences",
    ),
    Page(
        "poll_entry",
        lambda p: reverse("awards:poll_ballots", args=[p.bloc_year_id, p.ids["open_poll"]]),
        RUNNERS,
        "conferences",
    ),
    Page(
        "bloc_year_proposals",
        lambda p: reverse("awards:bloc_year_proposals", args=[p.bloc_year_id]),
        BLOC_YEAR_READERS,
        "proposals",
    ),
    Page(
        "proposal_detail",
        lambda p: reverse("awards:proposal_detail", args=[p.bloc_year_id, p.ids["proposal"]]),
        BLOC_YEAR_READERS,
        "proposals",
    ),
    Page(
        "proposal_workspace",
        lambda p: reverse("awards:proposal_workspace") + f"?year={p.year}",
        STAFF,
        "proposals",
        reach=PROVINCE,
    ),
    Page("ledger", lambda p: reverse("awards:ledger"), STAFF, "proposals", reach=PROVINCE),
    Page(
        "award_statistics",
        lambda p: reverse("awards:award_statistics"),
        STAFF,
        "proposals",
        reach=PROVINCE,
    ),
]


# The PDFs people print from those pages while they are not yet issued (each rendered on request,
# or served again from the render cache): the load test's 5 % of documents.
DOCUMENTS = [
    Page(
        "covenant_pdf",
        lambda p: reverse("blocs:covenant_pdf", args=[p.bloc_year_id]),
        ("head",),
        "covenants",
    ),
    Page(
        "ballot_papers_pdf",
        lambda p: reverse("awards:poll_papers", args=[p.bloc_year_id, p.ids["open_poll"]]),
        ("head",),
        "conferences",
    ),
    Page(
        "count_minutes_pdf",
        lambda p: reverse("awards:conference_minutes", args=[p.bloc_year_id, "count"]),
        ("head",),
        "conferences",
    ),
    Page(
        "council_list_pdf",
        lambda p: reverse("awards:council_list_pdf") + f"?year={p.year}",
        STAFF,
        "proposals",
        reach=PROVINCE,
    ),
]


def pages_for(province: Province, pages: list[Page] = PAGES) -> list[Page]:
    """The pages whose data the province has."""
    return [page for page in pages if page.layer in province.layers]


def page_visits(province: Province, pages: list[Page] = PAGES) -> list[tuple[Page, str, str]]:
    """Every (page, role, url) the province supports, in list order."""
    return [
        (page, role, page.url(province))
        for page in pages_for(province, pages)
        for role in page.roles
    ]

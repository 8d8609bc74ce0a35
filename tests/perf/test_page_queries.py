"""Query counts of every main page, as each role opens it, from the bench's own page list.

Each page must stay within the budget of 25 queries and make exactly as many queries for a tiny
province as for one with three times the blocs, five times the agencies and a bloc of 12 members
instead of 4, so no list on it queries row by row. Times are the bench's business, not tests'.
Both provinces are built once for the module, counted page by page and rolled back.
"""

from dataclasses import replace
from pathlib import Path

import pytest
from django.db import connection, transaction

from portal.bench.measure import clients_for, count_queries
from portal.bench.pages import PAGES
from portal.bench.province import build_province
from portal.bench.report import QUERIES_PER_PAGE
from portal.bench.scales import SCALES
from tests.queries import assert_same_queries

SMALL = SCALES["tiny"]
LARGER = replace(
    SMALL,
    name="tiny-larger",
    blocs=9,
    agencies=60,
    years=4,
    focus_members=12,
)
VISITS = [(page, role) for page in PAGES for role in page.roles]
# The mark makes pytest-django create the test database before the module fixture runs.
pytestmark = pytest.mark.django_db


def counts_at(scale) -> dict:
    """{(page name, role): queries or the error} for every visit, in a rolled-back province."""
    counts = {}
    with transaction.atomic():
        province = build_province(scale)
        clients = clients_for(province)
        for page, role in VISITS:
            if page.layer not in province.layers:
                counts[page.name, role] = f"the {page.layer} layer was not built"
                continue
            try:
                counts[page.name, role] = count_queries(
                    clients[role], page.url(province), f"{page.name}.{role}"
                )
            except Exception as error:  # reported by the visit's own test
                counts[page.name, role] = repr(error)
        transaction.set_rollback(True)
    return counts


@pytest.fixture(scope="module")
def query_counts(django_db_setup, django_db_blocker):
    name = str(connection.settings_dict["NAME"])
    assert "memory" in name or Path(name).name.startswith("test_"), f"not a test database: {name}"
    with django_db_blocker.unblock():
        return counts_at(SMALL), counts_at(LARGER)


@pytest.mark.parametrize(
    ("page", "role"), VISITS, ids=[f"{page.name}-{role}" for page, role in VISITS]
)
def test_a_main_page_makes_the_same_few_queries_whatever_the_size_of_the_province(
    query_counts, page, role
):
    small, larger = (counts[page.name, role] for counts in query_counts)
    assert isinstance(small, int), f"{page.name} as {role}: {small}"
    assert isinstance(larger, int), f"{page.name} as {role}: {larger}"
    assert_same_queries(small, larger, at_most=QUERIES_PER_PAGE, label=f"{page.name} as {role}")


def test_the_larger_province_really_is_larger():
    assert LARGER.agencies >= 5 * SMALL.agencies
    assert LARGER.focus_members >= 3 * SMALL.focus_members
    assert LARGER.years > SMALL.years

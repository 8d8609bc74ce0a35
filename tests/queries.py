"""Query-count assertions: a count that is wrong fails with every captured statement, numbered,
so the query that broke it is on the screen without re-running with -v."""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.bench.measure import QueryCount


@contextmanager
def _assert_queries(limit: int, *, exact: bool):
    with CaptureQueriesContext(connection) as context:
        yield context
    count = QueryCount(query["sql"] for query in context.captured_queries)
    if count != limit if exact else count > limit:
        expected = str(limit) if exact else f"at most {limit}"
        pytest.fail(f"Expected {expected} queries, {count} were made:\n{count.numbered()}")


def assert_num_queries(count: int):
    """The block makes exactly `count` queries."""
    return _assert_queries(count, exact=True)


def assert_max_queries(limit: int):
    """The block makes at most `limit` queries."""
    return _assert_queries(limit, exact=False)


def assert_same_queries(
    *counts: QueryCount, at_most: int | None = None, exactly: int | None = None, label: str = ""
) -> None:
    """Runs of one page at different sizes (from capture_queries or measure.count_queries)
    made as many queries, so nothing on it queries row by row; `at_most` is its budget and
    `exactly` its pinned count. Otherwise fail with each run's SQL, numbered."""
    problems = []
    if len(set(counts)) > 1:
        problems.append(f"the runs made {' and '.join(str(count) for count in counts)} queries")
    if at_most is not None and max(counts) > at_most:
        problems.append(f"more than the budget of {at_most}")
    if exactly is not None and any(count != exactly for count in counts):
        problems.append(f"expected exactly {exactly}")
    if problems:
        runs = [f"Run {number}:\n{count.numbered()}" for number, count in enumerate(counts, 1)]
        prefix = f"{label}: " if label else ""
        pytest.fail(prefix + "; ".join(problems) + "\n" + "\n".join(runs))

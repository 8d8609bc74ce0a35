"""Opening pages in-process: the query count (with its SQL) of one request and server time over
many.

The Django test client drives the full middleware and template stack without a network, so the
time measured is the server's own work for the request.
"""

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from emulation.models import User
from portal.bench.pages import page_visits
from portal.bench.province import Province

WARM_UP = 2


class PageFailed(RuntimeError):
    """A page answered something other than 200 for a role that opens it in real use."""


def clients_for(province: Province) -> dict[str, Client]:
    """A logged-in client per role of the province's cast."""
    clients = {}
    users = User.objects.in_bulk(province.users.values())
    for role, user_id in province.users.items():
        client = Client(raise_request_exception=True)
        client.force_login(users[user_id])
        clients[role] = client
    return clients


def get_ok(client: Client, url: str, label: str):
    response = client.get(url)
    if response.status_code != 200:
        raise PageFailed(f"{label}: {url} answered {response.status_code}, expected 200")
    return response


def numbered_sql(statements) -> str:
    """The statements one per line, numbered from 1, to read which query is one too many."""
    return "\n".join(f"{number}. {sql}" for number, sql in enumerate(statements, 1))


class QueryCount(int):
    """A number of queries that keeps their SQL, so a count that is wrong can show why: it
    compares and prints as the number, and `.sql` / `.numbered()` give the statements."""

    sql: tuple[str, ...]

    def __new__(cls, statements):
        statements = tuple(statements)
        count = super().__new__(cls, len(statements))
        count.sql = statements
        return count

    def __getnewargs__(self):
        return (self.sql,)

    def numbered(self) -> str:
        return numbered_sql(self.sql)


def capture_queries(callable_, *args, **kwargs) -> QueryCount:
    """The queries `callable_(*args, **kwargs)` made on the default database."""
    with CaptureQueriesContext(connection) as captured:
        callable_(*args, **kwargs)
    return QueryCount(query["sql"] for query in captured.captured_queries)


def count_queries(client: Client, url: str, label: str) -> QueryCount:
    """Queries of one warm request (caches such as content types already filled)."""
    for _ in range(WARM_UP):
        get_ok(client, url, label)
    return capture_queries(get_ok, client, url, label)


@dataclass(frozen=True)
class Sample:
    """One timed call: wall-clock seconds and this process's CPU seconds (the database server's
    work is in the gap between the two)."""

    wall: float
    cpu: float


def sample(callable_: Callable[[], object]) -> Sample:
    wall, cpu = time.perf_counter(), time.process_time()
    callable_()
    return Sample(time.perf_counter() - wall, time.process_time() - cpu)


def sample_request(client: Client, url: str, label: str) -> Sample:
    return sample(lambda: get_ok(client, url, label))


def time_requests(client: Client, url: str, label: str, requests: int) -> list[float]:
    """Server time of `requests` sequential requests, in milliseconds. The bench's own heap (the
    province it built) is frozen meanwhile, as a worker freezes its start-up heap
    (portal/wsgi.py): the collector's full passes then weigh what the pages allocate, not it."""
    samples = []
    gc.collect()
    gc.freeze()
    try:
        for _ in range(requests):
            started = time.perf_counter()
            get_ok(client, url, label)
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        gc.unfreeze()
    return samples


def page_query_counts(province: Province) -> dict[str, int]:
    """{"page.role": queries} for every page and role the province supports."""
    clients = clients_for(province)
    return {
        f"{page.name}.{role}": count_queries(clients[role], url, f"{page.name}.{role}")
        for page, role, url in page_visits(province)
    }

"""Opening pages in-process: the query count of one request and server time over many.

The Django test client drives the full middleware and template stack without a network, so the
time measured is the server's own work for the request.
"""

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from emulation.bench.pages import page_visits
from emulation.bench.province import Province
from emulation.models import User

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


def count_queries(client: Client, url: str, label: str) -> int:
    """Queries of one warm request (caches such as content types already filled)."""
    for _ in range(WARM_UP):
        get_ok(client, url, label)
    with CaptureQueriesContext(connection) as captured:
        get_ok(client, url, label)
    return len(captured.captured_queries)


def time_requests(client: Client, url: str, label: str, requests: int) -> list[float]:
    """Server time of `requests` sequential requests, in milliseconds."""
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        get_ok(client, url, label)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def page_query_counts(province: Province) -> dict[str, int]:
    """{"page.role": queries} for every page and role the province supports."""
    clients = clients_for(province)
    return {
        f"{page.name}.{role}": count_queries(clients[role], url, f"{page.name}.{role}")
        for page, role, url in page_visits(province)
    }

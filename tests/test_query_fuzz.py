"""No query string makes a page fail: every parameter a page reads, given hostile values, as a
role that may open the page, answers below 500 (a Vietnamese message or the parameter ignored).

The parameters are those the page itself reads (recorded on a first plain request), so a new
filter is fuzzed the day it is added.
"""

import pytest
from django.conf import settings as django_settings
from django.http import QueryDict

from tests import param_recorder
from tests.test_permissions import MATRIX

HOSTILE = (
    "a\x00b",  # PostgreSQL refuses NUL in text
    "'\"<script>%_",
    "-1",
    "0",
    "9" * 25,
    "31/02/2025",
    "abc",
    "x" * 100_000,
)
READERS = ("staff", "head", "deputy", "member")
COMMON = ("page", "q", "year")


def _reader(expected):
    return next((role for role in READERS if expected.get(role) == 200), None)


PAGES = [row for row in MATRIX if _reader(row[2])]


@pytest.fixture
def recording(settings):
    settings.MIDDLEWARE = [
        *django_settings.MIDDLEWARE,
        "tests.param_recorder.RecordQueryParameters",
    ]
    param_recorder.READ.clear()
    return param_recorder.READ


@pytest.mark.parametrize(("name", "build_url", "expected"), PAGES, ids=[row[0] for row in PAGES])
def test_hostile_query_parameters_never_fail_a_page(
    cast_clients, bloc_year, recording, name, build_url, expected
):
    client = cast_clients[_reader(expected)]
    url = build_url(bloc_year)
    assert client.get(url).status_code == 200
    parameters = sorted(set(recording) | set(COMMON))
    failures = []
    path, _, query = url.partition("?")
    for parameter in parameters:
        for value in HOSTILE:
            data = QueryDict(query, mutable=True)
            data[parameter] = value
            try:
                status = client.get(f"{path}?{data.urlencode()}").status_code
            except Exception as error:  # the test client re-raises what the view raised
                status = f"{type(error).__name__}: {str(error)[:80]}"
            if not isinstance(status, int) or status >= 500:
                failures.append((parameter, value[:20], status))
    assert not failures, f"{name}: {failures}"

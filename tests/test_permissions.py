"""Every URL with the status each role gets on GET. New pages add a row here.

A row: (name, url builder taking the cast's bloc_year, {role: status}). 302 for anonymous means
"sent to the login page"; outsiders get 404 on anything inside a bloc-year they do not belong to.
"""

import pytest
from django.urls import reverse

ROLES = ("staff", "head", "deputy", "member", "outsider", "anonymous")


def everyone(status, *, anonymous=302):
    return {**dict.fromkeys(ROLES, status), "anonymous": anonymous}


def staff_only(*, others=403):
    return {**dict.fromkeys(ROLES, others), "staff": 200, "anonymous": 302}


def bloc_year_readers(status=200):
    """Readable by staff and every member role; 404 to outsiders."""
    return {**dict.fromkeys(ROLES, status), "outsider": 404, "anonymous": 302}


def bloc_year_runners():
    """Staff, head and deputy; a plain member is refused (403); outsiders 404."""
    return {
        "staff": 200,
        "head": 200,
        "deputy": 200,
        "member": 403,
        "outsider": 404,
        "anonymous": 302,
    }


MATRIX = [
    ("home", lambda by: reverse("home"), everyone(302)),
    ("healthz", lambda by: reverse("healthz"), everyone(200, anonymous=200)),
    ("login", lambda by: reverse("login"), {**everyone(302), "anonymous": 200}),
    ("password_change", lambda by: reverse("password_change"), everyone(200)),
    ("audit_log", lambda by: reverse("audit_log"), staff_only()),
    ("year_overview", lambda by: reverse("blocs:year_overview"), staff_only()),
    (
        "bloc_year_detail",
        lambda by: reverse("blocs:bloc_year_detail", args=[by.pk]),
        bloc_year_readers(),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "build_url", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_each_role_gets_the_expected_status(
    cast_clients, bloc_year, role, name, build_url, expected
):
    response = cast_clients[role].get(build_url(bloc_year))
    assert response.status_code == expected[role], f"{role} on {name}"


def test_every_named_url_is_in_the_matrix():
    """A page added without a matrix row fails here, so nobody forgets its permissions."""
    from django.urls import get_resolver

    skipped = {"logout", "set_language", "password_change_done"}
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                if pattern.namespace == "admin":
                    continue
                walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    covered = {row[0] for row in MATRIX} | set(POST_ONLY)
    missing = {name for name in names if name.split(":")[-1] not in covered} - skipped
    assert not missing, f"URLs without a permission-matrix row: {sorted(missing)}"


# URL names reached only by POST (forms on other pages); their permission tests live with the
# feature's view tests.
POST_ONLY: list[str] = []

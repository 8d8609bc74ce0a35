"""A database outage answers 503, never a bare "Server Error (500)": /healthz says so to anyone,
every page shows the portal's Vietnamese outage page, and the portal comes back by itself when
the database does.

The PostgreSQL tests run the portal behind a one-thread WSGI server, as a gunicorn sync worker
runs it (one thread keeping one connection across requests), and take the database away for
real: the server's connection is cut with pg_terminate_backend and new connections go to a port
where nothing listens. Only this process's settings change, so nothing can leave the database
refusing connections after the test.
"""

import http.client
import logging
import socket
import threading
from contextlib import contextmanager
from unittest import mock
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import InterfaceError, OperationalError, connection, connections
from django.test import Client
from django.urls import path

from portal import urls as portal_urls
from tests.conftest import PASSWORD

OUTAGE_HEADING = "Hệ thống tạm thời không truy cập được cơ sở dữ liệu"
SESSION_LOAD = "django.contrib.sessions.backends.db.SessionStore.load"
# Any 32+ characters do: the CSRF check compares the form's token with the cookie's.
CSRF = "o" * 32


def _fails_with_a_database_error(request):
    raise OperationalError("connection refused")


def _fails_with_a_bug(request):
    raise ValueError("a bug, not an outage")


# The portal's URLs and error handlers, plus two views that fail (the tests marked `urls`).
urlpatterns = [
    path("outage-test/database/", _fails_with_a_database_error),
    path("outage-test/bug/", _fails_with_a_bug),
    *portal_urls.urlpatterns,
]
handler500 = portal_urls.handler500


@pytest.fixture(autouse=True)
def _not_debug(settings):
    settings.DEBUG = False


def _signed_in_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _assert_outage_page(status, retry_after, text):
    assert status == 503
    assert retry_after is not None and int(retry_after) > 0
    assert OUTAGE_HEADING in text
    assert "bootstrap.min.css" in text
    assert "Server Error" not in text


def test_a_signed_in_healthz_never_reads_the_session(member):
    client = _signed_in_client(member)
    with mock.patch(SESSION_LOAD, side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_failed_session_lookup_is_the_outage_page(member, error):
    client = _signed_in_client(member)
    with mock.patch(SESSION_LOAD, side_effect=error("connection already closed")):
        response = client.get("/")
    _assert_outage_page(response.status_code, response.get("Retry-After"), response.text)


def test_an_error_that_is_not_the_database_stays_a_500(member):
    client = _signed_in_client(member)
    with mock.patch(SESSION_LOAD, side_effect=ValueError("a bug")):
        response = client.get("/")
    assert response.status_code == 500
    assert "Cổng đang gặp sự cố" in response.text
    assert OUTAGE_HEADING not in response.text


@pytest.mark.urls(__name__)
def test_a_view_that_loses_the_database_is_the_outage_page_logged_once(member, caplog):
    client = _signed_in_client(member)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/outage-test/database/")
    _assert_outage_page(response.status_code, response.get("Retry-After"), response.text)
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert len(logged) == 1
    assert isinstance(logged[0].exc_info[1], OperationalError)


@pytest.mark.urls(__name__)
def test_a_view_with_a_bug_is_still_the_500_page(member):
    response = _signed_in_client(member).get("/outage-test/bug/")
    assert response.status_code == 500
    assert "Cổng đang gặp sự cố" in response.text
    assert "Retry-After" not in response


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def portal_server(transactional_db):
    """The portal on a one-thread server: every request in the same thread and connection."""
    if connection.vendor != "postgresql":
        pytest.skip("cuts PostgreSQL connections")
    server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=_QuietHandler)

    def serve():
        try:
            server.serve_forever()
        finally:
            connections.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()
    server.server_close()


def _request(port, path, *, session=None, form=None, csrf=None):
    cookies = {settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: csrf}
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items() if value)
    headers = {"Cookie": cookie} if cookie else {}
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        form = urlencode({**form, "csrfmiddlewaretoken": csrf})
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    client.request("POST" if form is not None else "GET", path, body=form, headers=headers)
    response = client.getresponse()
    body = response.read().decode()
    client.close()
    return response.status, response.getheader("Retry-After"), body


def _get(port, path, session=None):
    return _request(port, path, session=session)


def _session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _cut_the_servers_connections():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@contextmanager
def _database_down():
    """PostgreSQL gone: open connections cut, new ones refused; back on leaving."""
    database = connection.settings_dict
    saved = database["HOST"], database["PORT"]
    connection.ensure_connection()
    with socket.socket() as bound_not_listening:
        bound_not_listening.bind(("127.0.0.1", 0))
        database["HOST"], database["PORT"] = "127.0.0.1", bound_not_listening.getsockname()[1]
        try:
            _cut_the_servers_connections()
            yield
        finally:
            database["HOST"], database["PORT"] = saved


@pytest.mark.postgres
def test_an_outage_is_503_for_everyone_and_the_portal_comes_back_by_itself(portal_server, member):
    session = _session_of(member)
    assert _get(portal_server, "/", session)[0] == 200
    with _database_down():
        assert _get(portal_server, "/healthz", session) == (503, None, "database unavailable\n")
        _assert_outage_page(*_get(portal_server, "/", session))
        _assert_outage_page(*_get(portal_server, "/blocs/", session))
        # The sign-in form needs no database; signing in does.
        assert _get(portal_server, "/login/")[0] == 200
        signing_in = {"username": member.username, "password": PASSWORD}
        _assert_outage_page(*_request(portal_server, "/login/", form=signing_in, csrf=CSRF))
    assert _get(portal_server, "/", session)[0] == 200
    assert _get(portal_server, "/healthz", session)[0] == 200


@pytest.mark.postgres
def test_a_kept_connection_the_database_dropped_is_replaced_without_an_error(portal_server, member):
    session = _session_of(member)
    assert _get(portal_server, "/", session)[0] == 200
    _cut_the_servers_connections()
    assert _get(portal_server, "/", session)[0] == 200

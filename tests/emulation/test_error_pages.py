"""Errors answer in Vietnamese, in the portal's layout, with the way home; the 500 page needs
neither the request nor the database."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.usefixtures("_not_debug")


@pytest.fixture
def _not_debug(settings):
    settings.DEBUG = False


def test_an_unknown_page_is_a_vietnamese_404_with_the_menu(member_client):
    response = member_client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Không tìm thấy trang" in text
    assert 'data-testid="whoami"' in text
    assert f'href="{reverse("home")}"' in text


def test_a_bloc_year_of_another_bloc_is_the_same_404(outsider_client, bloc_year):
    response = outsider_client.get(reverse("blocs:bloc_year_detail", args=[bloc_year.pk]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_a_forbidden_page_is_a_vietnamese_403(member_client):
    response = member_client.get(reverse("audit_log"))
    assert response.status_code == 403
    text = response.content.decode()
    assert "Bạn không có quyền làm việc này" in text
    assert "403 Forbidden" not in text


@pytest.mark.parametrize(
    ("handler", "exception", "status", "heading"),
    [
        (defaults.bad_request, SuspiciousOperation("x"), 400, "Yêu cầu không hợp lệ"),
        (defaults.permission_denied, PermissionDenied(), 403, "Bạn không có quyền làm việc này"),
    ],
)
def test_the_handlers_render_the_portal_pages(rf, handler, exception, status, heading, db):
    request = rf.get("/")
    request.user = AnonymousUser()
    response = handler(request, exception)
    assert response.status_code == status
    assert heading in response.content.decode()


def test_the_500_page_renders_without_a_request_context_or_database():
    request = RequestFactory().get("/")
    response = defaults.server_error(request)
    text = response.content.decode()
    assert response.status_code == 500
    assert "Cổng đang gặp sự cố" in text
    assert "bootstrap.min.css" in text


def test_the_error_pages_are_translated():
    with translation.override("en"):
        text = defaults.server_error(RequestFactory().get("/")).content.decode()
    assert "The portal has a problem" in text


def test_a_form_without_its_csrf_token_gets_a_vietnamese_page_and_changes_nothing(member, db):
    from django.conf import settings
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    text = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in text and "CSRF verification failed" not in text
    assert "bootstrap.min.css" in text
    assert client.get(reverse("home")).status_code == 200  # still signed in
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "The form has expired" in client.post(reverse("logout")).content.decode()

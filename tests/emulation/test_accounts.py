"""Login, logout and password change (login protection: test_login_protection.py)."""

import unicodedata

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from emulation.middleware import PUBLIC_PATHS
from tests.conftest import PASSWORD
from tests.factories import UserFactory


def log_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_login_page_is_in_vietnamese(anonymous_client):
    response = anonymous_client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in content
    assert "Tên đăng nhập" in content
    assert "Mật khẩu" in content
    assert "Đăng nhập" in content


def test_a_user_logs_in_with_the_right_password_and_lands_home(anonymous_client, bloc_head):
    response = log_in(anonymous_client, "truongkhoi", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_username_typed_in_nfd_still_logs_in(anonymous_client, db):
    UserFactory(username="tùng.nv")
    typed = unicodedata.normalize("NFD", "tùng.nv")
    assert typed != "tùng.nv"
    assert log_in(anonymous_client, typed, PASSWORD).status_code == 302


def test_a_very_long_username_is_refused_without_an_error_page(anonymous_client, db):
    response = log_in(anonymous_client, "a" * 10_000, "x" * 10_000)
    assert response.status_code == 200
    assert "_auth_user_id" not in anonymous_client.session


def test_html_in_the_username_is_shown_escaped(anonymous_client, db):
    response = log_in(anonymous_client, '<script>alert("x")</script>', "sai")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<script>alert("x")' not in content
    assert "&lt;script&gt;" in content


def test_a_null_byte_in_the_username_is_refused_cleanly(anonymous_client, db):
    response = log_in(anonymous_client, "truong\x00khoi", "sai")
    assert response.status_code == 200


def test_a_signed_in_user_opening_the_login_page_goes_home(head_client):
    assert head_client.get(reverse("login"))["Location"] == reverse("home")


def test_logout_needs_a_post(head_client):
    assert head_client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in head_client.session


def test_logout_by_post_signs_out_and_returns_to_login(head_client):
    response = head_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert head_client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in head_client.session


def test_the_password_change_page_is_in_vietnamese(member_client):
    content = member_client.get(reverse("password_change")).content.decode()
    assert "Đổi mật khẩu" in content
    assert "Lưu mật khẩu mới" in content


def test_a_user_changes_their_password_and_logs_in_with_the_new_one(member_client, member):
    new_password = "Giao-uoc-thi-dua-2025"
    response = member_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert "Đã đổi mật khẩu" in member_client.get(response["Location"]).content.decode()
    assert log_in(Client(), "thanhvien", new_password).status_code == 302
    assert log_in(Client(), "thanhvien", PASSWORD).status_code == 200


def test_a_wrong_old_password_does_not_change_the_password(member_client, member):
    response = member_client.post(
        reverse("password_change"),
        {
            "old_password": "sai",
            "new_password1": "Giao-uoc-thi-dua-2025",
            "new_password2": "Giao-uoc-thi-dua-2025",
        },
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def _sample_value(converter) -> str:
    name = type(converter).__name__
    if name == "IntConverter":
        return "1"
    if name == "UUIDConverter":
        return "00000000-0000-0000-0000-000000000001"
    return "x"


def _every_url(patterns=None, namespace=""):
    """One concrete path per named URL (sample values for its parameters), admin excluded."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _every_url(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            kwargs = {
                key: _sample_value(converter)
                for key, converter in getattr(pattern.pattern, "converters", {}).items()
            }
            yield f"{namespace}{pattern.name}", reverse(f"{namespace}{pattern.name}", kwargs=kwargs)


PRIVATE_URLS = [(name, path) for name, path in _every_url() if not path.startswith(PUBLIC_PATHS)]


@pytest.mark.parametrize(("name", "path"), PRIVATE_URLS, ids=[name for name, _ in PRIVATE_URLS])
def test_every_non_public_page_sends_anonymous_users_to_login(anonymous_client, name, path):
    response = anonymous_client.get(path)
    assert response.status_code == 302, name
    assert response["Location"].startswith(f"{reverse('login')}?next="), name


def test_the_admin_also_sends_anonymous_users_to_the_portal_login(anonymous_client):
    response = anonymous_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_the_list_of_private_pages_is_not_empty():
    assert {"home", "audit_log", "password_change"} <= {name for name, _ in PRIVATE_URLS}

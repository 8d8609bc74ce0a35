"""The frame every page shares: health check, header, language switcher, phone layout."""

import re

from django.urls import reverse

from emulation import views


def whoami(response) -> str:
    """The header's "who is signed in" text, tags stripped and spaces collapsed."""
    html = response.content.decode()
    block = html.split('data-testid="whoami">', 1)[1].split("</a>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", block).split())


def test_healthz_answers_ok_when_the_database_answers(anonymous_client):
    response = anonymous_client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(anonymous_client, monkeypatch):
    class Broken:
        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr(views, "connection", Broken())
    response = anonymous_client.get(reverse("healthz"))
    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_every_page_has_a_phone_viewport_and_the_province(staff_client, settings):
    settings.PROVINCE_NAME = "Ninh Bình"
    content = staff_client.get(reverse("blocs:year_overview")).content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in content
    assert "Ninh Bình" in content


def test_the_header_shows_province_staff_their_role(staff_client):
    response = staff_client.get(reverse("blocs:year_overview"))
    assert whoami(response) == "Lê Thị Cán Bộ · Phòng TĐKT"


def test_the_header_shows_a_bloc_user_their_agency(head_client, bloc_year):
    response = head_client.get(reverse("blocs:bloc_year_detail", args=[bloc_year.pk]))
    assert "Sở Y tế" in whoami(response)
    assert "Phòng TĐKT" not in whoami(response)


def test_the_bloc_year_page_shows_the_users_role_in_that_bloc(
    head_client, member_client, bloc_year
):
    url = reverse("blocs:bloc_year_detail", args=[bloc_year.pk])
    assert 'data-testid="role">Trưởng khối<' in head_client.get(url).content.decode()
    assert 'data-testid="role">Thành viên<' in member_client.get(url).content.decode()


def test_the_navigation_follows_the_role(staff_client, member_client, bloc_year):
    staff_page = staff_client.get(reverse("blocs:year_overview")).content.decode()
    member_page = member_client.get(
        reverse("blocs:bloc_year_detail", args=[bloc_year.pk])
    ).content.decode()
    assert reverse("audit_log") in staff_page
    assert reverse("audit_log") not in member_page


def test_the_page_offers_logout_as_a_form_and_a_password_change_link(member_client, bloc_year):
    content = member_client.get(
        reverse("blocs:bloc_year_detail", args=[bloc_year.pk])
    ).content.decode()
    assert f'<form method="post" action="{reverse("logout")}"' in content
    assert f'href="{reverse("password_change")}"' in content


def test_the_language_switcher_returns_to_the_page(member_client):
    response = member_client.post(
        reverse("set_language"), {"language": "en", "next": "/blocs/years/?year=2024"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/blocs/years/?year=2024"
    assert response.cookies["portal_language"].value == "en"


def test_the_language_switcher_refuses_an_off_site_next(member_client):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = member_client.post(reverse("set_language"), {"language": "en", "next": target})
        assert response["Location"] == "/", target


def test_the_language_switcher_ignores_an_unknown_language(member_client):
    response = member_client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.cookies["portal_language"].value == "vi"


def test_the_language_switcher_is_post_only(member_client):
    assert member_client.get(reverse("set_language")).status_code == 405


def test_a_forged_language_cookie_falls_back_to_vietnamese(anonymous_client):
    anonymous_client.cookies["portal_language"] = "<script>"
    response = anonymous_client.get(reverse("login"))
    assert '<html lang="vi">' in response.content.decode()
    assert response["Content-Language"] == "vi"


def test_the_emulation_office_is_named_from_settings_on_pages_and_messages(staff_client, settings):
    settings.EMULATION_OFFICE_NAME = "Ban Thi đua - Khen thưởng, Sở Nội vụ"
    settings.EMULATION_OFFICE_SHORT = "Ban TĐKT"
    content = staff_client.get(reverse("blocs:year_overview")).content.decode()
    assert "Ban Thi đua - Khen thưởng, Sở Nội vụ tỉnh" in content
    assert whoami(staff_client.get(reverse("blocs:year_overview"))).endswith("· Ban TĐKT")

"""Account pages, the readers panel, the password pages and the forced change, through HTTP."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blocs.services import accounts as services
from emulation.models import AuditEntry, User
from portal.bench.measure import count_queries
from tests.blocs.test_accounts import workbook
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.queries import assert_same_queries

NEW_PASSWORD = "Khong-de-doan-2026"


def _form(**fields):
    return {
        "username": "syt.moi",
        "full_name": "Phạm Thị Mới",
        "position": "Chuyên viên",
        "email": "moi@example.vn",
        "kind": "officer",
        **fields,
    }


@pytest.fixture
def agency_pk(bloc_year):
    return bloc_year.head_id


def test_staff_create_an_officer_and_see_the_link_once(staff_client, agency_pk):
    response = staff_client.post(reverse("blocs:account_create"), _form(agency=agency_pk))
    user = User.objects.get(username="syt.moi")
    assert response.status_code == 302
    page = staff_client.get(response["Location"]).content.decode()
    assert "/password/set/" in page
    again = staff_client.get(reverse("blocs:account_detail", args=[user.pk])).content.decode()
    assert "/password/set/" not in again


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "canbo"}, "đã có người dùng"),
        ({"username": "CANBO"}, "đã có người dùng"),
        ({"username": "ho\u0300a"}, "chữ cái không dấu"),
        ({"full_name": "a\x00b"}, "null"),
        ({"full_name": "x" * 151}, "quá dài"),
        ({"email": "khong-phai-thu"}, "không hợp lệ"),
        ({"agency": "999999999999999999999"}, "đơn vị đang hoạt động"),
        ({"kind": "superuser"}, "loại tài khoản"),
        ({"agency": ""}, "phải thuộc một cơ quan"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_keeps_the_form(
    staff_client, agency_pk, fields, message
):
    data = _form(**{"agency": agency_pk, **fields})
    response = staff_client.post(reverse("blocs:account_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode().lower()
    assert not User.objects.filter(full_name="Phạm Thị Mới").exists()


def test_html_in_a_name_is_shown_as_text(staff_client, province_staff):
    user = services.create_account(
        actor=province_staff,
        username="html",
        full_name="<script>alert(1)</script>",
        kind=services.AccountKind.READER,
    )
    page = staff_client.get(reverse("blocs:account_detail", args=[user.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_list_searches_filters_and_keeps_its_query_count(staff_client, bloc_year):
    url = reverse("blocs:account_list")

    def run():
        return count_queries(staff_client, f"{url}?q=so+y+te&status=active", "accounts")

    UserFactory(username="syt1", agency=bloc_year.head)
    small = run()
    for number in range(30):
        UserFactory(username=f"syt-extra{number}", agency=bloc_year.head, province_staff=number % 2)
    large = run()
    assert_same_queries(small, large, at_most=10, label="account list")
    page = staff_client.get(url, {"q": "so y te", "kind": "officer"}).content.decode()
    assert "syt1" in page and "canbo" not in page
    assert staff_client.get(url, {"q": "\x00" * 500, "page": "99999"}).status_code == 200


def test_staff_cannot_lock_themselves_out(staff_client, province_staff):
    url = reverse("blocs:account_set_active", args=[province_staff.pk])
    response = staff_client.post(url, {"active": "0"}, follow=True)
    assert "tự khóa" in response.content.decode()
    province_staff.refresh_from_db()
    assert province_staff.is_active


def test_staff_deactivate_and_reactivate_an_officer(staff_client, bloc_head):
    url = reverse("blocs:account_set_active", args=[bloc_head.pk])
    staff_client.post(url, {"active": "0"})
    assert not User.objects.get(pk=bloc_head.pk).is_active
    staff_client.post(url, {"active": "1"})
    assert User.objects.get(pk=bloc_head.pk).is_active


def test_staff_mail_a_link_to_an_account(staff_client, bloc_head):
    bloc_head.email = "truongkhoi@example.vn"
    bloc_head.save()
    staff_client.post(reverse("blocs:account_password_email", args=[bloc_head.pk]))
    assert len(mail.outbox) == 1
    assert "truongkhoi" in mail.outbox[0].body


@pytest.mark.parametrize("role", ["head", "deputy", "member", "outsider", "anonymous"])
def test_post_only_account_actions_are_refused_to_others(cast_clients, bloc_head, role):
    expected = 302 if role == "anonymous" else 403
    for name in ("account_set_active", "account_password_link", "account_password_email"):
        response = cast_clients[role].post(reverse(f"blocs:{name}", args=[bloc_head.pk]))
        assert response.status_code == expected, name
    for name in ("account_links_email", "account_import_commit", "account_import_cancel"):
        assert cast_clients[role].post(reverse(f"blocs:{name}")).status_code == expected, name
    assert User.objects.get(pk=bloc_head.pk).is_active


def test_the_readers_panel_is_for_staff_only(staff_client, head_client, bloc_year, outsider):
    url = reverse("blocs:bloc_year_detail", args=[bloc_year.pk])
    assert 'data-testid="readers-panel"' in staff_client.get(url).content.decode()
    assert 'data-testid="readers-panel"' not in head_client.get(url).content.decode()
    add = reverse("blocs:bloc_year_observer_add", args=[bloc_year.pk])
    assert head_client.post(add, {"username": "nguoingoai"}).status_code == 403
    staff_client.post(add, {"username": "nguoingoai"})
    assert bloc_year.observers.filter(pk=outsider.pk).exists()
    response = staff_client.post(add, {"username": "x" * 500}, follow=True)
    assert "quá dài" in response.content.decode()
    remove = reverse("blocs:bloc_year_observer_remove", args=[bloc_year.pk, outsider.pk])
    assert head_client.post(remove).status_code == 403
    staff_client.post(remove)
    assert not bloc_year.observers.exists()
    link = reverse("blocs:bloc_year_liaison_user", args=[bloc_year.pk])
    staff_client.post(link, {"username": "nguoingoai"})
    bloc_year.refresh_from_db()
    assert bloc_year.liaison_user == outsider


def test_the_import_previews_commits_and_gives_links(staff_client, bloc_year):
    url = reverse("blocs:account_import")
    data = workbook(
        ("syt.an", "Nguyễn Văn An", "", "an@example.vn", "Sở Y tế", ""),
        ("lanhdao", "Trần Văn Liên", "", "", "", "Theo dõi"),
    )
    upload = SimpleUploadedFile("tai-khoan.xlsx", data)
    assert staff_client.post(url, {"file": upload}).status_code == 302
    preview = staff_client.get(url).content.decode()
    assert "syt.an" in preview and 'data-testid="import-commit"' in preview
    result = staff_client.post(reverse("blocs:account_import_commit"))
    page = result.content.decode()
    assert page.count("/password/set/") == 2
    ids = re.findall(r'name="user" value="(\d+)"', page)
    assert len(ids) == 1
    staff_client.post(reverse("blocs:account_links_email"), {"user": ids})
    assert [message.to for message in mail.outbox] == [["an@example.vn"]]


def test_the_template_downloads(staff_client):
    response = staff_client.get(reverse("blocs:account_import_template"))
    assert response["Content-Disposition"].endswith('mau-nhap-tai-khoan.xlsx"')


# --- Password pages ------------------------------------------------------------------------


def _reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def _mailed_path() -> str:
    return re.search(r"https?://[^/\s]+(/password/set/\S+)", mail.outbox[-1].body).group(1)


def test_a_forgotten_password_is_reset_through_the_mailed_link(client, bloc_head):
    bloc_head.email = "truongkhoi@example.vn"
    bloc_head.must_change_password = True
    bloc_head.save()
    assert _reset(client, "TruongKhoi@example.vn").status_code == 302
    path = _mailed_path()
    form = client.get(path, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    bloc_head.refresh_from_db()
    assert bloc_head.check_password(NEW_PASSWORD)
    assert not bloc_head.must_change_password
    assert AuditEntry.objects.filter(action="emulation.user.password_set").count() == 1
    again = client.get(path, follow=True).content.decode()
    assert 'data-testid="link-invalid"' in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = _reset(client, "khong-co@example.vn")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_reset_requests_are_throttled_per_address(client, bloc_head):
    bloc_head.email = "truongkhoi@example.vn"
    bloc_head.save()
    for _ in range(services.RESETS_PER_ADDRESS):
        _reset(client, "truongkhoi@example.vn")
    response = _reset(client, "truongkhoi@example.vn")
    assert response.status_code == 200
    assert "thử lại sau một giờ" in response.content.decode()
    assert len(mail.outbox) == services.RESETS_PER_ADDRESS


def test_hostile_reset_input_is_refused_in_vietnamese(client, db):
    for email in ("a\x00@example.vn", "<b>@x", "a" * 300 + "@example.vn"):
        response = _reset(client, email)
        assert response.status_code == 200
        assert "thư điện tử" in response.content.decode().lower()


def test_a_new_account_is_sent_to_the_change_page_until_it_changes(client, bloc_head):
    bloc_head.must_change_password = True
    bloc_head.save()
    client.force_login(bloc_head)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    assert client.get("/healthz").status_code == 200
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    bloc_head.refresh_from_db()
    assert not bloc_head.must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_the_login_page_links_to_the_reset_page(client, db):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()

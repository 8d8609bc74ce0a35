"""The Django admin is no side door: what services write is view-only there, and the account
edits it allows leave an audit entry, like every other write."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from awards.models import AwardType
from emulation.models import PROVINCE_STAFF_GROUP, AuditEntry, IssuedDocument, User
from tests.factories import AgencyFactory, UserFactory, issued_document


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("quantri", "quantri@example.vn", "mat-khau-quan-tri")


@pytest.fixture
def admin_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


FORGED_ENTRY = {"actor_name": "canbo", "action": "awards.poll.counted", "data": "{}"}


def test_a_superuser_cannot_add_an_audit_entry(admin_client):
    before = AuditEntry.objects.count()
    assert admin_client.get("/admin/emulation/auditentry/add/").status_code == 403
    assert admin_client.post("/admin/emulation/auditentry/add/", FORGED_ENTRY).status_code == 403
    assert AuditEntry.objects.count() == before
    assert not AuditEntry.objects.filter(action="awards.poll.counted").exists()


def test_a_superuser_cannot_change_or_delete_an_audit_entry(admin_client, superuser):
    entry = AuditEntry.objects.create(actor_name="canbo", action="blocs.agency.renamed")
    change_url = f"/admin/emulation/auditentry/{entry.pk}/change/"
    delete_url = f"/admin/emulation/auditentry/{entry.pk}/delete/"
    assert admin_client.post(change_url, FORGED_ENTRY).status_code == 403
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert (entry.actor_name, entry.action) == ("canbo", "blocs.agency.renamed")


def test_the_audit_log_stays_searchable_and_viewable_in_the_admin(admin_client):
    entry = AuditEntry.objects.create(actor_name="canbo", action="blocs.agency.renamed")
    response = admin_client.get("/admin/emulation/auditentry/", {"q": "renamed"})
    assert response.status_code == 200
    assert "blocs.agency.renamed" in response.content.decode()
    detail = admin_client.get(f"/admin/emulation/auditentry/{entry.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


def test_a_superuser_cannot_add_change_or_delete_an_issued_document(admin_client, superuser):
    document = issued_document(actor=superuser, title="Biên bản gốc")
    change_url = f"/admin/emulation/issueddocument/{document.pk}/change/"
    delete_url = f"/admin/emulation/issueddocument/{document.pk}/delete/"
    forged = {"number": "01/BB", "title": "Biên bản giả", "sha256": "0" * 64}
    assert admin_client.get("/admin/emulation/issueddocument/add/").status_code == 403
    assert admin_client.post("/admin/emulation/issueddocument/add/", forged).status_code == 403
    assert admin_client.post(change_url, forged).status_code == 403
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert IssuedDocument.objects.count() == 1
    document.refresh_from_db()
    assert document.title == "Biên bản gốc"


@pytest.mark.parametrize(
    "add_url",
    [
        "/admin/blocs/agency/add/",
        "/admin/blocs/bloc/add/",
        "/admin/blocs/blocyear/add/",
        "/admin/blocs/awardtype/add/",
    ],
)
def test_models_the_portal_edits_cannot_be_added_in_the_admin(admin_client, add_url):
    assert admin_client.get(add_url).status_code == 403
    assert admin_client.post(add_url, {"name": "Nhập qua quản trị"}).status_code == 403


def test_an_award_type_cannot_be_changed_in_the_admin(admin_client):
    award_type = AwardType.objects.order_by("pk").first()
    label = award_type.label
    url = f"/admin/blocs/awardtype/{award_type.pk}/change/"
    assert admin_client.post(url, {"label": "Đổi qua quản trị"}).status_code == 403
    award_type.refresh_from_db()
    assert award_type.label == label


def test_the_award_type_list_points_to_the_portal_page_that_edits_them(admin_client):
    response = admin_client.get("/admin/blocs/awardtype/")
    assert response.status_code == 200
    assert 'href="/awards/types/"' in response.content.decode()


def test_changing_a_user_in_the_admin_audits_the_changed_fields(admin_client, superuser):
    agency = AgencyFactory(name="Sở Tư pháp")
    user = UserFactory(username="canbo", full_name="Nguyễn Văn A")
    form = {
        "username": "canbo",
        "full_name": "Nguyễn Văn B",
        "position": "Chuyên viên",
        "agency": agency.pk,
        "is_active": "on",
        "groups": [Group.objects.get_or_create(name=PROVINCE_STAFF_GROUP)[0].pk],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    response = admin_client.post(f"/admin/emulation/user/{user.pk}/change/", form)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="emulation.user.updated")
    assert entry.actor == superuser
    assert entry.object_id == str(user.pk)
    assert entry.data["full_name"] == ["Nguyễn Văn A", "Nguyễn Văn B"]
    assert entry.data["agency"] == [None, "Sở Tư pháp"]
    assert entry.data["groups"] == [[], [PROVINCE_STAFF_GROUP]]
    assert "password" not in entry.data


def test_adding_a_user_in_the_admin_audits_it_without_the_password(admin_client):
    form = {
        "username": "canbomoi",
        "usable_password": "true",
        "password1": "Mat-khau-rat-dai-2026",
        "password2": "Mat-khau-rat-dai-2026",
    }
    assert admin_client.post("/admin/emulation/user/add/", form).status_code == 302
    user = User.objects.get(username="canbomoi")
    entry = AuditEntry.objects.get(action="emulation.user.created")
    assert entry.object_id == str(user.pk)
    assert entry.data["username"] == [None, "canbomoi"]
    assert entry.data["password"] == "đã thay đổi"
    assert "Mat-khau-rat-dai-2026" not in str(entry.data)
    assert user.password not in str(entry.data)


def test_changing_a_password_in_the_admin_says_only_that_it_changed(admin_client):
    user = UserFactory(username="canbo")
    form = {"password1": "Mat-khau-moi-2026!", "password2": "Mat-khau-moi-2026!"}
    response = admin_client.post(f"/admin/emulation/user/{user.pk}/password/", form)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="emulation.user.password_changed")
    assert entry.data == {"password": "đã thay đổi"}
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026!")


def test_deleting_a_user_in_the_admin_is_audited(admin_client):
    user = UserFactory(username="canbo", full_name="Nguyễn Văn A")
    response = admin_client.post(f"/admin/emulation/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    entry = AuditEntry.objects.get(action="emulation.user.deleted")
    assert entry.data["username"] == ["canbo", None]


def test_changing_a_group_in_the_admin_is_audited(admin_client):
    group = Group.objects.create(name="nhom-cu")
    response = admin_client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "nhom-moi"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="emulation.group.updated")
    assert entry.data["name"] == ["nhom-cu", "nhom-moi"]

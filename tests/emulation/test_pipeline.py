"""The one import pipeline: stored copies in private storage, the pending upload in the session
bound to its user, stale tokens, cancel, an all-or-nothing commit, and hostile uploads refused
in Vietnamese by each of the three importers."""

import os
import time
import unicodedata

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import redirect
from django.test import RequestFactory
from django.urls import reverse

from awards import imports as ledger_imports
from awards.bundle import bundle_bytes, export_bundle
from blocs.imports import AGENCY_COLUMNS
from blocs.models import Agency, FormerProvince
from blocs.services import structure
from emulation import pipeline
from tests.factories import UserFactory, xlsx_bytes

AGENCY_HEADERS = [column.header for column in AGENCY_COLUMNS]
LEDGER_HEADERS = [column.header for column in ledger_imports.COLUMNS]
JSON = pipeline.FileType(".json", ".json", "Gói (.json)", "Chọn tệp.", "Tệp rỗng.")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def agency_workbook(*names):
    return xlsx_bytes(AGENCY_HEADERS, [[name, "", "department", ""] for name in names])


def stored_names():
    folder = f"{pipeline.PRIVATE_ROOT}/{pipeline.STASH_FOLDER}"
    return sorted(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else []


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def fake_importer(**overrides):
    """An importer whose plan and commit are test doubles, on the agencies page's URLs."""
    fields = {
        "kind": "fake",
        "title": "Thử",
        "check": lambda data: None,
        "plan": lambda data, options: {"data": data, "options": options},
        "commit": lambda data, options, *, actor: len(data),
        "finish": lambda request, pending, result: redirect("blocs:agency_list"),
        "template": "blocs/transfer/import.html",
        "page_url_name": "blocs:import_page",
        "commit_url_name": "blocs:import_commit",
        "cancel_url_name": "blocs:import_cancel",
        "url_args": ("agencies",),
    }
    return pipeline.Importer(**{**fields, **overrides})


def request_for(user, session=None, method="post"):
    request = getattr(RequestFactory(), method)("/")
    request.user = user
    request.session = session if session is not None else SessionStore()
    request._messages = FallbackStorage(request)
    return request


def remember(request, importer, data, filename="tep.xlsx", options=None):
    form = pipeline.UploadForm({}, {"file": SimpleUploadedFile(filename, data)}, importer=importer)
    assert form.is_valid(), form.errors
    form.options = lambda: options or {}
    pipeline.remember_upload(request, importer, form)


# --- The stored copy ----------------------------------------------------------------------


def test_an_upload_is_stored_through_private_storage_named_by_its_file_type(db):
    xlsx_token = pipeline.stash(b"workbook", pipeline.XLSX)
    json_token = pipeline.stash(b"{}", JSON)
    assert stored_names() == sorted([f"{xlsx_token}.xlsx", f"{json_token}.json"])
    assert len(xlsx_token) >= 40
    assert pipeline.load_stash(xlsx_token, pipeline.XLSX) == b"workbook"
    assert pipeline.load_stash(json_token, pipeline.XLSX) is None


def test_stored_copies_older_than_a_day_are_purged_at_the_next_upload(db, settings):
    old = pipeline.stash(b"old", pipeline.XLSX)
    path = os.path.join(settings.MEDIA_ROOT, "private", "imports", f"{old}.xlsx")
    day_and_a_bit = time.time() - pipeline.STASH_TTL.total_seconds() - 60
    os.utime(path, (day_and_a_bit, day_and_a_bit))
    new = pipeline.stash(b"new", pipeline.XLSX)
    assert stored_names() == [f"{new}.xlsx"]


@pytest.mark.parametrize("token", ["", "short", "../../settings", "a" * 40 + "/../x", "%2e" * 20])
def test_a_malformed_token_reads_and_deletes_nothing(db, token):
    kept = pipeline.stash(b"kept", pipeline.XLSX)
    assert pipeline.load_stash(token, pipeline.XLSX) is None
    pipeline.discard_stash(token, pipeline.XLSX)
    assert stored_names() == [f"{kept}.xlsx"]


# --- The pending upload in the session ----------------------------------------------------


def test_the_pending_upload_is_keyed_by_importer_kind(province_staff):
    request = request_for(province_staff)
    first, second = fake_importer(), fake_importer(kind="other")
    # The workbook built once: two builds differ in the zip's timestamps across a second.
    workbook = agency_workbook("Sở Tư pháp")
    remember(request, first, workbook)
    pending, data = pipeline.pending_upload(request, first)
    assert pending.filename == "tep.xlsx"
    assert pending.user_id == province_staff.pk
    assert data == workbook
    assert pipeline.pending_upload(request, second) is None


def test_the_pending_upload_belongs_to_the_user_who_uploaded_it(province_staff):
    importer = fake_importer()
    session = SessionStore()
    remember(request_for(province_staff, session), importer, agency_workbook("Sở Tư pháp"))
    other = request_for(UserFactory(province_staff=True), session)
    assert pipeline.pending_upload(other, importer) is None
    assert stored_names() == []


def test_a_second_upload_replaces_and_deletes_the_first(province_staff):
    request, importer = request_for(province_staff), fake_importer()
    remember(request, importer, agency_workbook("Sở Tư pháp"))
    remember(request, importer, agency_workbook("Sở Y tế"))
    (name,) = stored_names()
    assert name.startswith(request.session["pending_import_fake"]["token"])


def test_kinds_are_unique_in_the_registry():
    pipeline.register(fake_importer(kind="unique-test"))
    with pytest.raises(ImproperlyConfigured):
        pipeline.register(fake_importer(kind="unique-test", url_args=("memberships",)))


# --- Commit and cancel --------------------------------------------------------------------


def test_a_commit_that_fails_midway_changes_nothing_and_keeps_the_upload(province_staff):
    def half_done(data, options, *, actor):
        structure.create_agency(name="Sở Nửa chừng", kind="department", actor=actor)
        raise ValidationError("Dòng 3: không lưu được. Chưa có thay đổi nào được lưu.")

    importer = fake_importer(commit=half_done)
    request = request_for(province_staff)
    remember(request, importer, agency_workbook("Sở Tư pháp"))
    response = pipeline.import_commit(request, importer)
    assert response.status_code == 302
    assert not Agency.objects.filter(name="Sở Nửa chừng").exists()
    assert [str(m) for m in get_messages(request)] == [
        "Dòng 3: không lưu được. Chưa có thay đổi nào được lưu."
    ]
    assert pipeline.pending_upload(request, importer) is not None


def test_a_successful_commit_forgets_the_upload_and_reports(province_staff):
    importer = fake_importer()
    request = request_for(province_staff)
    remember(request, importer, agency_workbook("Sở Tư pháp"))
    response = pipeline.import_commit(request, importer)
    assert response.url == reverse("blocs:agency_list")
    assert stored_names() == []
    assert "pending_import_fake" not in request.session


def test_a_stale_upload_is_refused_with_a_vietnamese_message(province_staff):
    def gone(data, options, *, actor):
        raise pipeline.StaleUpload

    importer = fake_importer(commit=gone)
    request = request_for(province_staff)
    remember(request, importer, agency_workbook("Sở Tư pháp"))
    pipeline.import_commit(request, importer)
    assert [str(m) for m in get_messages(request)] == [
        "Không có tệp nào đang chờ nhập; hãy tải tệp lên lại."
    ]
    assert stored_names() == []


def test_the_pipeline_views_are_for_province_staff_only(db):
    for view in (pipeline.import_page, pipeline.import_commit, pipeline.import_cancel):
        with pytest.raises(PermissionDenied):
            view(request_for(UserFactory()), fake_importer())


# --- The three importers through their pages ----------------------------------------------


@pytest.fixture
def former(db):
    return FormerProvince.objects.create(name="Hà Nam", merged_on="2025-07-01")


IMPORTERS = {
    "agencies": (("blocs:import_page", ["agencies"]), "UPLOAD_MAX_MB"),
    "ledger": (("awards:decision_import", []), "UPLOAD_MAX_MB"),
    "bundle": (("awards:bundle_import", []), "BUNDLE_MAX_MB"),
}
COMMIT_URLS = {
    "agencies": ("blocs:import_commit", ["agencies"]),
    "ledger": ("awards:decision_import_commit", []),
    "bundle": ("awards:bundle_commit", []),
}
CANCEL = {
    "agencies": (("blocs:import_cancel", ["agencies"]), {}),
    "ledger": (("awards:decision_import_commit", []), {"action": "cancel"}),
    "bundle": (("awards:bundle_cancel", []), {}),
}


def good_file(kind):
    if kind == "agencies":
        return "danh-sach.xlsx", agency_workbook("Sở Tư pháp")
    if kind == "ledger":
        row = ["1/QĐ-UBND", "01/03/2024", "", "", "CO_TINH", 2023, "Sở Y tế"]
        return "qd.xlsx", xlsx_bytes(LEDGER_HEADERS, [row])
    return "goi.json", bundle_bytes(export_bundle())


def post_file(client, kind, name, data, former=None):
    (url_name, args), _setting = IMPORTERS[kind]
    fields = {"file": SimpleUploadedFile(name, data)}
    if kind == "bundle":
        fields["former_province"] = former.pk
    return client.post(reverse(url_name, args=args), fields)


@pytest.mark.parametrize("kind", IMPORTERS)
def test_every_import_page_is_the_shared_preview_template(staff_client, kind):
    (url_name, args), _setting = IMPORTERS[kind]
    response = staff_client.get(reverse(url_name, args=args))
    assert "emulation/import_preview.html" in [t.name for t in response.templates]
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert "Tải lên và xem trước" in response.content.decode()


@pytest.mark.parametrize("kind", IMPORTERS)
def test_an_oversized_upload_is_refused_and_nothing_is_stored(staff_client, former, settings, kind):
    setting = IMPORTERS[kind][1]
    setattr(settings, setting, 1)
    response = post_file(staff_client, kind, "lon.xlsx", b" " * (1024 * 1024 + 1), former)
    assert response.status_code == 400
    assert "Tệp lớn 1.0 MB, vượt giới hạn 1 MB." in response.content.decode()
    assert stored_names() == []


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("agencies", "tệp PDF"),
        ("ledger", "tệp PDF"),
        ("bundle", "Tệp không phải JSON hợp lệ: không phải gói dữ liệu."),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_in_vietnamese(staff_client, former, kind, message):
    response = post_file(staff_client, kind, "quyet-dinh.xlsx", b"%PDF-1.4\n1 0 obj\n", former)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored_names() == []


@pytest.mark.parametrize("kind", IMPORTERS)
def test_an_empty_file_is_refused_in_vietnamese(staff_client, former, kind):
    response = post_file(staff_client, kind, "rong.xlsx", b"", former)
    assert response.status_code == 400
    assert "Tệp rỗng (0 byte)" in response.content.decode()


@pytest.mark.parametrize("kind", IMPORTERS)
def test_an_nfd_file_name_is_shown_in_nfc(staff_client, former, kind):
    name, data = good_file(kind)
    nfd = unicodedata.normalize("NFD", f"Dữ liệu tỉnh {name}")
    assert post_file(staff_client, kind, nfd, data, former).status_code == 302
    pending = staff_client.session[f"pending_import_{kind}"]
    assert pending["filename"] == unicodedata.normalize("NFC", nfd)
    (url_name, args), _setting = IMPORTERS[kind]
    assert unicodedata.normalize("NFC", nfd) in staff_client.get(
        reverse(url_name, args=args)
    ).content.decode("utf-8")


@pytest.mark.parametrize("kind", IMPORTERS)
def test_a_hostile_file_name_is_escaped_and_never_used_for_storage(staff_client, former, kind):
    name, data = good_file(kind)
    hostile = f"../../<img src=x onerror=alert(1)>{name}"
    assert post_file(staff_client, kind, hostile, data, former).status_code == 302
    (stored,) = stored_names()
    assert stored == staff_client.session[f"pending_import_{kind}"]["token"] + stored[-5:]
    (url_name, args), _setting = IMPORTERS[kind]
    content = staff_client.get(reverse(url_name, args=args)).content.decode()
    assert "<img src=x" not in content
    assert f"&lt;img src=x onerror=alert(1)&gt;{name}" in content


@pytest.mark.parametrize("kind", IMPORTERS)
def test_a_missing_stored_copy_is_refused_at_commit_in_vietnamese(staff_client, former, kind):
    name, data = good_file(kind)
    post_file(staff_client, kind, name, data, former)
    for stored in stored_names():
        default_storage.delete(f"private/imports/{stored}")
    url_name, args = COMMIT_URLS[kind]
    response = staff_client.post(reverse(url_name, args=args), {"action": "commit"})
    assert response.status_code == 302
    assert texts(response)[0].startswith("Không có ")
    assert texts(response)[0].endswith(" đang chờ nhập; hãy tải tệp lên lại.")


@pytest.mark.parametrize("kind", IMPORTERS)
def test_cancel_deletes_the_stored_copy_and_the_pending_upload(staff_client, former, kind):
    name, data = good_file(kind)
    post_file(staff_client, kind, name, data, former)
    assert len(stored_names()) == 1
    (url_name, args), fields = CANCEL[kind]
    response = staff_client.post(reverse(url_name, args=args), fields)
    assert response.status_code == 302
    assert texts(response)[0].startswith("Đã hủy ")
    assert stored_names() == []
    assert f"pending_import_{kind}" not in staff_client.session


def test_a_deleted_former_province_leaves_nothing_pending(staff_client, former):
    name, data = good_file("bundle")
    post_file(staff_client, "bundle", name, data, former)
    former.delete()
    page = staff_client.get(reverse("awards:bundle_import")).content.decode()
    assert "Tải lên và xem trước" in page
    assert "pending_import_bundle" not in staff_client.session
    assert stored_names() == []

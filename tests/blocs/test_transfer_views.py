"""The Excel pages: upload → preview → commit, templates and exports, for province staff only."""

import io
import unicodedata

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from blocs.exports import year_structure
from blocs.imports import AGENCY_COLUMNS, MEMBERSHIP_COLUMNS
from blocs.models import Agency, Bloc, BlocYear, Membership
from emulation.models import AuditEntry
from portal.bench.measure import capture_queries
from tests.factories import MembershipFactory, UserFactory, xlsx_bytes
from tests.queries import assert_num_queries, assert_same_queries

AGENCY_HEADERS = [column.header for column in AGENCY_COLUMNS]
MEMBERSHIP_HEADERS = [column.header for column in MEMBERSHIP_COLUMNS]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def page_url(kind="agencies"):
    return reverse("blocs:import_page", args=[kind])


def upload(client, data, *, kind="agencies", name="danh-sach.xlsx"):
    return client.post(page_url(kind), {"file": SimpleUploadedFile(name, data)})


def agency_workbook(*rows):
    return xlsx_bytes(AGENCY_HEADERS, rows)


def counts():
    return [m.objects.count() for m in (Agency, Bloc, BlocYear, Membership, AuditEntry)]


def stored_files(media_root):
    directory = media_root / "private" / "imports"
    return sorted(directory.iterdir()) if directory.exists() else []


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The hub and the upload form ----------------------------------------------------------


def test_the_hub_links_both_imports_templates_and_the_year_export(staff_client, bloc_year):
    response = staff_client.get(reverse("blocs:transfer_home"))
    content = response.content.decode()
    assert response.status_code == 200
    for kind in ("agencies", "memberships"):
        assert reverse("blocs:import_page", args=[kind]) in content
        assert reverse("blocs:import_template", args=[kind]) in content
    assert reverse("blocs:year_export") in content
    assert '<option value="2024">2024</option>' in content


def test_staff_see_the_excel_link_in_the_menu(staff_client, bloc_year):
    content = staff_client.get(reverse("blocs:year_overview")).content.decode()
    assert reverse("blocs:transfer_home") in content
    assert "Nhập/Xuất Excel" in content


def test_an_unknown_import_kind_is_404(staff_client):
    assert staff_client.get(reverse("blocs:import_page", args=["ballots"])).status_code == 404
    assert staff_client.get(reverse("blocs:import_template", args=["x"])).status_code == 404


def test_the_upload_page_explains_the_rules(staff_client):
    content = staff_client.get(page_url("memberships")).content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert "không rút đơn vị nào khỏi khối" in content
    assert "loại hình “Khác”" in content


# --- Upload → preview → commit ------------------------------------------------------------


def test_an_upload_is_stored_privately_and_previewed_without_changing_anything(
    staff_client, bloc_year, media_root
):
    before = counts()
    data = agency_workbook(
        ["Sở Tư pháp", "STP", "Sở, ngành", ""], ["Sở Y tế", "", "department", ""]
    )
    response = upload(staff_client, data)
    assert response.status_code == 302
    assert response.url == page_url()
    (path,) = stored_files(media_root)
    assert len(path.stem) >= 40
    assert path.read_bytes() == data
    pending = staff_client.session["pending_import_agencies"]
    assert pending["token"] == path.stem
    assert pending["filename"] == "danh-sach.xlsx"

    response = staff_client.get(page_url())
    content = response.content.decode()
    assert 'data-status="new"' in content
    assert 'data-status="unchanged"' in content
    assert "Xác nhận nhập" in content
    assert counts() == before


def test_commit_applies_the_stored_file_and_redirects_with_a_summary(
    staff_client, province_staff, bloc_year, media_root
):
    upload(staff_client, agency_workbook(["Sở Tư pháp", "STP", "Sở, ngành", ""]))
    response = staff_client.post(reverse("blocs:import_commit", args=["agencies"]))
    assert response.status_code == 302
    assert response.url == reverse("blocs:agency_list")
    assert message_texts(response) == [
        "Đã nhập tệp danh-sach.xlsx: 1 dòng thêm mới, 0 dòng cập nhật, 0 dòng không đổi."
    ]
    agency = Agency.objects.get(name="Sở Tư pháp")
    entry = AuditEntry.objects.get(action="blocs.agency.created", object_id=str(agency.pk))
    assert entry.actor == province_staff
    assert stored_files(media_root) == []
    assert "pending_import_agencies" not in staff_client.session


def test_a_membership_commit_lands_on_that_years_overview(staff_client, bloc_year):
    data = xlsx_bytes(
        MEMBERSHIP_HEADERS,
        [[2025, "Khối thi đua Văn hóa - Xã hội", "KTĐVHXH", "Sở Y tế", "", "", "Trưởng khối"]],
    )
    upload(staff_client, data, kind="memberships")
    response = staff_client.post(reverse("blocs:import_commit", args=["memberships"]))
    assert response.url == reverse("blocs:year_overview") + "?year=2025"
    assert BlocYear.objects.get(year=2025).head == bloc_year.head


def test_the_commit_rereads_the_server_copy_not_anything_posted(staff_client, bloc_year):
    upload(staff_client, agency_workbook(["Sở Tư pháp", "STP", "Sở, ngành", ""]))
    staff_client.post(
        reverse("blocs:import_commit", args=["agencies"]),
        {"name": "Sở Giả mạo", "rows": "[]", "file": SimpleUploadedFile("x.xlsx", b"x")},
    )
    assert Agency.objects.filter(name="Sở Tư pháp").exists()
    assert not Agency.objects.filter(name="Sở Giả mạo").exists()


def test_a_file_with_error_rows_cannot_be_committed(staff_client, bloc_year):
    upload(staff_client, agency_workbook(["Sở Tư pháp", "", "Bộ", ""]))
    content = staff_client.get(page_url()).content.decode()
    assert "Có 1 dòng lỗi" in content
    assert "Xác nhận nhập" not in content
    before = counts()
    response = staff_client.post(reverse("blocs:import_commit", args=["agencies"]))
    assert response.url == page_url()
    assert "Tệp còn 1 dòng lỗi" in message_texts(response)[0]
    assert counts() == before


def test_a_commit_without_a_pending_upload_says_so(staff_client):
    response = staff_client.post(reverse("blocs:import_commit", args=["agencies"]))
    assert response.url == page_url()
    assert message_texts(response) == ["Không có tệp nào đang chờ nhập; hãy tải tệp lên lại."]


def test_a_missing_server_copy_is_treated_as_no_upload(staff_client, media_root):
    upload(staff_client, agency_workbook(["Sở Tư pháp", "STP", "Sở, ngành", ""]))
    for path in stored_files(media_root):
        path.unlink()
    response = staff_client.get(page_url())
    assert "Tải lên và xem trước" in response.content.decode()
    assert "pending_import_agencies" not in staff_client.session


def test_cancel_deletes_the_stored_file(staff_client, media_root):
    upload(staff_client, agency_workbook(["Sở Tư pháp", "STP", "Sở, ngành", ""]))
    response = staff_client.post(reverse("blocs:import_cancel", args=["agencies"]))
    assert response.url == page_url()
    assert stored_files(media_root) == []
    assert Agency.objects.count() == 0


def test_an_unchanged_file_offers_no_commit(staff_client, bloc_year):
    upload(staff_client, year_structure(2024)[2], kind="memberships")
    content = staff_client.get(page_url("memberships")).content.decode()
    assert "Tệp không có gì mới" in content
    assert content.count('data-status="unchanged"') == 5
    response = staff_client.post(reverse("blocs:import_commit", args=["memberships"]))
    assert message_texts(response) == ["Tệp không có gì mới: không có thay đổi nào."]


def test_html_in_cells_is_escaped_in_the_preview(staff_client):
    upload(
        staff_client,
        agency_workbook(["<script>alert('x')</script>", "<b>B</b>", "department", "<img src=x>"]),
    )
    content = staff_client.get(page_url()).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content
    assert "<img src=x>" not in content


def test_nfd_text_is_reported_in_the_preview(staff_client):
    nfd = unicodedata.normalize("NFD", "Sở Tư pháp")
    upload(staff_client, agency_workbook([nfd, "", "department", ""]))
    content = staff_client.get(page_url()).content.decode()
    assert "Ô A2 đã chuẩn hóa Unicode (NFD → NFC)." in content
    assert "Sở Tư pháp" in content


# --- Broken workbooks are refused at upload -----------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000, "cu.xlsx", "Excel 97–2003 (.xls)"),
        (b"%PDF-1.4\n1 0 obj\n", "quyet-dinh.xlsx", "tệp PDF"),
        ("Tên,Loại\nSở Y tế,Sở\n".encode(), "danh-sach.xlsx", "tệp văn bản (CSV"),
        (b"", "rong.xlsx", "Tệp rỗng"),
        (
            xlsx_bytes(["Tên đơn vị", "Điện thoại"], [["Sở Y tế", "0123"]]),
            "sai-cot.xlsx",
            "Cột không nhận ra: “Điện thoại”",
        ),
    ],
    ids=["xls-renamed", "pdf", "csv", "empty", "wrong-columns"],
)
def test_broken_workbooks_are_refused_with_a_message_and_nothing_is_kept(
    staff_client, media_root, data, name, message
):
    before = counts()
    response = upload(staff_client, data, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored_files(media_root) == []
    assert "pending_import_agencies" not in staff_client.session
    assert counts() == before


def test_an_oversized_upload_is_refused(staff_client, settings, media_root):
    settings.UPLOAD_MAX_MB = 1
    response = upload(staff_client, b"PK\x03\x04" + b"\x00" * (1024 * 1024 + 10))
    assert "vượt giới hạn 1 MB" in response.content.decode()
    assert stored_files(media_root) == []


def test_a_five_thousand_row_workbook_is_refused_at_upload(staff_client, media_root):
    data = agency_workbook(*[[f"Đơn vị {n}", "", "department", ""] for n in range(5000)])
    before = counts()
    response = upload(staff_client, data)
    assert "Dòng 2002 vượt giới hạn 2.000 dòng" in response.content.decode()
    assert counts() == before


def test_a_missing_file_field_is_refused(staff_client):
    response = staff_client.post(page_url(), {})
    assert "Hãy chọn tệp Excel (.xlsx) để tải lên." in response.content.decode()


# --- Permissions for the POST-only URLs ---------------------------------------------------


@pytest.mark.parametrize("name", ["import_commit", "import_cancel"])
@pytest.mark.parametrize("role", ["head", "deputy", "member", "outsider"])
def test_only_staff_may_commit_or_cancel(cast_clients, bloc_year, name, role):
    response = cast_clients[role].post(reverse(f"blocs:{name}", args=["agencies"]))
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["import_commit", "import_cancel"])
def test_anonymous_users_are_sent_to_login_for_post_only_urls(anonymous_client, name):
    response = anonymous_client.post(reverse(f"blocs:{name}", args=["agencies"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["import_commit", "import_cancel"])
def test_post_only_urls_refuse_get(staff_client, name):
    assert staff_client.get(reverse(f"blocs:{name}", args=["agencies"])).status_code == 405


def test_another_users_pending_upload_is_not_theirs_to_commit(staff_client, bloc_year):
    upload(staff_client, agency_workbook(["Sở Tư pháp", "STP", "Sở, ngành", ""]))
    other = Client()
    other.force_login(UserFactory(province_staff=True))
    response = other.post(reverse("blocs:import_commit", args=["agencies"]))
    assert message_texts(response) == ["Không có tệp nào đang chờ nhập; hãy tải tệp lên lại."]
    assert not Agency.objects.filter(name="Sở Tư pháp").exists()


# --- Downloads ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["agencies", "memberships"])
def test_templates_download_as_xlsx_attachments(staff_client, kind):
    response = staff_client.get(reverse("blocs:import_template", args=[kind]))
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert response["Content-Disposition"].startswith('attachment; filename="mau-nhap-')
    assert load_workbook(io.BytesIO(response.content)).sheetnames[-1] == "Hướng dẫn"


def test_the_year_export_downloads_xlsx_and_csv(staff_client, bloc_year):
    response = staff_client.get(reverse("blocs:year_export") + "?year=2024")
    assert response["Content-Disposition"] == 'attachment; filename="co-cau-khoi-thi-dua-2024.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 6
    response = staff_client.get(reverse("blocs:year_export") + "?year=2024&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8-sig").count("\r\n") == 6


def test_the_year_export_defaults_to_the_latest_year_and_refuses_other_formats(
    staff_client, bloc_year
):
    response = staff_client.get(reverse("blocs:year_export"))
    assert "co-cau-khoi-thi-dua-2024.xlsx" in response["Content-Disposition"]
    bad = staff_client.get(reverse("blocs:year_export") + "?year=2024&format=pdf")
    assert bad.status_code == 404


# --- Query counts -------------------------------------------------------------------------


def test_the_preview_page_query_count_is_pinned_and_does_not_grow(staff_client, bloc_year):
    def preview_with(rows):
        upload(
            staff_client,
            xlsx_bytes(
                MEMBERSHIP_HEADERS,
                [
                    [2024, "Khối thi đua Văn hóa - Xã hội", "KTĐVHXH", f"Đơn vị {n}", "", "", ""]
                    for n in range(rows)
                ],
            ),
            kind="memberships",
        )
        return lambda: staff_client.get(page_url("memberships"))

    small = preview_with(2)
    with assert_num_queries(8):
        small()
    large = preview_with(40)
    assert_same_queries(capture_queries(large), capture_queries(small))


def test_an_unchanged_commit_makes_a_fixed_number_of_queries(staff_client, bloc_year):
    def commit_unchanged():
        upload(staff_client, year_structure(2024)[2], kind="memberships")
        url = reverse("blocs:import_commit", args=["memberships"])
        return capture_queries(staff_client.post, url)

    small = commit_unchanged()
    for _ in range(20):
        MembershipFactory(bloc_year=bloc_year)
    # The PostgreSQL advisory lock that serialises commits is one more query.
    assert_same_queries(commit_unchanged(), small, exactly=15 + (connection.vendor == "postgresql"))

"""/verify/ (public), the sample BIÊN BẢN and issued-document downloads."""

import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from emulation.documents import read_document, void_document
from emulation.models import IssuedDocument
from emulation.pdf import render_pdf
from emulation.uploads import discard_private_file
from portal.bench.measure import capture_queries
from tests.factories import BlocFactory, BlocYearFactory, issued_document
from tests.pdf_helpers import (
    encrypted_pdf,
    flip_byte,
    make_pkcs12,
    pdf_text,
    tiny_pdf,
)
from tests.queries import assert_max_queries, assert_same_queries

URL = "/verify/"
ISSUED = "đúng là văn bản do Cổng phát hành"
NOT_ISSUED = "không do Cổng phát hành hoặc đã bị thay đổi"
DIFFERS = "KHÁC với văn bản Cổng đã phát hành"
NOT_FOUND = "Không tìm thấy văn bản nào do Cổng phát hành có mã này"


@pytest.fixture
def document(bloc_year, province_staff):
    return issued_document(bloc_year, actor=province_staff, title="Biên bản hội nghị khối")


@pytest.fixture
def client(anonymous_client):
    return anonymous_client


def upload(data, name="van-ban.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def post(client, **data):
    return client.post(URL, data)


def test_the_verify_page_is_public(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Kiểm tra văn bản do Cổng phát hành" in response.content.decode()


def test_an_issued_file_is_recognised_with_its_details(client, document):
    response = post(client, file=upload(read_document(document)))
    html = response.content.decode()
    assert ISSUED in html
    for expected in (
        "01/BB-KTĐVHXH",
        "Biên bản hội nghị khối",
        "Biên bản",
        "Khối thi đua Văn hóa - Xã hội",
        "Khối thi đua Văn hóa - Xã hội năm 2024",
        "Lê Thị Cán Bộ",
        document.verification_code,
        document.sha256,
        "Còn hiệu lực",
        "Tệp không có chữ ký số",
        "chưa cấu hình chứng thư số",
    ):
        assert expected in html, expected


def test_a_tampered_file_is_not_recognised(client, document):
    data = read_document(document)
    response = post(client, file=upload(flip_byte(data, len(data) // 2)))
    html = response.content.decode()
    assert NOT_ISSUED in html
    assert ISSUED not in html
    assert document.number not in html


def test_a_file_the_portal_never_issued_is_not_recognised(client, document):
    html = post(client, file=upload(tiny_pdf("other"))).content.decode()
    assert NOT_ISSUED in html


def test_a_pasted_hash_finds_the_document(client, document):
    html = post(client, q=document.sha256).content.decode()
    assert "Mã này thuộc một văn bản do Cổng phát hành" in html
    assert document.number in html


def test_a_hash_in_capitals_with_spaces_still_matches(client, document):
    spaced = " ".join(document.sha256.upper()[i : i + 8] for i in range(0, 64, 8))
    assert document.number in post(client, q=spaced).content.decode()


def test_a_verification_code_finds_the_document(client, document):
    assert document.number in post(client, q=document.verification_code).content.decode()


def test_a_code_typed_in_lower_case_without_dashes_still_matches(client, document):
    typed = document.verification_code.replace("-", "").lower()
    assert document.number in post(client, q=typed).content.decode()


def test_a_code_in_the_address_bar_works(client, document):
    response = client.get(URL, {"q": document.verification_code})
    assert document.number in response.content.decode()


def test_an_unknown_code_is_not_found(client, document):
    html = post(client, q="ZZZZ-ZZZZ-ZZZZ").content.decode()
    assert NOT_FOUND in html


def test_a_code_with_a_different_file_says_the_file_differs(client, document):
    html = post(
        client, q=document.verification_code, file=upload(tiny_pdf("forged"))
    ).content.decode()
    assert DIFFERS in html
    assert document.number in html
    assert ISSUED not in html


def test_a_code_with_its_own_file_is_recognised(client, document):
    html = post(
        client, q=document.verification_code, file=upload(read_document(document))
    ).content.decode()
    assert ISSUED in html


def test_a_voided_document_says_so_with_the_reason(client, document, province_staff):
    void_document(document, reason="Ban hành nhầm, thay bằng văn bản khác", actor=province_staff)
    html = post(client, file=upload(read_document(document))).content.decode()
    assert "Văn bản đã bị hủy" in html
    assert "Ban hành nhầm, thay bằng văn bản khác" in html


def test_a_superseded_document_names_the_one_that_replaced_it(
    client, document, bloc_year, province_staff
):
    newer = issued_document(bloc_year, actor=province_staff, kind="TTr", kind_label="Tờ trình")
    void_document(document, reason="", superseded_by=newer, actor=province_staff)
    document.refresh_from_db()
    assert document.superseded_by == newer
    assert document.void_reason == f"Được thay thế bởi văn bản số {newer.number}."
    html = post(client, file=upload(read_document(document))).content.decode()
    assert f"Văn bản đã được thay thế bởi số {newer.number}" in html
    assert "Còn hiệu lực" not in html
    newer_html = post(client, file=upload(read_document(newer))).content.decode()
    assert "Còn hiệu lực" in newer_html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Vui lòng chọn tệp PDF hoặc nhập mã xác thực"),
        ({"q": "   "}, "Vui lòng chọn tệp PDF hoặc nhập mã xác thực"),
        ({"q": "abc"}, "Không nhận ra mã này"),
        ({"q": "x" * 5000}, "Mã quá dài"),
        ({"q": "g" * 64}, "Không nhận ra mã này"),
        ({"q": "ÀÁẢÃẠÀÁẢÃẠÀÁ"}, "Không nhận ra mã này"),
    ],
)
def test_bad_lookups_get_a_clear_message(client, db, data, message):
    response = post(client, **data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_html_in_the_lookup_field_is_escaped(client, db):
    html = post(client, q='<script>alert("x")</script>').content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_an_nfd_code_is_normalised_before_it_is_read(client, db):
    nfd = unicodedata.normalize("NFD", "Mã sai")
    assert "Không nhận ra mã này" in post(client, q=nfd).content.decode()


def test_non_utf8_bytes_are_handled(client, db):
    response = client.post(
        URL, data=b"q=%FF%FE%FD", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "Không nhận ra mã này" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Tệp rỗng"),
        (b"   \n", "Tệp rỗng"),
        (b"GIF89a not a pdf", "Tệp không phải là PDF"),
        (b"<html><body>%PDF-</body></html>" + b" " * 2000, "Tệp không phải là PDF"),
    ],
)
def test_bad_uploads_get_a_clear_message(client, db, data, message):
    html = post(client, file=upload(data)).content.decode()
    assert message in html


def test_an_encrypted_pdf_is_refused(client, db):
    html = post(client, file=upload(encrypted_pdf())).content.decode()
    assert "mật khẩu hoặc mã hóa" in html


def test_a_too_large_upload_is_refused(client, db, settings):
    settings.UPLOAD_MAX_MB = 1
    data = tiny_pdf("big") + b"%" + b"x" * (1024 * 1024 + 10)
    assert "Tệp quá lớn" in post(client, file=upload(data)).content.decode()


def test_a_damaged_pdf_is_simply_not_issued(client, db):
    html = post(client, file=upload(b"%PDF-1.7\n" + b"\x00garbage" * 100)).content.decode()
    assert NOT_ISSUED in html


def test_nothing_uploaded_is_stored(client, document, settings):
    media = settings.MEDIA_ROOT
    before = sorted(p for p in media.rglob("*") if p.is_file())
    post(client, file=upload(tiny_pdf("not stored")))
    post(client, file=upload(read_document(document)))
    assert sorted(p for p in media.rglob("*") if p.is_file()) == before
    assert IssuedDocument.objects.count() == 1


def test_the_verify_page_makes_few_queries(client, document):
    with assert_max_queries(3):
        post(client, q=document.verification_code)
    with assert_max_queries(3):
        post(client, file=upload(read_document(document)))
    # The count does not depend on how many documents exist.
    for _ in range(5):
        issued_document(document.bloc_year)
    with assert_max_queries(3):
        post(client, q=document.verification_code)


# Signed documents


@pytest.fixture
def signing_certificate(settings, tmp_path):
    path = make_pkcs12(tmp_path / "cong.p12", "mat-khau")
    settings.SIGNING_PKCS12_PATH = str(path)
    settings.SIGNING_PKCS12_PASSPHRASE = "mat-khau"
    return path


@pytest.fixture
def signed_document(bloc_year, province_staff, signing_certificate):
    def render(stamp):
        return render_pdf(
            "pdf/sample_minutes.html",
            {"issuer_name": bloc_year.bloc.name, "doc_type": "Biên bản", "stamp": stamp},
        )

    return issued_document(bloc_year, actor=province_staff, render=render)


def test_a_signed_issued_file_shows_an_intact_signature_and_honest_trust(client, signed_document):
    html = post(client, file=upload(read_document(signed_document))).content.decode()
    assert ISSUED in html
    assert "Có (chữ ký số PAdES)" in html
    assert "Chữ ký nguyên vẹn" in html
    assert "Cổng khối thi đua tỉnh Hà Nam" in html
    assert "Chứng thư chưa được xác minh với tổ chức chứng thực" in html


def test_one_byte_changed_in_a_signed_file_is_detected(client, signed_document):
    data = read_document(signed_document)
    html = post(client, file=upload(flip_byte(data, 10))).content.decode()
    assert NOT_ISSUED in html
    assert "Chữ ký không hợp lệ: tệp đã bị thay đổi sau khi ký" in html


def test_a_signed_file_with_content_appended_is_flagged(client, signed_document):
    data = read_document(signed_document) + b"\n% added later\n"
    html = post(client, file=upload(data)).content.decode()
    assert NOT_ISSUED in html
    assert "có nội dung được thêm vào sau khi ký" in html


# Sample document and downloads (permissions per role are in tests/test_permissions.py)


def test_the_sample_minutes_download_is_a_pdf_for_the_bloc(member_client, bloc_year):
    response = member_client.get(reverse("sample_document", args=[bloc_year.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "bien-ban-mau-khoi-thi-dua-van-hoa-xa-hoi-2024.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "VĂN HÓA - XÃ HỘI" in text
    assert "BIÊN BẢN" in text


def test_the_sample_for_an_unknown_bloc_year_is_404(staff_client, db):
    assert staff_client.get(reverse("sample_document", args=[999999])).status_code == 404


def test_an_issued_document_downloads_unchanged(member_client, document):
    response = member_client.get(
        reverse("issued_document", args=[document.bloc_year_id, document.pk])
    )
    assert response.status_code == 200
    assert response.content == read_document(document)
    assert "01-bb-ktdvhxh-bien-ban-hoi-nghi-khoi.pdf" in response["Content-Disposition"]


def test_a_document_is_not_reachable_through_another_bloc_year(staff_client, document):
    other = BlocYearFactory(bloc=BlocFactory(), year=2024)
    response = staff_client.get(reverse("issued_document", args=[other.pk, document.pk]))
    assert response.status_code == 404


def test_an_outsider_cannot_download_a_document(outsider_client, document):
    response = outsider_client.get(
        reverse("issued_document", args=[document.bloc_year_id, document.pk])
    )
    assert response.status_code == 404


def test_a_missing_file_is_404_not_500(staff_client, document):
    discard_private_file(document.file.name)
    response = staff_client.get(
        reverse("issued_document", args=[document.bloc_year_id, document.pk])
    )
    assert response.status_code == 404


def test_the_bloc_year_page_lists_issued_documents_and_the_sample(member_client, document):
    html = member_client.get(
        reverse("blocs:bloc_year_detail", args=[document.bloc_year_id])
    ).content.decode()
    assert "Văn bản đã phát hành" in html
    assert document.number in html
    assert reverse("issued_document", args=[document.bloc_year_id, document.pk]) in html
    assert reverse("sample_document", args=[document.bloc_year_id]) in html


def test_the_documents_panel_makes_one_query_however_many_documents(rf, document, member):
    from blocs.permissions import role_in_bloc_year
    from blocs.views.documents import documents_panel

    bloc_year = document.bloc_year
    role = role_in_bloc_year(member, bloc_year)
    request = rf.get("/")
    request.user = member
    few = capture_queries(lambda: documents_panel(request, bloc_year, role).render(request))
    for _ in range(10):
        issued_document(bloc_year)
    many = capture_queries(lambda: documents_panel(request, bloc_year, role).render(request))
    assert_same_queries(few, many, exactly=1)

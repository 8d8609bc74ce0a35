"""Covenant and registration pages: who may do what, uploads, frozen text, query counts."""

import datetime
import unicodedata
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from awards.models import AwardType
from blocs.models import Covenant, CovenantSignature, Registration
from blocs.services import covenants as services
from portal.bench.measure import capture_queries
from tests.factories import (
    UserFactory,
    bloc_year_with_members,
    covenant_for,
    minimal_pdf,
)
from tests.form_tokens import with_token
from tests.pdf_helpers import encrypted_pdf
from tests.queries import assert_num_queries, assert_same_queries

ROLES = ("staff", "head", "deputy", "member", "outsider", "anonymous")
MEMBER_AGENCY = "Sở Văn hóa, Thể thao và Du lịch"
DAY = datetime.date(2024, 2, 5)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored_files(media_root) -> list[Path]:
    root = Path(media_root)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _agency(bloc_year, name=MEMBER_AGENCY):
    return bloc_year.memberships.get(agency__name=name).agency


def _url(name, bloc_year, *args):
    return reverse(f"blocs:{name}", args=[bloc_year.pk, *args])


def _pdf_upload(data=None, name="trang-ky.pdf"):
    return SimpleUploadedFile(name, minimal_pdf() if data is None else data, "application/pdf")


def _sign_post(client, bloc_year, agency, *, method="upload", upload=None, **extra):
    data = {
        "method": method,
        "signer_name": "Trần Quốc Bảo",
        "signer_title": "Giám đốc",
        "signed_on": "2024-02-05",
        **extra,
    }
    if upload is not None:
        data["file"] = upload
    return client.post(_url("covenant_sign", bloc_year, agency.pk), data)


# POST-only URLs: every role --------------------------------------------------------------------

POST_EXPECTED = {
    # name: {role: status}; 302 = done (redirect back), 403 refused, 404 hidden.
    "covenant_create": {"staff": 302, "head": 302, "deputy": 302, "member": 403},
    "covenant_open": {"staff": 302, "head": 302, "deputy": 302, "member": 403},
    "covenant_reopen": {"staff": 302, "head": 403, "deputy": 403, "member": 403},
    "covenant_issue": {"staff": 302, "head": 302, "deputy": 403, "member": 403},
    "covenant_deadline": {"staff": 302, "head": 302, "deputy": 302, "member": 403},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(POST_EXPECTED))
def test_covenant_post_urls_check_the_role(cast_clients, bloc_year, role, name):
    if name != "covenant_create":
        covenant_for(bloc_year)
    response = cast_clients[role].post(_url(name, bloc_year), with_token({"reason": "Lý do"}))
    expected = {**POST_EXPECTED[name], "outsider": 404}
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == expected[role], f"{role} on {name}"


@pytest.mark.parametrize(
    "name", ["registration_submit", "registration_accept", "registration_return"]
)
@pytest.mark.parametrize("role", ROLES)
def test_registration_post_urls_check_the_role(cast_clients, bloc_year, member, role, name):
    registration = services.save_registration(
        bloc_year, member.agency, titles=[], targets=[{"indicator": "Doanh thu"}], actor=member
    )
    response = cast_clients[role].post(
        _url(name, bloc_year, registration.pk), {"reason": "Bổ sung"}
    )
    runner = {"staff": 302, "head": 302, "deputy": 302}
    expected = {
        "registration_submit": {**runner, "member": 302},
        "registration_accept": {**runner, "member": 403},
        "registration_return": {**runner, "member": 403},
    }[name]
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif role == "outsider":
        assert response.status_code == 404
    else:
        assert response.status_code == expected[role], f"{role} on {name}"


def test_get_on_a_post_only_url_is_refused(head_client, bloc_year):
    covenant_for(bloc_year)
    assert head_client.get(_url("covenant_open", bloc_year)).status_code == 405


# Registrations through the pages ---------------------------------------------------------------


def test_a_member_registers_a_title_and_a_target_and_submits(member_client, bloc_year, member):
    flag = AwardType.objects.get(code="CO_TINH")
    response = member_client.post(
        _url("registration_mine", bloc_year),
        {
            "titles": [flag.pk],
            "note": "",
            "targets-TOTAL_FORMS": "2",
            "targets-INITIAL_FORMS": "0",
            "targets-0-indicator": unicodedata.normalize("NFD", "Xây dựng mô hình dân vận khéo"),
            "targets-0-value": "01",
            "targets-0-unit": "mô hình",
            "targets-1-indicator": "",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(bloc_year=bloc_year, agency=member.agency)
    assert registration.targets.get().indicator == "Xây dựng mô hình dân vận khéo"
    response = member_client.post(_url("registration_submit", bloc_year, registration.pk))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.SUBMITTED
    page = member_client.get(response["Location"]).content.decode()
    assert "Đã gửi" in page


def test_a_target_value_without_an_indicator_is_shown_as_a_form_error(member_client, bloc_year):
    response = member_client.post(
        _url("registration_mine", bloc_year),
        {
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "0",
            "targets-0-value": "1.200",
        },
    )
    assert response.status_code == 200
    assert "Nhập tên chỉ tiêu" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_member_cannot_touch_another_members_registration(member_client, bloc_year, bloc_head):
    other = services.save_registration(
        bloc_year, bloc_year.head, titles=[], targets=[{"indicator": "X"}], actor=bloc_head
    )
    assert member_client.get(_url("registration_detail", bloc_year, other.pk)).status_code == 403
    assert member_client.get(_url("registration_edit", bloc_year, other.pk)).status_code == 403
    response = member_client.post(_url("registration_submit", bloc_year, other.pk))
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.status == Registration.Status.DRAFT


def test_staff_without_an_agency_cannot_register_for_themselves(staff_client, bloc_year):
    assert staff_client.get(_url("registration_mine", bloc_year)).status_code == 403


def test_the_head_accepts_and_returns_with_a_reason(head_client, bloc_year, member):
    registration = services.save_registration(
        bloc_year, member.agency, titles=[], targets=[{"indicator": "Doanh thu"}], actor=member
    )
    services.submit_registration(registration, actor=member)
    response = head_client.post(_url("registration_return", bloc_year, registration.pk), {})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.SUBMITTED
    assert "lý do" in head_client.get(response["Location"]).content.decode()
    head_client.post(
        _url("registration_return", bloc_year, registration.pk), {"reason": "Thiếu số liệu"}
    )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.RETURNED
    services.submit_registration(registration, actor=member)
    head_client.post(_url("registration_accept", bloc_year, registration.pk))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.ACCEPTED


def test_after_the_deadline_the_member_is_told_and_the_head_edits_with_a_reason(
    member_client, head_client, bloc_year, member, bloc_head
):
    covenant = covenant_for(bloc_year, actor=bloc_head)
    registration = services.save_registration(
        bloc_year, member.agency, titles=[], targets=[{"indicator": "Doanh thu"}], actor=member
    )
    services.set_registration_deadline(covenant, datetime.date(2020, 1, 1), actor=bloc_head)
    form = {"targets-TOTAL_FORMS": "1", "targets-INITIAL_FORMS": "0", "targets-0-indicator": "Y"}
    response = member_client.post(_url("registration_mine", bloc_year), form)
    assert "Đã hết hạn đăng ký" in response.content.decode()
    response = head_client.post(_url("registration_edit", bloc_year, registration.pk), form)
    assert response.status_code == 200 and "Nhập lý do" in response.content.decode()
    response = head_client.post(
        _url("registration_edit", bloc_year, registration.pk), {**form, "reason": "Gửi muộn"}
    )
    assert response.status_code == 302
    assert registration.targets.get().indicator == "Y"


# Covenant text ---------------------------------------------------------------------------------


def _covenant_form(**changes):
    data = {
        "title": "Giao ước thi đua năm 2024",
        "conference_date": "2024-02-05",
        "conference_place": "Hội trường Sở Y tế",
        "preamble": "Lời mở đầu",
        "clauses-TOTAL_FORMS": "3",
        "clauses-INITIAL_FORMS": "0",
        "clauses-0-text": "Điều A",
        "clauses-0-ORDER": "2",
        "clauses-1-text": "Điều B",
        "clauses-1-ORDER": "1",
        "clauses-2-text": "Điều C bị xóa",
        "clauses-2-ORDER": "3",
        "clauses-2-DELETE": "on",
    }
    return {**data, **changes}


def test_the_head_edits_and_reorders_clauses(head_client, bloc_year):
    covenant = covenant_for(bloc_year)
    response = head_client.post(_url("covenant_edit", bloc_year), _covenant_form())
    assert response.status_code == 302
    assert [c.text for c in covenant.clauses.all()] == ["Điều B", "Điều A"]


def test_editing_a_frozen_text_through_the_page_is_refused(head_client, bloc_year):
    covenant = covenant_for(bloc_year, status="open")
    before = [c.text for c in covenant.clauses.all()]
    response = head_client.post(_url("covenant_edit", bloc_year), _covenant_form())
    assert response.status_code == 200
    assert "nội dung đã khóa" in response.content.decode()
    assert [c.text for c in covenant.clauses.all()] == before


def test_the_province_template_page_saves_clauses(staff_client):
    response = staff_client.post(
        reverse("blocs:covenant_template"),
        {
            "title_pattern": "Giao ước thi đua năm {year}",
            "preamble": "",
            **{k: v for k, v in _covenant_form().items() if k.startswith("clauses")},
        },
    )
    assert response.status_code == 302
    from blocs.models import CovenantTemplate

    assert [c.text for c in CovenantTemplate.current().clauses.all()] == ["Điều B", "Điều A"]


def test_only_staff_reopen_and_the_page_shows_the_reason_in_the_history(
    staff_client, head_client, bloc_year
):
    covenant = covenant_for(bloc_year, status="signed")
    assert head_client.post(_url("covenant_reopen", bloc_year), {"reason": "x"}).status_code == 403
    staff_client.post(_url("covenant_reopen", bloc_year), {"reason": "Sai tên người ký"})
    covenant.refresh_from_db()
    assert covenant.status == Covenant.Status.DRAFT
    page = staff_client.get(_url("covenant_detail", bloc_year)).content.decode()
    assert "blocs.covenant.reopened" in page and "Sai tên người ký" in page


# Signatures ------------------------------------------------------------------------------------


def test_a_member_uploads_its_own_signed_page(member_client, bloc_year, private_media):
    covenant = covenant_for(bloc_year, status="open")
    agency = _agency(bloc_year)
    response = _sign_post(member_client, bloc_year, agency, upload=_pdf_upload())
    assert response.status_code == 302
    signature = covenant.signatures.get()
    assert signature.method == "upload" and signature.file_size > 0
    assert signature.file.startswith("private/covenants/")
    assert len(_stored_files(private_media)) == 1
    download = member_client.get(_url("covenant_signature_file", bloc_year, signature.pk))
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")


def test_a_member_cannot_sign_for_another_agency(member_client, bloc_year, private_media):
    covenant = covenant_for(bloc_year, status="open")
    head_agency = bloc_year.head
    assert member_client.get(_url("covenant_sign", bloc_year, head_agency.pk)).status_code == 403
    response = _sign_post(member_client, bloc_year, head_agency, upload=_pdf_upload())
    assert response.status_code == 403
    assert not covenant.signatures.exists()
    assert _stored_files(private_media) == []


def test_a_member_cannot_record_a_paper_signature(member_client, bloc_year):
    covenant = covenant_for(bloc_year, status="open")
    response = _sign_post(member_client, bloc_year, _agency(bloc_year), method="paper")
    assert response.status_code == 200
    assert "không hợp lệ với vai trò" in response.content.decode()
    assert not covenant.signatures.exists()


def test_an_outsider_cannot_see_or_sign(outsider_client, bloc_year):
    covenant_for(bloc_year, status="open")
    response = _sign_post(outsider_client, bloc_year, _agency(bloc_year), upload=_pdf_upload())
    assert response.status_code == 404


def test_signing_an_agency_outside_the_bloc_is_404(head_client, bloc_year, other_bloc_year):
    covenant_for(bloc_year, status="open")
    url = _url("covenant_sign", bloc_year, other_bloc_year.head_id)
    assert head_client.get(url).status_code == 404


def _signatures_of(covenant, bloc_year):
    """The plain member's and the head's paper signatures on an open covenant."""
    member_agency = _agency(bloc_year)
    services.record_paper_signatures(
        covenant, [member_agency, bloc_year.head], signed_on=DAY, actor=None
    )
    live = covenant.signatures.filter(voided_at__isnull=True)
    return live.get(agency=member_agency), live.get(agency=bloc_year.head)


VOID_EXPECTED = {
    # (covenant status, whose signature): {role: status}; 302 = voided, 403 refused, 404 hidden.
    ("open", "own"): {"staff": 302, "head": 302, "deputy": 302, "member": 302, "outsider": 404},
    ("open", "head"): {"staff": 302, "head": 302, "deputy": 302, "member": 403, "outsider": 404},
    ("signed", "own"): {"staff": 302, "head": 302, "deputy": 302, "member": 403, "outsider": 404},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(VOID_EXPECTED), ids=lambda case: "-".join(case))
def test_who_may_void_a_signature(cast_clients, bloc_year, role, case):
    status, whose = case
    covenant = covenant_for(bloc_year, status="signed" if status == "signed" else "open")
    if status == "signed":
        own = covenant.signatures.get(agency=_agency(bloc_year))
        head = covenant.signatures.get(agency=bloc_year.head)
    else:
        own, head = _signatures_of(covenant, bloc_year)
    signature = own if whose == "own" else head
    url = _url("covenant_signature_void", bloc_year, signature.pk)
    response = cast_clients[role].post(url, {"reason": "Ghi nhận nhầm"})
    signature.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert signature.voided_at is None
        return
    expected = VOID_EXPECTED[case][role]
    assert response.status_code == expected, f"{role} on {case}"
    assert (signature.voided_at is not None) == (expected == 302)


def test_the_head_voids_a_wrong_signature_from_the_covenant_page(head_client, bloc_year):
    covenant = covenant_for(bloc_year, status="signed")
    signature = covenant.signatures.get(agency=_agency(bloc_year))
    page = head_client.get(_url("covenant_detail", bloc_year)).content.decode()
    void_url = _url("covenant_signature_void", bloc_year, signature.pk)
    assert void_url in page
    confirm = head_client.get(void_url).content.decode()
    assert "Trở lại trạng thái đang ký kết".lower() in confirm.lower()
    response = head_client.post(void_url, {"reason": "Sai người ký"}, follow=True)
    page = response.content.decode()
    assert "Đã hủy chữ ký của Sở Văn hóa, Thể thao và Du lịch" in page
    assert "blocs.covenant.signature_voided" in page and "Sai người ký" in page
    covenant.refresh_from_db()
    assert covenant.status == Covenant.Status.OPEN
    sign_again = head_client.get(_url("covenant_sign", bloc_year, _agency(bloc_year).pk))
    assert sign_again.status_code == 200 and "Ghi nhận chữ ký" in sign_again.content.decode()


@pytest.mark.parametrize("reason", ["", "   "])
def test_voiding_without_a_reason_shows_the_form_again(head_client, bloc_year, reason):
    covenant = covenant_for(bloc_year, status="signed")
    signature = covenant.signatures.first()
    url = _url("covenant_signature_void", bloc_year, signature.pk)
    response = head_client.post(url, {"reason": reason})
    assert response.status_code == 200
    assert "Nhập lý do hủy chữ ký." in response.content.decode()
    signature.refresh_from_db()
    assert signature.voided_at is None


def test_an_oversized_void_reason_is_a_form_error(head_client, bloc_year):
    covenant = covenant_for(bloc_year, status="signed")
    signature = covenant.signatures.first()
    url = _url("covenant_signature_void", bloc_year, signature.pk)
    response = head_client.post(url, {"reason": "x" * 1001})
    assert response.status_code == 200 and "1000" in response.content.decode()
    signature.refresh_from_db()
    assert signature.voided_at is None


def test_voiding_an_issued_covenants_signature_says_who_can_reopen(head_client, bloc_year):
    covenant = services.issue_covenant(covenant_for(bloc_year, status="signed"), actor=None)
    signature = covenant.signatures.first()
    url = _url("covenant_signature_void", bloc_year, signature.pk)
    assert head_client.get(url).status_code == 403
    signature.refresh_from_db()
    assert signature.voided_at is None


def test_a_signature_voided_already_sends_back_with_a_message(head_client, bloc_year):
    covenant = covenant_for(bloc_year, status="signed")
    signature = covenant.signatures.first()
    services.void_signature(covenant, signature, reason="Sai", actor=None)
    url = _url("covenant_signature_void", bloc_year, signature.pk)
    response = head_client.post(url, {"reason": "Sai lần nữa"}, follow=True)
    assert "Chữ ký này đã được hủy trước đó." in response.content.decode()


def test_a_member_sees_how_to_undo_its_own_wrong_upload(member_client, bloc_year):
    covenant = covenant_for(bloc_year, status="open")
    own, _head = _signatures_of(covenant, bloc_year)
    page = member_client.get(_url("covenant_sign", bloc_year, own.agency_id)).content.decode()
    assert _url("covenant_signature_void", bloc_year, own.pk) in page
    detail = member_client.get(_url("covenant_detail", bloc_year)).content.decode()
    assert _url("covenant_signature_void", bloc_year, own.pk) in detail
    assert _url("covenant_signature_void", bloc_year, _head.pk) not in detail


BAD_UPLOADS = {
    "not_a_pdf": (b"PK\x03\x04 a zip file, not a PDF", "khong-phai.pdf", "không phải là PDF"),
    "empty": (b"", "rong.pdf", "rỗng"),
    "encrypted": (None, "mat-khau.pdf", "mật khẩu"),
    "broken": (b"%PDF-1.7\n1 0 obj << >> garbage", "hong.pdf", "không phải là PDF hợp lệ"),
    "html_renamed": (b"<html><script>alert(1)</script></html>", "x.pdf", "không phải là PDF"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_with_a_message_and_nothing_is_stored(
    member_client, bloc_year, private_media, case
):
    covenant = covenant_for(bloc_year, status="open")
    data, name, message = BAD_UPLOADS[case]
    if case == "encrypted":
        data = encrypted_pdf()
    response = _sign_post(
        member_client, bloc_year, _agency(bloc_year), upload=_pdf_upload(data, name)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CovenantSignature.objects.filter(covenant=covenant).exists()
    assert _stored_files(private_media) == []


def test_an_oversized_upload_is_refused_and_nothing_is_stored(
    member_client, bloc_year, private_media, settings
):
    settings.UPLOAD_MAX_MB = 1
    covenant = covenant_for(bloc_year, status="open")
    big = minimal_pdf() + b"%" + b"x" * (1024 * 1024)
    response = _sign_post(member_client, bloc_year, _agency(bloc_year), upload=_pdf_upload(big))
    assert "Tệp quá lớn" in response.content.decode()
    assert not covenant.signatures.exists()
    assert _stored_files(private_media) == []


def test_an_upload_without_a_file_is_asked_for(member_client, bloc_year):
    covenant_for(bloc_year, status="open")
    response = _sign_post(member_client, bloc_year, _agency(bloc_year))
    assert "Tải lên trang giao ước đã ký" in response.content.decode()


def test_a_digitally_signed_page_is_checked_and_the_result_recorded(
    member_client, bloc_year, settings, tmp_path
):
    from emulation import signing
    from tests.pdf_helpers import make_pkcs12

    settings.SIGNING_PKCS12_PATH = str(make_pkcs12(tmp_path / "k.p12", "pw"))
    settings.SIGNING_PKCS12_PASSPHRASE = "pw"
    signed_page = signing.sign_pdf(minimal_pdf("Trang ký số"), reason="Ký", location="Hà Nam")
    covenant = covenant_for(bloc_year, status="open")
    _sign_post(
        member_client,
        bloc_year,
        _agency(bloc_year),
        method="digital",
        upload=_pdf_upload(signed_page),
    )
    signature = covenant.signatures.get()
    assert signature.method == "digital" and signature.signature_valid is True
    unsigned = covenant_for(bloc_year_with_members(2), status="open")
    valid, report = services.inspect_digital_signature(minimal_pdf())
    assert valid is False and "không có chữ ký số" in report
    assert unsigned.status == Covenant.Status.OPEN


def test_nfd_signer_names_are_stored_as_nfc(head_client, bloc_year):
    covenant = covenant_for(bloc_year, status="open")
    _sign_post(
        head_client,
        bloc_year,
        _agency(bloc_year),
        method="paper",
        signer_name=unicodedata.normalize("NFD", "Trần Quốc Bảo"),
    )
    assert covenant.signatures.get().signer_name == "Trần Quốc Bảo"


def test_the_head_records_paper_signatures_for_everyone_and_issues(
    head_client, bloc_year, private_media
):
    covenant = covenant_for(bloc_year, status="open")
    agencies = [m.agency_id for m in bloc_year.memberships.all()]
    response = head_client.post(
        _url("covenant_paper_signatures", bloc_year),
        {"agencies": agencies, "signed_on": "2024-02-05"},
    )
    assert response.status_code == 302
    covenant.refresh_from_db()
    assert covenant.status == Covenant.Status.SIGNED
    head_client.post(_url("covenant_issue", bloc_year), with_token())
    covenant.refresh_from_db()
    assert covenant.status == Covenant.Status.ISSUED
    assert covenant.document.number == "01/GU-KTĐVHXH"
    download = head_client.get(_url("covenant_signed_pdf", bloc_year))
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    assert "giao-uoc" in download["Content-Disposition"]
    # Once issued, "In giao ước" serves the issued file, never an unnumbered copy.
    printed = head_client.get(_url("covenant_pdf", bloc_year))
    assert printed.content == download.content


def test_reopening_an_issued_covenant_voids_its_document(staff_client, bloc_year, province_staff):
    covenant = covenant_for(bloc_year, status="signed")
    covenant = services.issue_covenant(covenant, actor=province_staff)
    document = covenant.document
    staff_client.post(_url("covenant_reopen", bloc_year), {"reason": "Sai sót số liệu"})
    document.refresh_from_db()
    covenant.refresh_from_db()
    assert document.voided_at is not None and document.void_reason == "Sai sót số liệu"
    assert covenant.document is None and covenant.status == Covenant.Status.DRAFT
    assert staff_client.get(_url("covenant_signed_pdf", bloc_year)).status_code == 404


# Panel, overview, query counts -----------------------------------------------------------------


def test_the_bloc_year_page_shows_the_summary_and_progress(head_client, bloc_year, member):
    covenant = covenant_for(bloc_year, status="open")
    services.record_signature(covenant, bloc_year.head, method="paper", signed_on=DAY, actor=None)
    registration = services.save_registration(
        bloc_year,
        member.agency,
        titles=AwardType.objects.filter(code="CO_CP"),
        targets=[],
        actor=member,
    )
    services.submit_registration(registration, actor=member)
    page = head_client.get(reverse("blocs:bloc_year_detail", args=[bloc_year.pk])).content.decode()
    assert "1/5 đã ký" in page
    assert "1 đơn vị đăng ký Cờ thi đua của Chính phủ" in page
    assert "4 đơn vị chưa đăng ký" in page


def test_the_overview_columns_show_signing_and_registrations(staff_client, bloc_year, member):
    covenant = covenant_for(bloc_year, status="open")
    services.record_signature(covenant, bloc_year.head, method="paper", signed_on=DAY, actor=None)
    services.submit_registration(
        services.save_registration(
            bloc_year, member.agency, titles=[], targets=[{"indicator": "A"}], actor=member
        ),
        actor=member,
    )
    page = staff_client.get(reverse("blocs:year_overview") + "?year=2024").content.decode()
    assert "1/5 đã ký" in page
    assert "1 đã gửi, 0 đã duyệt" in page


def _head_client_for(members: int):
    bloc_year = bloc_year_with_members(members)
    covenant = covenant_for(bloc_year, status="open")
    memberships = list(bloc_year.memberships.select_related("agency"))
    for index, membership in enumerate(memberships):
        if index % 2:
            services.record_signature(
                covenant, membership.agency, method="paper", signed_on=DAY, actor=None
            )
        registration = services.save_registration(
            bloc_year,
            membership.agency,
            titles=AwardType.objects.filter(code__in=["CO_CP", "TTLDXS"]),
            targets=[{"indicator": "Doanh thu", "value": "1.200", "unit": "tỷ đồng"}],
            actor=None,
        )
        if membership.agency_id != bloc_year.head_id:
            services.submit_registration(registration, actor=None)
    client = Client()
    client.force_login(UserFactory(agency=bloc_year.head))
    return client, bloc_year


PAGES = {
    "covenant_detail": (lambda by: _url("covenant_detail", by), 10),
    "registration_list": (lambda by: _url("registration_list", by), 12),  # summary: no targets
    "covenant_paper_signatures": (lambda by: _url("covenant_paper_signatures", by), 11),
    "covenant_sign": (lambda by: _url("covenant_sign", by, by.head_id), 9),
    "registration_detail": (
        lambda by: _url("registration_detail", by, by.registrations.first().pk),
        11,  # the history names the registered titles: one query for their award types
    ),
    "registration_mine": (lambda by: _url("registration_mine", by), 11),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_covenant_pages_have_a_pinned_query_count_that_does_not_grow(db, name):
    build, pinned = PAGES[name]
    small_client, small = _head_client_for(3)
    big_client, big = _head_client_for(16)
    small_url, big_url = build(small), build(big)
    small_client.get(small_url)
    with assert_num_queries(pinned):
        assert small_client.get(small_url).status_code in (200, 302)
    assert_same_queries(
        capture_queries(big_client.get, big_url), capture_queries(small_client.get, small_url)
    )
    assert pinned <= 25


def test_a_missing_title_and_an_oversized_clause_are_form_errors(head_client, bloc_year):
    covenant = covenant_for(bloc_year)
    before = [c.text for c in covenant.clauses.all()]
    response = head_client.post(
        _url("covenant_edit", bloc_year),
        _covenant_form(title="", **{"clauses-0-text": "x" * 5001}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vui lòng nhập tiêu đề" in page and "5000" in page
    assert [c.text for c in covenant.clauses.all()] == before


def test_hostile_text_is_escaped_on_the_page_and_printed_literally(head_client, bloc_year):
    from blocs.pdf import covenant_pdf
    from tests.pdf_helpers import pdf_text

    covenant = covenant_for(bloc_year)
    hostile = '<script>alert("x")</script><img src="file:///etc/passwd">'
    head_client.post(
        _url("covenant_edit", bloc_year), _covenant_form(**{"clauses-0-text": hostile})
    )
    page = head_client.get(_url("covenant_detail", bloc_year)).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    text = pdf_text(covenant_pdf(Covenant.objects.get(pk=covenant.pk))[2])
    assert "<script>alert" in text

"""The covenant PDF: Decree-30 text, every member and clause, fonts, the signed and issued copy."""

import re
import unicodedata
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import AwardType
from blocs.models import Covenant
from blocs.pdf import covenant_filename, covenant_pdf
from blocs.services import covenants as services
from emulation.documents import read_document
from emulation.uploads import check_pdf
from tests.factories import covenant_for, minimal_pdf
from tests.form_tokens import with_token
from tests.pdf_helpers import (
    drawing_order_text,
    flip_byte,
    is_a4_portrait,
    make_pkcs12,
    pdf_fonts,
    pdf_page_count,
    pdf_page_png,
    pdf_text,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _register(bloc_year, name, codes, targets, actor):
    agency = bloc_year.memberships.get(agency__name=name).agency
    registration = services.save_registration(
        bloc_year,
        agency,
        titles=AwardType.objects.filter(code__in=codes),
        targets=targets,
        actor=actor,
    )
    return services.submit_registration(registration, actor=actor)


def test_the_draft_pdf_has_the_decree_30_header_every_member_and_every_clause(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, actor=bloc_head)
    _register(
        bloc_year,
        "Sở Văn hóa, Thể thao và Du lịch",
        ["CO_CP"],
        [{"indicator": "Doanh thu", "value": "1.200", "unit": "tỷ đồng"}],
        bloc_head,
    )
    filename, content_type, data = covenant_pdf(covenant)
    assert filename == "giao-uoc-thi-dua-khoi-van-hoa-xa-hoi-2024.pdf"
    assert content_type == "application/pdf"
    assert is_a4_portrait(data)
    text = drawing_order_text(data)
    # The issuer wraps after "VĂN HÓA -", and pdftotext joins a line-final hyphen away.
    assert re.search(r"KHỐI THI ĐUA VĂN HÓA -? ?XÃ HỘI", text)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIAO ƯỚC THI ĐUA NĂM 2024",
        "DỰ THẢO",
        "/GU-KTĐVHXH",
        "(Ký, ghi rõ họ tên, đóng dấu)",
        "1 đơn vị đăng ký Cờ thi đua của Chính phủ: Sở Văn hóa, Thể thao và Du lịch",
        "4 đơn vị chưa đăng ký",
        "PHỤ LỤC",
        "Doanh thu: 1.200 tỷ đồng",
        "giữ 1 bản, 1 bản gửi Phòng Thi đua - Khen thưởng, Sở Nội vụ để theo dõi",
    ):
        assert expected in text, expected
    for membership in bloc_year.memberships.select_related("agency"):
        assert membership.agency.name.upper() in text
        assert membership.signatory_name in text
    for clause in covenant.clauses.all():
        assert re.sub(r"\s+", " ", clause.text) in text


def test_an_open_covenant_prints_without_the_draft_mark(bloc_year):
    covenant = covenant_for(bloc_year, status="open")
    assert "DỰ THẢO" not in pdf_text(covenant_pdf(covenant)[2])


def test_nfd_input_prints_as_nfc(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, actor=bloc_head)
    clause = "Phấn đấu 100% hồ sơ được giải quyết đúng hạn"
    covenant = services.update_covenant(
        covenant,
        title=unicodedata.normalize("NFD", "Giao ước thi đua năm 2024"),
        conference_date=None,
        conference_place=unicodedata.normalize("NFD", "Hội trường Sở Y tế"),
        preamble="",
        clauses=[unicodedata.normalize("NFD", clause)],
        actor=bloc_head,
    )
    text = drawing_order_text(covenant_pdf(covenant)[2])
    assert unicodedata.is_normalized("NFC", text)
    assert clause in text and "Hội trường Sở Y tế" in text


def test_every_font_is_embedded(bloc_year):
    data = covenant_pdf(covenant_for(bloc_year))[2]
    fonts = pdf_fonts(data)
    assert fonts and all(font["embedded"] for font in fonts)
    assert all(font["name"].startswith("Liberation") for font in fonts)


def test_page_one_renders_to_a_png_for_people_to_look_at(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, actor=bloc_head)
    _register(
        bloc_year,
        "Sở Y tế",
        ["CO_CP", "TTLDXS"],
        [{"indicator": "Mô hình", "value": "01"}],
        bloc_head,
    )
    data = covenant_pdf(covenant)[2]
    ARTIFACTS.mkdir(exist_ok=True)
    for page in range(1, pdf_page_count(data) + 1):
        path = pdf_page_png(data, page, ARTIFACTS / f"covenant-draft-page{page}.png", dpi=70)
        assert path.stat().st_size > 10_000


SIXTEEN_AGENCIES = [
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Sở Giáo dục và Đào tạo",
    "Sở Thông tin và Truyền thông",
    "Sở Tài nguyên và Môi trường",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Khoa học và Công nghệ",
    "Bảo hiểm xã hội tỉnh",
    "Trường Cao đẳng Y tế",
    "Ban Dân tộc tỉnh",
    "Sở Y tế",
    "Liên đoàn Lao động tỉnh",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Tỉnh đoàn",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
]


def test_sixteen_members_with_targets_fit_five_pages_and_all_appear(db):
    """Two pages of text, two of signatures three to a row, one annex page (seven pages before):
    the page count is what keeps the covenant within its time budget (`manage.py bench`
    measures the time)."""
    from tests.factories import bloc_year_with_members

    bloc_year = bloc_year_with_members(16)
    titles = list(AwardType.objects.filter(code__in=["CO_CP", "CO_TINH"]))
    for index, membership in enumerate(bloc_year.memberships.select_related("agency")):
        # Real names of the longest kind, so the layout does not depend on factory counters.
        membership.agency.name = SIXTEEN_AGENCIES[index]
        membership.agency.save()
        registration = services.save_registration(
            bloc_year,
            membership.agency,
            titles=[titles[index % 2]],
            targets=[
                {"indicator": "Hồ sơ giải quyết đúng hạn", "value": "100", "unit": "%"},
                {"indicator": "Mô hình thi đua mới", "value": "1", "unit": "mô hình"},
            ],
            actor=None,
        )
        services.submit_registration(registration, actor=None)
        services.accept_registration(registration, actor=None)
    covenant = covenant_for(bloc_year, status="signed")
    data = covenant_pdf(covenant)[2]
    assert pdf_page_count(data) == 5
    text = drawing_order_text(data)
    for membership in bloc_year.memberships.select_related("agency"):
        assert membership.agency.name.upper() in text
        assert membership.agency.name in text  # the annex row
    assert "XÁC NHẬN KÝ KẾT" in text
    assert "Giao ước đã được đủ 16/16 cơ quan, đơn vị thành viên ký kết" in text
    assert text.count("Đã ký trực tiếp ngày") == 16
    assert "Hồ sơ giải quyết đúng hạn: 100%" in text


def test_a_partly_signed_covenant_says_how_many_have_signed(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, status="open", actor=bloc_head)
    first = services.members_of(bloc_year)[0].agency
    services.record_paper_signatures(
        covenant, [first], signed_on=covenant.opened_at.date(), actor=bloc_head
    )
    text = drawing_order_text(covenant_pdf(covenant)[2])
    assert "Đến thời điểm in, 1/5 cơ quan, đơn vị thành viên đã ký kết" in text
    assert text.count("Đã ký trực tiếp ngày") == 1


@pytest.mark.parametrize(
    ("method", "valid", "note"),
    [
        ("paper", None, "Đã ký trực tiếp ngày 05/02/2024"),
        ("upload", None, "Bản ký ngày 05/02/2024 đính kèm"),
        ("digital", True, "Đã ký số ngày 05/02/2024 (hợp lệ)"),
        ("digital", False, "Đã ký số ngày 05/02/2024 (chưa xác thực)"),
    ],
)
def test_each_signature_block_says_how_and_when_it_was_signed(method, valid, note):
    import datetime

    from blocs.models import CovenantSignature
    from blocs.pdf import _signed_note

    signature = CovenantSignature(
        method=method, signed_on=datetime.date(2024, 2, 5), signature_valid=valid
    )
    assert _signed_note(signature) == note


@pytest.fixture
def signing_certificate(settings, tmp_path):
    settings.SIGNING_PKCS12_PATH = str(make_pkcs12(tmp_path / "cong.p12", "mat-khau"))
    settings.SIGNING_PKCS12_PASSPHRASE = "mat-khau"


def test_the_signed_covenant_is_issued_with_the_uploaded_pages_and_validates(
    bloc_year, bloc_head, member, client, signing_certificate
):
    covenant = covenant_for(bloc_year, status="open", actor=bloc_head)
    upload = SimpleUploadedFile("trang.pdf", minimal_pdf("Trang ky cua So VHTTDL"))
    services.record_signature(
        covenant,
        member.agency,
        method="upload",
        signer_name="Trần Quốc Bảo",
        signer_title="Giám đốc",
        pdf=check_pdf(upload),
        actor=member,
    )
    others = [m.agency for m in services.members_of(bloc_year) if m.agency_id != member.agency_id]
    services.record_paper_signatures(
        covenant, others, signed_on=covenant.opened_at.date(), actor=bloc_head
    )
    covenant = services.issue_covenant(covenant, actor=bloc_head)
    assert covenant.status == Covenant.Status.ISSUED
    document = covenant.document
    assert document.kind == "GU" and document.digitally_signed
    data = read_document(document)
    text = drawing_order_text(data)
    assert f"Số: {document.number}" in text
    assert document.verification_code in text
    assert "XÁC NHẬN KÝ KẾT" in text and "Trần Quốc Bảo" in text
    assert f"Bản đính kèm văn bản số {document.number}" in text  # the uploaded page
    assert "DỰ THẢO" not in text
    response = client.post(reverse("verify"), {"file": SimpleUploadedFile("gu.pdf", data)})
    page = response.content.decode()
    assert "đúng là văn bản do Cổng phát hành" in page
    assert "Chữ ký nguyên vẹn" in page
    tampered = flip_byte(data, len(data) // 2)
    response = client.post(reverse("verify"), {"file": SimpleUploadedFile("gu.pdf", tampered)})
    page = response.content.decode()
    assert "đúng là văn bản do Cổng phát hành" not in page


def test_without_a_certificate_the_covenant_is_issued_unsigned_and_says_so(
    bloc_year, head_client, settings
):
    settings.SIGNING_PKCS12_PATH = ""
    covenant = covenant_for(bloc_year, status="signed")
    head_client.post(reverse("blocs:covenant_issue", args=[bloc_year.pk]), with_token())
    covenant.refresh_from_db()
    assert covenant.document and not covenant.document.digitally_signed
    page = head_client.get(reverse("blocs:covenant_detail", args=[bloc_year.pk])).content.decode()
    assert "chưa ký số" in page


def test_the_filename_shortens_the_bloc_name(bloc_year):
    covenant = covenant_for(bloc_year)
    assert covenant_filename(covenant, signed=True) == (
        "giao-uoc-thi-dua-khoi-van-hoa-xa-hoi-2024-da-ky.pdf"
    )


def test_a_stored_copy_that_no_longer_reads_is_refused_naming_its_member_and_takes_no_number(
    bloc_year, bloc_head, member, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError
    from django.core.files.storage import default_storage

    from emulation.models import DocumentCounter, IssuedDocument

    covenant = covenant_for(bloc_year, status="open", actor=bloc_head)
    upload = SimpleUploadedFile("trang.pdf", minimal_pdf("Trang ky"))
    with django_capture_on_commit_callbacks(execute=True):
        signature = services.record_signature(
            covenant,
            member.agency,
            method="upload",
            signer_name="Trần Quốc Bảo",
            signer_title="Giám đốc",
            pdf=check_pdf(upload),
            actor=member,
        )
    others = [m.agency for m in services.members_of(bloc_year) if m.agency_id != member.agency_id]
    services.record_paper_signatures(
        covenant, others, signed_on=covenant.opened_at.date(), actor=bloc_head
    )
    default_storage.delete(signature.file)
    default_storage.save(signature.file, SimpleUploadedFile("x", b"%PDF-1.4\n1 0 obj<<>>\n%%EOF"))
    with pytest.raises(ValidationError) as refused:
        services.issue_covenant(covenant, actor=bloc_head)
    message = " ".join(refused.value.messages)
    assert member.agency.name in message and "tải lên lại" in message
    assert not IssuedDocument.objects.exists() and not DocumentCounter.objects.exists()
    covenant.refresh_from_db()
    assert covenant.status == Covenant.Status.SIGNED

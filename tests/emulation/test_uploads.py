"""The shared PDF upload checks: content, encryption, emptiness, size; storing and serving."""

import io
import unicodedata

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from emulation.uploads import (
    PdfUploadField,
    check_pdf,
    discard_private_file,
    private_file_response,
    read_private_file,
    store_private_file,
)
from tests.factories import minimal_pdf
from tests.pdf_helpers import encrypted_pdf


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _upload(data, name="tep.pdf"):
    return SimpleUploadedFile(name, data, "application/pdf")


def test_a_valid_pdf_passes_with_its_hash_and_page_count():
    data = minimal_pdf()
    checked = check_pdf(_upload(data, unicodedata.normalize("NFD", "trang ký.pdf")))
    assert checked.data == data and checked.size == len(data)
    assert checked.page_count == 1 and len(checked.sha256) == 64
    assert checked.original_name == "trang ký.pdf"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "rỗng"),
        (b"   \n\t ", "rỗng"),
        (b"GIF89a not a pdf", "không phải là PDF"),
        (b"MZ\x90\x00 an executable", "không phải là PDF"),
        (b"%PDF-1.7 truncated garbage", "không phải là PDF hợp lệ"),
        (b"<?xml version='1.0'?><svg onload='alert(1)'/>", "không phải là PDF"),
    ],
    ids=["empty", "blank", "gif", "exe", "truncated", "svg"],
)
def test_files_that_are_not_usable_pdfs_are_refused(data, message):
    with pytest.raises(ValidationError, match=message):
        check_pdf(_upload(data))


def test_an_encrypted_pdf_is_refused():
    with pytest.raises(ValidationError, match="mật khẩu") as caught:
        check_pdf(_upload(encrypted_pdf()))
    assert caught.value.code == "encrypted"


def _pdf_without_pages() -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 3\n0000000000 65535 f \n"
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_a_pdf_without_pages_is_refused():
    data = _pdf_without_pages()
    with pytest.raises(ValidationError, match="không có trang"):
        check_pdf(_upload(data))


def test_a_file_over_the_limit_is_refused_before_parsing(settings):
    settings.UPLOAD_MAX_MB = 1
    with pytest.raises(ValidationError, match="Tệp quá lớn") as caught:
        check_pdf(_upload(minimal_pdf() + b"%" + b"x" * (1024 * 1024)))
    assert caught.value.code == "too_large"


def test_a_stream_without_a_size_is_still_limited(settings):
    settings.UPLOAD_MAX_MB = 1
    stream = io.BytesIO(b"%PDF-1.7\n" + b"x" * (1024 * 1024 + 10))
    stream.name = "lon.pdf"
    with pytest.raises(ValidationError, match="Tệp quá lớn"):
        check_pdf(stream)


def test_the_form_field_returns_a_checked_pdf_or_a_form_error():
    class Form(forms.Form):
        file = PdfUploadField(label="Tệp")

    ok = Form(files={"file": _upload(minimal_pdf())})
    assert ok.is_valid() and ok.cleaned_data["file"].page_count == 1
    bad = Form(files={"file": _upload(b"not a pdf")})
    assert not bad.is_valid() and "không phải là PDF" in bad.errors["file"][0]
    missing = Form(files={})
    assert not missing.is_valid() and "chọn tệp PDF" in missing.errors["file"][0]


def test_stored_files_get_unguessable_names_under_private(private_media):
    first = store_private_file(b"%PDF-1.4 a", folder="covenants")
    second = store_private_file(b"%PDF-1.4 a", folder="covenants")
    assert first != second and first.startswith("private/covenants/")
    assert read_private_file(first) == b"%PDF-1.4 a"
    response = private_file_response(first, filename="giao-uoc.pdf")
    assert response["Cache-Control"] == "private, no-store"
    discard_private_file(first)
    assert not (private_media / first).exists()


@pytest.mark.parametrize("name", ["", "../settings.py", "/etc/passwd", "issued/x.pdf"])
def test_only_names_under_private_can_be_read(name):
    with pytest.raises(Http404):
        read_private_file(name)

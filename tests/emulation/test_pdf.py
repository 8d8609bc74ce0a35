"""The PDF renderer and the Decree-30 base: text, fonts, layout, page numbers, fetcher safety."""

import datetime
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pytest
from django.template import engines
from django.test import override_settings
from PIL import Image

from emulation.documents import IssuedDocumentStamp, sample_minutes_pdf
from emulation.pdf import (
    BASE_URL,
    STATIC_DIR,
    PdfRenderError,
    ResourceRefused,
    SignatureBlock,
    StaticOnlyURLFetcher,
    html_to_pdf,
    pdf_response,
    render_pdf,
    safe_filename,
)
from tests.factories import bloc_year_with_members
from tests.pdf_helpers import (
    is_a4_portrait,
    pdf_fonts,
    pdf_page_count,
    pdf_page_png,
    pdf_text,
)

FEB_5 = datetime.date(2024, 2, 5)


@pytest.fixture
def sample_pdf(bloc_year):
    _name, _type, data = sample_minutes_pdf(bloc_year, on=FEB_5)
    return data


def _minutes_context(**extra):
    return {
        "issuer_name": "Khối thi đua Văn hóa - Xã hội",
        "number": "05/BB-KTĐVHXH",
        "doc_date": FEB_5,
        "doc_type": "Biên bản",
        "subject": "Hội nghị ký kết giao ước thi đua năm 2024",
        "members": ["Sở Y tế"],
        "bloc_year": {"year": 2024},
        "blank_lines": range(3),
        **extra,
    }


def test_the_sample_minutes_carry_the_decree_30_header_in_nfc(sample_pdf):
    text = pdf_text(sample_pdf)
    assert unicodedata.is_normalized("NFC", text)
    for expected in (
        "UBND TỈNH NINH BÌNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN",
        "Ninh Bình, ngày 05 tháng 02 năm 2024",
        "/BB-KTĐVHXH",
        "Sở Văn hóa, Thể thao và Du lịch",
        "THƯ KÝ",
        "CHỦ TRÌ",
    ):
        assert expected in text, expected
    # The bloc's name is printed in capitals as the issuing body; it wraps between words, never
    # inside "VĂN HÓA - XÃ HỘI".
    lines = [line.strip() for line in text.splitlines()]
    assert any(line.startswith("KHỐI THI ĐUA") for line in lines)
    assert any("VĂN HÓA - XÃ HỘI" in line for line in lines)


def test_the_national_name_and_motto_each_sit_on_one_line(sample_pdf):
    lines = pdf_text(sample_pdf).splitlines()
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line for line in lines)
    assert any("Độc lập - Tự do - Hạnh phúc" in line for line in lines)


def test_only_liberation_serif_is_used_and_every_font_is_embedded(sample_pdf):
    fonts = pdf_fonts(sample_pdf)
    assert fonts
    assert all(font["embedded"] for font in fonts)
    assert {font["name"] for font in fonts} <= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-BoldItalic",
    }
    assert "Liberation-Serif-Bold" in {font["name"] for font in fonts}


def test_the_page_is_a4_portrait(sample_pdf):
    assert is_a4_portrait(sample_pdf)


def test_page_numbers_start_on_page_two():
    data = render_pdf("pdf/sample_minutes.html", _minutes_context(blank_lines=range(60)))
    assert pdf_page_count(data) >= 3
    first = [line.strip() for line in pdf_text(data, first=1, last=1).splitlines() if line.strip()]
    assert not first[0].isdigit()
    for page in (2, 3):
        lines = pdf_text(data, first=page, last=page).splitlines()
        assert [line.strip() for line in lines if line.strip()][0] == str(page)


def test_page_one_renders_to_a_non_blank_png(sample_pdf, tmp_path):
    path = pdf_page_png(sample_pdf, 1, tmp_path / "page1.png")
    image = Image.open(path).convert("L")
    assert image.size[1] > image.size[0]
    darkest, lightest = image.getextrema()
    assert darkest < 80 and lightest > 200


def test_the_stamp_footer_appears_on_every_page_when_a_stamp_is_given():
    stamp = IssuedDocumentStamp(
        number="07/BB-KTĐVHXH",
        verification_code="ABCD-EFGH-JKLM",
        verify_url="https://thidua.hanam.gov.vn/verify/",
        issued_on=FEB_5,
        sequence=7,
        kind="BB",
        issuer_code="KTĐVHXH",
        year=2024,
        dated=FEB_5,
    )
    data = render_pdf(
        "pdf/sample_minutes.html", _minutes_context(number="", stamp=stamp, blank_lines=range(40))
    )
    pages = pdf_page_count(data)
    assert pages >= 2
    for page in range(1, pages + 1):
        text = pdf_text(data, first=page, last=page)
        assert "Mã xác thực: ABCD-EFGH-JKLM" in text
        assert "https://thidua.hanam.gov.vn/verify/" in text
    assert "Số: 07/BB-KTĐVHXH" in pdf_text(data, first=1, last=1)


def test_no_stamp_footer_without_a_stamp(sample_pdf):
    assert "Mã xác thực" not in pdf_text(sample_pdf)


def test_the_document_date_defaults_to_the_date_the_stamp_bears():
    stamp = IssuedDocumentStamp(
        "01/BB-X", "AAAA-BBBB-CCCC", "http://x/verify/", FEB_5, 1, "BB", "X", 2024, FEB_5
    )
    data = render_pdf("pdf/sample_minutes.html", _minutes_context(doc_date=None, stamp=stamp))
    assert "ngày 05 tháng 02 năm 2024" in pdf_text(data)


def test_nfd_input_prints_as_nfc():
    nfd_name = unicodedata.normalize("NFD", "Sở Văn hóa, Thể thao và Du lịch")
    data = render_pdf("pdf/sample_minutes.html", _minutes_context(members=[nfd_name]))
    text = pdf_text(data)
    assert unicodedata.is_normalized("NFC", text)
    assert "Sở Văn hóa, Thể thao và Du lịch" in text


def test_a_grid_of_sixteen_signature_blocks_prints_every_agency_and_signatory():
    blocks = [
        SignatureBlock(
            organisation=f"Sở Thử nghiệm số {index}",
            position="Giám đốc",
            name=f"Nguyễn Văn Ký {index}",
        )
        for index in range(1, 17)
    ]
    template = engines["django"].from_string(
        '{% extends "pdf/base.html" %}{% block signatures %}'
        '{% include "pdf/includes/signature.html" with blocks=blocks columns=2 %}'
        "{% endblock %}"
    )
    html = template.render(
        {"issuer_name": "Khối thi đua số 1", "doc_type": "Giao ước thi đua", "blocks": blocks}
    )
    data = html_to_pdf(html)
    text = pdf_text(data)
    for index in range(1, 17):
        assert f"SỞ THỬ NGHIỆM SỐ {index}" in text
        assert f"Nguyễn Văn Ký {index}" in text
    assert text.count("(Ký, ghi rõ họ tên, đóng dấu)") == 16


def test_the_sample_for_sixteen_members_lists_every_member(db):
    """Its render time is the bench's business (manage.py bench), never a test's."""
    bloc_year = bloc_year_with_members(16)
    _name, _type, data = sample_minutes_pdf(bloc_year)
    text = pdf_text(data)
    for membership in bloc_year.memberships.select_related("agency"):
        assert membership.agency.name in text


# URL fetcher: only files under static/, never the network or other files.


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://169.254.169.254/latest/meta-data/",
        f"{BASE_URL}../portal/settings.py",
        f"{BASE_URL}fonts/../../portal/settings.py",
        f"{BASE_URL}fonts/%2e%2e/%2e%2e/portal/settings.py",
        f"{BASE_URL}fonts/",
        f"{BASE_URL}does-not-exist.png",
        "ftp://example.com/x",
        "data:text/plain,secret",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "data:text/html;base64,PGgxPng8L2gxPg==",
        "file://remote-host/etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_a_static_file(url):
    with pytest.raises(ResourceRefused):
        StaticOnlyURLFetcher().fetch(url)


def test_the_fetcher_serves_an_image_data_uri_of_an_attached_page():
    response = StaticOnlyURLFetcher().fetch("data:image/jpeg;base64,/9j/4AAQ")
    assert response.read() == b"\xff\xd8\xff\xe0\x00\x10"


def test_the_fetcher_serves_a_static_font():
    response = StaticOnlyURLFetcher().fetch(f"{BASE_URL}fonts/LiberationSerif-Regular.ttf")
    assert response.read()[:4] == b"\x00\x01\x00\x00"
    assert (STATIC_DIR / "fonts" / "LiberationSerif-Regular.ttf").is_file()


@pytest.mark.parametrize(
    "src",
    ["file:///etc/passwd", "/etc/passwd", "../../../../etc/passwd", "http://127.0.0.1:9/x.png"],
)
def test_a_template_pointing_outside_static_fails_to_render(src):
    html = f'<html><body><p>Xin chào</p><img src="{src}"></body></html>'
    with pytest.raises(PdfRenderError):
        html_to_pdf(html)


def test_a_stylesheet_import_outside_static_fails_to_render():
    html = (
        '<html><head><style>@import url("file:///etc/passwd");</style></head><body>x</body></html>'
    )
    with pytest.raises(PdfRenderError):
        html_to_pdf(html)


def test_user_text_with_html_is_printed_as_text():
    data = render_pdf(
        "pdf/sample_minutes.html",
        _minutes_context(members=['<img src="file:///etc/passwd">Sở <b>Y</b> tế']),
    )
    assert '<img src="file:///etc/passwd">Sở <b>Y</b> tế' in pdf_text(data)


# pdf_response


def test_pdf_response_sets_a_safe_rfc_5987_filename():
    response = pdf_response("Biên bản số 05.pdf", "application/pdf", b"%PDF-1.7")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline")
    assert "filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20s%E1%BB%91%2005.pdf" in disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_pdf_response_as_attachment_with_an_ascii_name():
    response = pdf_response("bien-ban.pdf", "application/pdf", b"%PDF-1.7", inline=False)
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban.pdf"'


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ('a"b\r\nc.pdf', "abc.pdf"),
        ("C:\\Windows\\x.pdf", "x.pdf"),
        ("", "tai-lieu.pdf"),
        ("...", "tai-lieu.pdf"),
    ],
)
def test_filenames_are_sanitised(raw, expected):
    assert safe_filename(raw) == expected


@override_settings(PROVINCE_NAME="Ninh Bình", DOCUMENT_PLACE="Ninh Bình")
def test_the_superior_body_and_place_come_from_settings():
    data = render_pdf("pdf/sample_minutes.html", _minutes_context())
    text = pdf_text(data)
    assert "UBND TỈNH NINH BÌNH" in text
    assert "Ninh Bình, ngày 05 tháng 02 năm 2024" in text


@pytest.mark.parametrize(
    ("count", "columns", "expected"),
    [
        (0, 2, []),
        (1, 2, [[None, 0]]),
        (2, 2, [[0, 1]]),
        (3, 2, [[0, 1], [2, None]]),
        (4, 3, [[0, 1, 2], [None, 3, None]]),
        (5, 3, [[0, 1, 2], [3, 4, None]]),
        (5, 4, [[0, 1, 2, 3], [4, None, None, None]]),
        (2, "x", [[0, 1]]),
    ],
)
def test_signature_blocks_are_laid_out_in_rows(count, columns, expected):
    from emulation.templatetags.pdf_print import signature_rows

    assert signature_rows(list(range(count)), columns) == expected


def test_a_pair_of_signatures_prints_names_on_the_same_line():
    blocks = [
        SignatureBlock(position="Thư ký", note="", name="Trần Thị Thư"),
        SignatureBlock(
            authority="TM. Khối thi đua", position="Trưởng khối", note="", name="Nguyễn Văn Trưởng"
        ),
    ]
    data = render_pdf("pdf/sample_minutes.html", _minutes_context(signature_blocks=blocks))
    lines = pdf_text(data).splitlines()
    assert any("Trần Thị Thư" in line and "Nguyễn Văn Trưởng" in line for line in lines)


def test_a_draft_is_marked_on_every_page_without_letters_in_the_text_layer():
    data = render_pdf(
        "pdf/sample_minutes.html", _minutes_context(draft=True, blank_lines=range(60))
    )
    assert pdf_page_count(data) >= 2
    pages = [pdf_text(data, first=n, last=n) for n in range(1, pdf_page_count(data) + 1)]
    # The label is printed once, as one word; the watermark on every page is drawn, not typed.
    assert pages[0].count("DỰ THẢO") == 1
    assert all("DỰ THẢO" not in page for page in pages[1:])
    for page in pages:
        lines = {line.strip() for line in page.splitlines()}
        assert not lines & {"D", "Ự", "T", "H", "Ả", "O", "DỰ", "THẢO"}
    # …and it is seen: page 2 carries more ink than the same page of the final paper.
    final = render_pdf("pdf/sample_minutes.html", _minutes_context(blank_lines=range(60)))
    assert page_ink(data, 2) > page_ink(final, 2) * 1.15


def page_ink(data: bytes, page: int) -> float:
    """The share of a page's area covered in ink (0–1), from a low-resolution grey render."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-gray", "-png", "-r", "30", "-f", str(page), "-l", str(page)]
            + [str(source), f"{folder}/p"],
            check=True,
        )
        image = Image.open(next(Path(folder).glob("p*.png"))).convert("L")
        pixels = image.tobytes()
    return sum(255 - value for value in pixels) / (255 * len(pixels))


def test_the_sample_minutes_leave_the_date_and_number_to_be_written_by_hand(db):
    """A blank form for a past year must not print today's date or collapse the number."""
    bloc_year = bloc_year_with_members(3)
    _name, _type, data = sample_minutes_pdf(bloc_year)
    text = " ".join(pdf_text(data).split())
    assert "Số: ……/BB-" in text
    assert "ngày …… tháng …… năm ……" in text
    assert f"năm {datetime.date.today().year}," not in text

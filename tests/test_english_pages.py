"""Every page in English shows no Vietnamese of ours: only the data typed by people stays as is.

Each page of the permission matrix is fetched in English by a role that may open it; every text
node and every attribute a person reads (title, placeholder, aria-label, alt, button values) is
taken, the strings stored in the database are cut out, and what remains must hold no Vietnamese
letter. A string translated at import time, a msgid left untranslated, or Vietnamese built in
code all fail here with the page and the text.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from tests.test_permissions import MATRIX

VIETNAMESE_LETTER = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)
# Quoted Vietnamese in an English sentence is a value to type as it is (a workbook's cell).
QUOTED = re.compile("“[^”]*”")
# Document codes keep their letters in every language: QĐ-UBND, NĐ-CP, TĐKT.
ABBREVIATION = re.compile(r"(?<![\w])[A-ZĐ]*Đ[A-ZĐ]*(?![\w])")
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
SKIPPED_ELEMENTS = {"script", "style", "template"}
VOID_ELEMENTS = {
    "area",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}
# Said in Vietnamese on purpose in every language.
ALLOWED = {
    "Tiếng Việt",  # the language switcher names each language in itself
}
READERS = ("staff", "head", "deputy", "member")


class _ReadableText(HTMLParser):
    """The text a person reads on a page: text nodes and the attributes shown to them.

    An element marked `lang="vi"` (a document's wording quoted as it is printed, a workbook's
    column names) is Vietnamese on purpose and left out.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipping = 0
        self._quoted: list[list] = []  # [tag, depth] of the open lang="vi" elements

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._quoted and self._quoted[-1][0] == tag:
            self._quoted[-1][1] += 1
        elif (attributes.get("lang") or "").startswith("vi") and tag not in VOID_ELEMENTS:
            self._quoted.append([tag, 1])
        if tag in SKIPPED_ELEMENTS:
            self._skipping += 1
        if self._quoted:
            return
        for name, value in attributes.items():
            if value and name in READ_ATTRIBUTES:
                self.chunks.append(value)
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            self.chunks.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS and self._skipping:
            self._skipping -= 1
        if self._quoted and self._quoted[-1][0] == tag:
            self._quoted[-1][1] -= 1
            if not self._quoted[-1][1]:
                self._quoted.pop()

    def handle_data(self, data):
        if not self._skipping and not self._quoted and data.strip():
            self.chunks.append(data)


def _strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings_in(item)


def stored_strings() -> list[str]:
    """Every Vietnamese string people stored or configured (names, titles, clauses, audit
    values, the province's settings), longest first."""
    found = set()
    for model in apps.get_models():
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                for text in _strings_in(value):
                    found.update(part.strip() for part in text.splitlines() if part.strip())
    # The province's own names come from settings (PROVINCE_NAME, EMULATION_OFFICE_NAME, ...).
    found.update(
        value
        for name in dir(settings)
        if name.isupper() and isinstance(value := getattr(settings, name), str)
    )
    return sorted((text for text in found if VIETNAMESE_LETTER.search(text)), key=len, reverse=True)


def vietnamese_left(html: str, data: list[str]) -> list[str]:
    """The chunks of `html` that still hold Vietnamese once stored data is cut out."""
    parser = _ReadableText()
    parser.feed(html)
    left = []
    for chunk in parser.chunks:
        text = " ".join(chunk.split())
        if text in ALLOWED:
            continue
        for stored in data:
            if stored in text:
                text = text.replace(stored, " ")
        text = ABBREVIATION.sub(" ", QUOTED.sub(" ", text))
        if VIETNAMESE_LETTER.search(text):
            left.append(" ".join(chunk.split()))
    return sorted(set(left))


def test_the_reader_keeps_visible_text_and_drops_scripts():
    html = (
        '<p title="Gợi ý">Xin chào <b>Sở Y tế</b></p><script>var a = "Khối";</script>'
        '<input type="submit" value="Lưu"><input type="hidden" value="Ẩn">'
    )
    assert vietnamese_left(html, ["Sở Y tế"]) == ["Gợi ý", "Lưu", "Xin chào"]
    assert vietnamese_left("<p>Members: Sở Y tế</p><p>Tiếng Việt</p>", ["Sở Y tế"]) == []
    quoted = '<p>Rule: <q lang="vi">Đơn vị <b>được</b> đề nghị</q> (No. 1/QĐ-UBND)</p><p>Hết</p>'
    assert vietnamese_left(quoted, []) == ["Hết"]


def _reader(expected):
    return next((role for role in READERS if expected.get(role) == 200), None)


PAGES = [row for row in MATRIX if _reader(row[2])]


@pytest.mark.parametrize(("name", "build_url", "expected"), PAGES, ids=[row[0] for row in PAGES])
def test_every_page_reads_in_english(cast_clients, bloc_year, name, build_url, expected):
    client = cast_clients[_reader(expected)]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(build_url(bloc_year))
    assert response.status_code == 200
    if not response.get("Content-Type", "").startswith("text/html"):
        pytest.skip("not a page (a file download)")
    html = response.content.decode()
    assert '<html lang="en"' in html, f"{name} is not rendered in English"
    left = vietnamese_left(html, stored_strings())
    assert not left, f"{name} shows Vietnamese in English: {left}"

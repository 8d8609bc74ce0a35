"""The one PDF renderer: a Django template → HTML → PDF with WeasyPrint and Liberation Serif.

Print templates extend "pdf/base.html" (Decree 30 layout). Resources are fetched only from the
project's static/ directory: any other file, any network address and any path escaping static/
is refused and the render fails, so a template can never leak a server file into a document.
"""

import base64
import functools
import hashlib
import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from emulation.text import nfc

STATIC_DIR = (Path(settings.BASE_DIR) / "static").resolve()
BASE_URL = STATIC_DIR.as_uri() + "/"

_CONTENT_TYPES = {
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}


class ResourceRefused(ValueError):
    """A print template asked for something outside static/ (another file, the network)."""


class PdfRenderError(RuntimeError):
    """Rendering stopped, usually because a resource was refused (see `ResourceRefused`)."""


_IMAGE_DATA = ("data:image/jpeg;base64,", "data:image/png;base64,")


class StaticOnlyURLFetcher(URLFetcher):
    """Serves files under static/ (and JPEG or PNG data URIs) and refuses everything else,
    without any network access.

    Failures are fatal so a template that points elsewhere breaks loudly instead of printing a
    document with a hole in it.
    """

    def __init__(self, root: Path = STATIC_DIR):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=True)
        self.root = Path(root).resolve()

    def resolve(self, url: str) -> Path:
        """The static file `url` names, or `ResourceRefused`."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"Only local static files may be used in a PDF: {url[:200]!r}")
        raw_path = unquote(parts.path)
        if "\x00" in raw_path or ".." in Path(raw_path).parts:
            raise ResourceRefused(f"Path traversal refused: {url[:200]!r}")
        path = Path(raw_path).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ResourceRefused(f"Not a static file: {url[:200]!r}")
        return path

    def fetch(self, url, headers=None):
        if url.startswith(_IMAGE_DATA):
            # Page images of attached copies, made by the portal itself (no file, no network).
            kind = url[len("data:") : url.index(";")]
            return URLFetcherResponse(
                url[:64], base64.b64decode(url.split(",", 1)[1]), headers={"Content-Type": kind}
            )
        path = self.resolve(url)
        content_type = _CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )


_FETCHER = StaticOnlyURLFetcher()
_FONT_CONFIG = FontConfiguration()


@functools.cache
def _font_css() -> CSS:
    """static/css/print/fonts.css, parsed once with the shared font configuration; each print
    template links css/print/base.css and its own kind's sheet. Loaded at the first render, so
    importing this module reads no file."""
    return CSS(
        filename=STATIC_DIR / "css" / "print" / "fonts.css",
        url_fetcher=_FETCHER,
        font_config=_FONT_CONFIG,
    )


_CSS_VARIABLE_NAME = re.compile(r"[a-z][a-z0-9-]*")
_CSS_VARIABLE_VALUE = re.compile(r"-?[0-9]+(\.[0-9]+)?(pt|mm|%)")
# Pango and the shared font configuration are not safe to drive from two threads at once.
_RENDER_LOCK = threading.Lock()


def css_variables_sheet(variables: dict[str, str]) -> CSS:
    """`:root { --name: value; … }` for the sizes a document computes per render (a ballot
    paper's type size), so its stylesheet stays a static file; only plain lengths pass."""
    declarations = []
    for name, value in variables.items():
        if not _CSS_VARIABLE_NAME.fullmatch(name) or not _CSS_VARIABLE_VALUE.fullmatch(value):
            raise ValueError(f"Not a CSS length variable: {name!r}: {value!r}")
        declarations.append(f"--{name}: {value};")
    return CSS(string=":root { " + " ".join(declarations) + " }", url_fetcher=_FETCHER)


def html_to_pdf(html: str, *, archival: bool = False, css_variables: dict | None = None) -> bytes:
    """PDF bytes for an HTML string, with the portal's fonts and the static-only fetcher.

    The text is normalised to NFC first: whatever form the data arrived in, the print is NFC.
    `archival` writes PDF/A-2b (XMP identification, sRGB output intent), the form an issued
    document is stored and filed in; a PAdES signature applied afterwards keeps it valid.
    `css_variables` sets custom properties the linked stylesheets read (`css_variables_sheet`).
    A draft or working copy whose HTML was rendered a moment ago is served from the render
    cache (`render_key`): the HTML is everything the page shows, so the same HTML is the same
    document, and 200 ballot papers are not laid out again on every click.
    """
    html = unicodedata.normalize("NFC", html)
    key = None if archival else render_key(html, css_variables)
    if key is not None and (cached := _render_cache().get(key)) is not None:
        return cached
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_FETCHER)
    stylesheets = [_font_css()]
    if css_variables:
        stylesheets.append(css_variables_sheet(css_variables))
    try:
        with _RENDER_LOCK:
            data = document.write_pdf(
                stylesheets=stylesheets,
                font_config=_FONT_CONFIG,
                pdf_identifier=None,
                pdf_variant="pdf/a-2b" if archival else None,
            )
    except FatalURLFetchingError as error:
        raise PdfRenderError(str(error.__cause__ or error)) from error.__cause__
    if key is not None:
        _render_cache().set(key, data, settings.DOCUMENT_RENDER_CACHE_SECONDS)
    return data


def render_key(html: str, css_variables: dict | None) -> str | None:
    """The render cache's key for this HTML and variant (None when the cache is off). Issued
    documents are never cached: each carries its own number and is stored once issued."""
    if not settings.DOCUMENT_RENDER_CACHE_SECONDS:
        return None
    digest = hashlib.sha256(html.encode())
    digest.update(json.dumps(css_variables or {}, sort_keys=True).encode())
    return f"pdf:{digest.hexdigest()}"


def _render_cache():
    return caches["documents"]


@functools.cache
def draft_mark_svg(text: str = "DỰ THẢO") -> str:
    """`text` as SVG outlines of Liberation Serif Bold, for the draft watermark.

    Outlines, not letters: the mark is seen on every page but stays out of the text layer, so
    pdftotext, search and copy-paste do not pick up stray "O" and "Ả" lines from it.
    """
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.ttLib import TTFont

    font = TTFont(STATIC_DIR / "fonts" / "LiberationSerif-Bold.ttf")
    glyphs, cmap, metrics = font.getGlyphSet(), font.getBestCmap(), font["hmtx"]
    ascent = font["hhea"].ascent
    paths, x = [], 0
    for char in unicodedata.normalize("NFC", text):
        name = cmap[ord(char)]
        pen = SVGPathPen(glyphs)
        glyphs[name].draw(pen)
        if pen.getCommands():
            paths.append(f'<path transform="translate({x} 0)" d="{pen.getCommands()}"/>')
        x += metrics[name][0]
    height = ascent - font["hhea"].descent
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {x} {height}">'
        f'<g transform="matrix(1 0 0 -1 0 {ascent})">{"".join(paths)}</g></svg>'
    )


def _former_province_of(bloc_year):
    """The former province a bloc-year's bloc belonged to (its history imported after a province
    merger), or None; asked only when the bloc has one, so other documents make no query."""
    bloc = getattr(bloc_year, "bloc", None)
    if bloc is None or not getattr(bloc, "former_province_id", None):
        return None
    return bloc.former_province


def print_html(template_name: str, context: dict) -> str:
    """The HTML of a print template with the province defaults filled in: what `render_pdf`
    lays out, and what `emulation.docx.render_docx` turns into a Word copy."""
    province, place = settings.PROVINCE_NAME, settings.DOCUMENT_PLACE
    former = _former_province_of(context.get("bloc_year"))
    if former is not None:  # a former province's bloc printed its own province's heading
        province = place = former.name
    context = {
        "superior_body": province and f"UBND tỉnh {province}",
        "place": place,
        "site_url": settings.SITE_URL,
        "emulation_office": settings.EMULATION_OFFICE_NAME,
        "stamp": None,
        "doc_date": None,
        "draft": False,
        **context,
    }
    if context["draft"]:
        context["draft_mark"] = draft_mark_svg()
    if context["doc_date"] is None and context["stamp"] is not None:
        context["doc_date"] = context["stamp"].dated
    # Documents are Vietnamese whatever language the person issuing them reads the portal in.
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a print template (extending "pdf/base.html") with `context` to PDF bytes; with a
    `stamp` (an issued document) as PDF/A-2b.

    `draft=True` marks every page DỰ THẢO (outlined watermark) and prints "DỰ THẢO" once above
    the document type. `css_variables` (a context entry) sets the sizes the template's
    stylesheet reads with var(), as `html_to_pdf` does.
    """
    # An issued document (one with a stamp) is filed as PDF/A-2b.
    archival = context.get("stamp") is not None
    return html_to_pdf(
        print_html(template_name, context),
        archival=archival,
        css_variables=context.get("css_variables"),
    )


def pdf_response(filename: str, content_type: str, data: bytes, *, inline: bool = True):
    """An HttpResponse for a generated file with a safe Content-Disposition (RFC 5987 for
    non-ASCII names); the file is private to the user who asked for it."""
    response = HttpResponse(data, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(
        not inline, safe_filename(filename)
    )
    response.headers["Content-Length"] = str(len(data))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def safe_filename(filename: str) -> str:
    """`filename` without directories, control characters, quotes or backslashes (NFC)."""
    name = nfc(str(filename)).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    name = name.strip(" .")[:150]
    return name or "tai-lieu.pdf"


@dataclass(frozen=True)
class SignatureBlock:
    """One signature block for "pdf/includes/signature.html" (see the include for layout)."""

    position: str = ""
    name: str = ""
    authority: str = ""
    organisation: str = ""
    note: str = "(Ký, ghi rõ họ tên, đóng dấu)"
    signed: str = ""

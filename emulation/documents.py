"""Issuing official documents: numbering, rendering with the stamp, signing, hashing, storing.

`issue_document` is the one way a PDF becomes an `IssuedDocument`. The number comes from a
`DocumentCounter` row locked for the whole issue, so two people issuing at once never get the
same number and a failed render leaves no gap. Once issued, a document never changes; it can
only be voided with a reason.
"""

import base64
import hashlib
import io
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import pikepdf
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from emulation import signing
from emulation.audit import log_action
from emulation.models import DocumentCounter, IssuedDocument
from emulation.pdf import SignatureBlock, html_to_pdf, render_pdf
from emulation.text import collapse_spaces, document_number, vn_slugify, vn_sort_key
from emulation.uploads import discard_private_file, read_private_file, store_private_file

logger = logging.getLogger(__name__)

KIND_LABELS = {
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "GU": "Giao ước thi đua",
    "PB": "Phiếu bầu",
}
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class IssuedDocumentStamp:
    """What a document prints about its own issue: number, code, where to verify, dates.

    `dated` is the date the document bears ("ngày … tháng … năm"), which chooses its number
    series; `issued_on` is the day the portal issued it.
    """

    number: str
    verification_code: str
    verify_url: str
    issued_on: date
    sequence: int
    kind: str
    issuer_code: str
    year: int
    dated: date


def format_number(sequence: int, kind: str, issuer_code: str) -> str:
    """Decree 30 number: (5, "BB", "KTĐVHXH") → "05/BB-KTĐVHXH"."""
    return f"{document_number(sequence)}/{kind}-{issuer_code}"


def unnumbered(kind: str, issuer_code: str) -> str:
    """The number line of a paper not (yet) issued: room to write the number by hand,
    "……/BB-KTĐVHXH" (spaces would collapse in print)."""
    return f"……/{kind}-{issuer_code}"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _next_sequence(issuer_code: str, year: int) -> int:
    """Lock (creating it race-free if needed) the counter row and take the next number."""
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(issuer_code=issuer_code, year=year)], ignore_conflicts=True
    )
    counter = DocumentCounter.objects.select_for_update().get(issuer_code=issuer_code, year=year)
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    return counter.last_sequence


def merge_pdfs(data: bytes, extra: Iterable[bytes]) -> bytes:
    """`data` with every page of each PDF in `extra` appended, in order (pyHanko's writer)."""
    extra = [item for item in extra if item]
    if not extra:
        return data
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.rw_common import find_inherited_value_in_tree
    from pyhanko.pdf_utils.writer import _ObjectImporter, copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(data), strict=False))
    inherited = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
    dropped = {"/Parent", "/Annots", "/StructParents", "/B", "/Metadata", "/PieceInfo"}
    for item in extra:
        try:
            reader = PdfFileReader(io.BytesIO(item), strict=False)
            if reader.encrypted:
                raise ValidationError(_("Không ghép được tệp PDF đã mã hóa vào văn bản."))
            pages = []
            for index in range(int(reader.root["/Pages"]["/Count"])):
                page_ref, _resources = reader.find_page_for_modification(index)
                source = page_ref.get_object()
                page = generic.DictionaryObject(
                    {key: value for key, value in source.items() if key not in dropped}
                )
                for key in inherited:
                    if key not in page:
                        value = find_inherited_value_in_tree(source, key, "/Parent")
                        if value is not None:
                            page[generic.pdf_name(key)] = value
                pages.append(page)
            # One importer per source file so shared fonts and images are copied once.
            importer = _ObjectImporter(
                source=reader, target=writer, reference_map={}, obj_stream=None
            )
            imported = importer.import_object(generic.ArrayObject(pages))
        except ValidationError:
            raise
        except Exception as error:
            raise ValidationError(
                _("Không đọc được tệp PDF cần ghép vào văn bản: %(error)s") % {"error": error}
            ) from error
        for page in imported:
            writer.insert_page(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _page_count(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


# Attached copies are printed from page images at this resolution (a scan's own is usually 150-300).
ATTACHED_PAGE_DPI = 150


def _page_images(pdfs: Iterable[bytes]) -> list[str]:
    """Every page of `pdfs` as a JPEG data URI (white background, RGB), in order."""
    import pypdfium2

    uris = []
    for item in pdfs:
        try:
            with pikepdf.open(io.BytesIO(item)) as checked:
                if checked.is_encrypted:
                    raise ValidationError(_("Không ghép được tệp PDF đã mã hóa vào văn bản."))
            document = pypdfium2.PdfDocument(item)
        except ValidationError:
            raise
        except Exception as error:
            raise ValidationError(
                _("Không đọc được tệp PDF cần ghép vào văn bản: %(error)s") % {"error": error}
            ) from error
        try:
            for page in document:
                image = page.render(scale=ATTACHED_PAGE_DPI / 72, fill_color=(255, 255, 255, 255))
                buffer = io.BytesIO()
                image.to_pil().convert("RGB").save(buffer, "JPEG", quality=80, optimize=True)
                uris.append(
                    "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()
                )
        finally:
            document.close()
    return uris


def attached_pages_pdf(pdfs: Iterable[bytes], stamp: IssuedDocumentStamp, *, first: int) -> bytes:
    """The attached copies (members' signed pages) as pages of the issued document: each page
    printed as an image under the page number and the footer the document's own pages carry, so
    a page taken out of the file still says which document it belongs to, and rendered PDF/A-2b
    like the rest, so the whole file keeps its archival claim whatever the uploads contained
    (fonts not embedded, CMYK, scripts). The copies' own text layer is not kept."""
    images = _page_images(pdfs)
    html = render_to_string(
        "pdf/appended_pages.html",
        {"stamp": stamp, "pages": list(enumerate(images, start=first))},
    )
    return html_to_pdf(html, archival=True)


def _new_stamp(kind: str, issuer_code: str, dated: date) -> IssuedDocumentStamp:
    """The next number of the issuer's series for the year of `dated` (locked until commit)."""
    sequence = _next_sequence(issuer_code, dated.year)
    return IssuedDocumentStamp(
        number=format_number(sequence, kind, issuer_code),
        verification_code=new_verification_code(),
        verify_url=f"{settings.SITE_URL}{reverse('verify')}",
        issued_on=timezone.localdate(),
        sequence=sequence,
        kind=kind,
        issuer_code=issuer_code,
        year=dated.year,
        dated=dated,
    )


def _rendered_pdf(render, stamp: IssuedDocumentStamp, extra_pdfs: list[bytes], sign_as) -> bytes:
    """The document's final bytes: rendered, the attached pages appended, and signed as
    `sign_as` (the kind's label) when signing is configured (None otherwise)."""
    data = render(stamp)
    if not data.startswith(b"%PDF-"):
        raise ValueError("render(stamp) must return PDF bytes.")
    if extra_pdfs:
        attached = attached_pages_pdf(extra_pdfs, stamp, first=_page_count(data) + 1)
        data = merge_pdfs(data, [attached])
    if sign_as is not None:
        data = signing.sign_pdf(
            data, reason=f"{sign_as} số {stamp.number}", location=settings.DOCUMENT_PLACE
        )
    return data


def _store_issued(data: bytes, word: bytes, year: int) -> tuple[str, str]:
    """The PDF and its Word copy (if any), named only when the issuing transaction commits."""
    folder = f"issued/{year}"
    stored = store_private_file(data, folder=folder, on_commit=True)
    if not word:
        return stored, ""
    return stored, store_private_file(word, folder=folder, suffix=".docx", on_commit=True)


@transaction.atomic
def issue_document(
    *,
    kind: str,
    kind_label: str,
    issuer_code: str,
    issuer_name: str,
    dated: date | None = None,
    title: str,
    render: Callable[[IssuedDocumentStamp], bytes],
    bloc_year=None,
    source=None,
    actor,
    append_pdfs: Iterable[bytes] = (),
    render_docx: Callable[[IssuedDocumentStamp], bytes] | None = None,
) -> IssuedDocument:
    """Number, render, append, sign (when configured), hash, store and audit one document.

    Decree 30: an issuer's numbers run from 01 on 1 January to 31 December of the date the
    document bears, so the series is `dated.year` (today when not given), whatever bloc-year the
    document concerns: minutes of a 2024 conference held on 08/01/2025 are numbered in 2025.
    `render(stamp)` returns the PDF bytes of the document printing `stamp.number` and the
    verification footer (pass `stamp` to a template extending "pdf/base.html");
    `render_docx(stamp)`, when given, its Word copy, stored beside it.
    """
    issuer_code = (issuer_code or "").strip()
    title = collapse_spaces(title)
    if not issuer_code or not kind or not title:
        raise ValidationError(_("Văn bản phải có loại, cơ quan ban hành và trích yếu."))
    extra_pdfs = [item for item in append_pdfs if item]
    stamp = _new_stamp(kind, issuer_code, dated or timezone.localdate())
    year, sequence = stamp.year, stamp.sequence
    signed = signing.signing_configured()
    label = kind_label or KIND_LABELS.get(kind, kind)
    data = _rendered_pdf(render, stamp, extra_pdfs, label if signed else None)
    word = render_docx(stamp) if render_docx else b""
    stored, stored_word = _store_issued(data, word, year)
    try:
        document = IssuedDocument.objects.create(
            issuer_code=issuer_code,
            issuer_name=issuer_name,
            year=year,
            sequence=sequence,
            kind=kind,
            kind_label=kind_label or KIND_LABELS.get(kind, ""),
            number=stamp.number,
            title=title,
            sha256=hashlib.sha256(data).hexdigest(),
            verification_code=stamp.verification_code,
            file=stored,
            docx_file=stored_word,
            docx_sha256=hashlib.sha256(word).hexdigest() if word else "",
            size=len(data),
            digitally_signed=signed,
            issued_by=actor if getattr(actor, "pk", None) else None,
            bloc_year=bloc_year,
            content_type=ContentType.objects.get_for_model(source) if source else None,
            object_id=str(source.pk) if source else "",
        )
        log_action(
            "emulation.document.issued",
            document,
            actor=actor,
            data={
                "number": document.number,
                "title": document.title,
                "sha256": document.sha256,
                "digitally_signed": document.digitally_signed,
                "appended_files": len(extra_pdfs),
            },
        )
    except Exception:
        discard_private_file(stored)
        if stored_word:
            discard_private_file(stored_word)
        raise
    return document


@transaction.atomic
def void_document(
    document: IssuedDocument, *, reason: str, actor, superseded_by: IssuedDocument | None = None
) -> IssuedDocument:
    """Mark an issued document void with a reason, or as replaced by `superseded_by`; its
    number and file stay as they were, and /verify/ says which document replaced it."""
    reason = collapse_spaces(reason)
    if superseded_by is not None and not reason:
        reason = _("Được thay thế bởi văn bản số %(number)s.") % {"number": superseded_by.number}
    if not reason:
        raise ValidationError(_("Vui lòng nêu lý do hủy văn bản."))
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.voided_at:
        raise ValidationError(_("Văn bản này đã bị hủy trước đó."))
    if superseded_by is not None and superseded_by.pk == document.pk:
        raise ValueError("a document cannot replace itself")
    document.voided_at = timezone.now()
    document.void_reason = reason
    document.superseded_by = superseded_by
    document.save(update_fields=["voided_at", "void_reason", "superseded_by"])
    data = {"number": document.number, "reason": reason}
    if superseded_by is not None:
        data["superseded_by"] = superseded_by.number
    log_action("emulation.document.voided", document, actor=actor, data=data)
    return document


@dataclass
class Verification:
    """The answer /verify/ gives for an uploaded file and/or a pasted hash or code."""

    document: IssuedDocument | None = None
    matched_by: str = ""  # "file", "sha256" or "code"
    file_given: bool = False
    file_sha256: str = ""
    file_matches: bool = False
    signatures: list[signing.SignatureReport] | None = None

    @property
    def issued(self) -> bool:
        """The portal issued exactly this file, or (no file given) this hash or code exists."""
        return self.document is not None and (self.file_matches or not self.file_given)

    @property
    def file_differs(self) -> bool:
        """A code or hash names a document, but the uploaded file is not that document."""
        return self.document is not None and self.file_given and not self.file_matches


def verify(*, data: bytes | None = None, sha256: str = "", code: str = "") -> Verification:
    """Look a file (by its SHA-256), a pasted SHA-256 or a verification code up among issued
    documents; for a file, also inspect its digital signatures. Nothing is stored."""
    documents = IssuedDocument.objects.select_related(
        "issued_by", "bloc_year__bloc", "superseded_by"
    )
    result = Verification(file_given=data is not None)
    if data is not None:
        result.file_sha256 = hashlib.sha256(data).hexdigest()
        result.signatures = signing.inspect_signatures(data)
    if code:
        result.document = documents.filter(verification_code=code).first()
        result.matched_by = "code"
    elif sha256:
        result.document = documents.filter(sha256=sha256).first()
        result.matched_by = "sha256"
    if result.document is None and data is not None:
        result.document = documents.filter(sha256=result.file_sha256).first()
        result.matched_by = "file" if result.document else ""
    if result.document is not None and data is not None:
        result.file_matches = result.document.sha256 == result.file_sha256
    return result


def read_document(document: IssuedDocument) -> bytes:
    """The stored bytes of an issued document."""
    return read_private_file(document.file.name)


def document_filename(document: IssuedDocument, extension: str = "pdf") -> str:
    """A readable file name: "05-bb-ktdvhxh-bien-ban-hoi-nghi.pdf"."""
    slug = vn_slugify(f"{document.number.replace('/', ' ')} {document.title}")[:120].strip("-")
    return f"{slug or 'van-ban'}.{extension}"


def read_word_copy(document: IssuedDocument) -> bytes:
    """The stored Word copy of an issued document (empty when it has none)."""
    if not document.docx_file:
        return b""
    return read_private_file(document.docx_file.name)


def sample_minutes_pdf(bloc_year, *, on: date | None = None, blank_lines: int = 12):
    """An empty BIÊN BẢN for a bloc-year, to print and fill in by hand (not issued)."""
    members = sorted(
        (membership.agency.name for membership in bloc_year.memberships.as_of_year()),
        key=vn_sort_key,
    )
    data = render_pdf(
        "pdf/sample_minutes.html",
        {
            "bloc_year": bloc_year,
            "members": members,
            "issuer_name": bloc_year.bloc.name,
            "number": unnumbered("BB", bloc_year.bloc.code),
            "doc_date": on,
            "doc_type": "Biên bản",
            "subject": f"Hội nghị {bloc_year.bloc.name} năm {bloc_year.year}",
            "blank_lines": range(blank_lines),
            "signature_blocks": [
                SignatureBlock(position="Thư ký", note="(Ký, ghi rõ họ tên)"),
                SignatureBlock(position="Chủ trì", note="(Ký, ghi rõ họ tên)"),
            ],
        },
    )
    filename = f"bien-ban-mau-{vn_slugify(bloc_year.bloc.name)}-{bloc_year.year}.pdf"
    return filename, "application/pdf", data

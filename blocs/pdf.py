"""The covenant PDF: printable at any state, and the signed version that is issued.

Functions return `(filename, "application/pdf", bytes)`; the signed version is rendered by
`emulation.documents.issue_document` through `signed_covenant_renderer` so it carries its number
and verification footer, with the uploaded signed pages appended.
"""

import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from blocs.covenant_reads import annex_registrations, members_of
from blocs.models import Covenant, CovenantSignature
from emulation.documents import unnumbered
from emulation.pdf import SignatureBlock, render_pdf
from emulation.text import vn_slugify
from emulation.uploads import check_pdf, read_private_file

TEMPLATE = "pdf/covenant.html"
# Up to this many members sign in pairs; a larger bloc gets three blocks a row, which keeps a
# 16-member grid to two pages instead of three.
SIGNATURE_PAIRS_UP_TO = 8
_BLOC_PREFIX = re.compile(r"^(Khối|Cụm)\s+thi\s+đua\s+", re.IGNORECASE)


def covenant_filename(covenant: Covenant, *, signed: bool = False) -> str:
    """ "giao-uoc-thi-dua-khoi-van-hoa-xa-hoi-2024.pdf" ("Khối thi đua X" shortened to "Khối X")."""
    bloc_year = covenant.bloc_year
    bloc = _BLOC_PREFIX.sub(lambda match: f"{match[1]} ", bloc_year.bloc.name)
    suffix = "-da-ky" if signed else ""
    return f"giao-uoc-thi-dua-{vn_slugify(bloc)}-{bloc_year.year}{suffix}.pdf"


def _context(covenant: Covenant, *, signed: bool, stamp=None) -> dict:
    bloc_year = covenant.bloc_year
    memberships = members_of(bloc_year)
    summary, registrations = annex_registrations(bloc_year, memberships)
    signatures = {signature.agency_id: signature for signature in _live(covenant)}
    blocks = []
    for membership in memberships:
        signature = signatures.get(membership.agency_id)
        name = signature.signer_name if signature else membership.signatory_name
        title = signature.signer_title if signature else membership.signatory_title
        blocks.append(
            SignatureBlock(
                organisation=membership.agency.name,
                position=title,
                name=name,
                signed=_signed_note(signature) if signed and signature else "",
            )
        )
    return {
        "covenant": covenant,
        "bloc_year": bloc_year,
        "issuer_name": bloc_year.bloc.name,
        "number": "" if stamp else unnumbered("GU", bloc_year.bloc.code),
        "doc_date": covenant.conference_date,
        "doc_type": covenant.title,
        "title": covenant.title,
        "draft": covenant.status == Covenant.Status.DRAFT,
        "clauses": list(covenant.clauses.all()),
        "summary": summary,
        "annex_rows": [
            (membership.agency, registrations.get(membership.agency_id))
            for membership in memberships
        ],
        "signature_blocks": blocks,
        "signature_columns": 2 if len(blocks) <= SIGNATURE_PAIRS_UP_TO else 3,
        "signed_count": sum(m.agency_id in signatures for m in memberships) if signed else 0,
        "copies": len(memberships) + 1,
        "stamp": stamp,
    }


def _signed_note(signature: CovenantSignature) -> str:
    """What the signature space says once a member signed: how and when, in one line."""
    method = CovenantSignature.Method
    when = date_format(signature.signed_on, "d/m/Y")
    if signature.method == method.PAPER:
        return f"Đã ký trực tiếp ngày {when}"
    if signature.method == method.UPLOAD:
        return f"Bản ký ngày {when} đính kèm"
    verdict = "hợp lệ" if signature.signature_valid else "chưa xác thực"
    return f"Đã ký số ngày {when} ({verdict})"


def _live(covenant: Covenant):
    live = getattr(covenant, "live_signatures", None)
    if live is not None:
        return live
    return covenant.signatures.filter(voided_at__isnull=True).select_related("agency")


def covenant_pdf(covenant: Covenant) -> tuple[str, str, bytes]:
    """The covenant as it stands: a draft says DỰ THẢO; once members signed, who and when."""
    show_signed = covenant.status != Covenant.Status.DRAFT
    data = render_pdf(TEMPLATE, _context(covenant, signed=show_signed))
    return covenant_filename(covenant), "application/pdf", data


def signed_covenant_renderer(covenant: Covenant, renderer=render_pdf):
    """The `render(stamp)` callable `issue_document` uses for the signed covenant (its Word
    copy with `renderer=render_docx`)."""

    def render(stamp) -> bytes:
        return renderer(TEMPLATE, _context(covenant, signed=True, stamp=stamp))

    return render


def uploaded_pages(covenant: Covenant) -> list[bytes]:
    """The members' uploaded signed pages, in member order, to append to the issued document."""
    order = {m.agency_id: index for index, m in enumerate(members_of(covenant.bloc_year))}
    signatures = sorted(
        (signature for signature in _live(covenant) if signature.file),
        key=lambda signature: order.get(signature.agency_id, len(order)),
    )
    return [_readable_copy(signature) for signature in signatures]


def _readable_copy(signature: CovenantSignature) -> bytes:
    """A member's stored copy, checked again as on upload (files kept from before a stricter
    check, or damaged on disk): the refusal names the member, before any number is taken."""
    data = read_private_file(signature.file)
    try:
        check_pdf(ContentFile(data, name="ban-ky.pdf"))
    except ValidationError as error:
        raise ValidationError(
            _(
                "Không ghép được bản ký của %(agency)s vào giao ước: %(error)s Đơn vị cần tải lên "
                "lại bản ký (hoặc cán bộ hủy chữ ký này) rồi phát hành lại."
            )
            % {"agency": signature.agency.name, "error": " ".join(error.messages)}
        ) from error
    return data

"""A proposal's dossier: uploaded papers, the tờ trình that sends it, and the .zip bundle."""

import hashlib
import io
import json
import zipfile
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards.models import AwardProposal, ProposalDocument
from awards.pdf import render_request_letter
from awards.services.proposals.common import REQUEST_LETTER_KIND, Kind, facts
from emulation.audit import log_action
from emulation.documents import (
    document_filename,
    issue_document,
    read_document,
    read_word_copy,
    void_document,
)
from emulation.docx import render_docx
from emulation.models import IssuedDocument
from emulation.text import vn_slugify
from emulation.uploads import discard_private_file, read_private_file, store_private_file


def _require_editable(proposal):
    if not proposal.is_editable:
        raise ValidationError(
            _("Hồ sơ đề nghị “%(proposal)s” đang ở trạng thái “%(state)s”, không sửa được.")
            % {"proposal": proposal, "state": proposal.get_state_display()}
        )


@transaction.atomic
def upload_document(proposal: AwardProposal, *, kind: str, checked, actor) -> ProposalDocument:
    """Store a content-checked upload (`checked` has data, original_name, sha256, suffix,
    content_type) in the proposal's dossier."""
    _require_editable(proposal)
    if kind not in {Kind.ACHIEVEMENT_REPORT, Kind.INITIATIVE, Kind.MINUTES, Kind.OTHER}:
        raise ValidationError(_("Loại tài liệu này không tải lên được."))
    stored = store_private_file(
        checked.data, folder=f"proposals/{proposal.year}", suffix=checked.suffix
    )
    try:
        document = ProposalDocument.objects.create(
            proposal=proposal,
            kind=kind,
            stored_name=stored,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        log_action(
            "awards.proposal.document_uploaded",
            proposal,
            actor=actor,
            data=facts(kind=kind, name=checked.original_name, sha256=checked.sha256),
        )
    except Exception:
        discard_private_file(stored)
        raise
    return document


@transaction.atomic
def remove_document(document: ProposalDocument, *, actor) -> None:
    """Take an uploaded paper out of an editable dossier (issued documents stay attached)."""
    proposal = document.proposal
    _require_editable(proposal)
    if document.issued_document_id:
        raise ValidationError(_("Văn bản do cổng phát hành không gỡ khỏi hồ sơ được."))
    log_action(
        "awards.proposal.document_removed",
        proposal,
        actor=actor,
        data=facts(kind=document.kind, name=document.original_name),
    )
    stored = document.stored_name
    document.delete()
    transaction.on_commit(lambda: discard_private_file(stored))


def _letter_order(proposals) -> list[AwardProposal]:
    return sorted(
        proposals,
        key=lambda p: (p.award_type.order, p.award_type.code, p.agency.sort_name, p.person_name),
    )


def request_letter_preview(bloc_year, proposals) -> tuple[str, str, bytes]:
    """The tờ trình that sending `proposals` would issue, marked DỰ THẢO and unnumbered."""
    data = render_request_letter(bloc_year, _letter_order(proposals), stamp=None)
    return f"du-thao-to-trinh-{bloc_year.bloc.code}-{bloc_year.year}.pdf", "application/pdf", data


def issue_request_letter(bloc_year, proposals, *, actor):
    """Issue the tờ trình (kind "TTr") for exactly the proposals being sent, attach it to each,
    and supersede an earlier letter whose every proposal this one now carries."""
    proposals = _letter_order(proposals)
    document = issue_document(
        kind=REQUEST_LETTER_KIND,
        kind_label="TỜ TRÌNH",
        issuer_code=bloc_year.bloc.code,
        issuer_name=bloc_year.bloc.name,
        title=_("Tờ trình đề nghị khen thưởng năm %(year)s") % {"year": bloc_year.year},
        render=lambda stamp: render_request_letter(bloc_year, proposals, stamp=stamp),
        render_docx=lambda stamp: render_request_letter(
            bloc_year, proposals, stamp=stamp, renderer=render_docx
        ),
        bloc_year=bloc_year,
        source=bloc_year,
        actor=actor,
    )
    sent = {proposal.pk for proposal in proposals}
    earlier = defaultdict(set)
    for document_id, proposal_id in ProposalDocument.objects.filter(
        proposal__bloc_year=bloc_year,
        kind=Kind.REQUEST_LETTER,
        issued_document__voided_at__isnull=True,
    ).values_list("issued_document_id", "proposal_id"):
        earlier[document_id].add(proposal_id)
    for old in IssuedDocument.objects.filter(pk__in=earlier).order_by("pk"):
        if earlier[old.pk] <= sent:
            void_document(old, reason="", superseded_by=document, actor=actor)
    ProposalDocument.objects.filter(proposal__in=proposals, kind=Kind.REQUEST_LETTER).delete()
    ProposalDocument.objects.bulk_create(
        ProposalDocument(
            proposal=proposal,
            kind=Kind.REQUEST_LETTER,
            issued_document=document,
            original_name=document.number,
            size=document.size,
            sha256=document.sha256,
            uploaded_by=actor,
        )
        for proposal in proposals
    )
    for proposal in proposals:
        log_action(
            "awards.proposal.request_letter_attached",
            proposal,
            actor=actor,
            data=facts(document=document.number),
        )
    return document


def dossier_bundle(proposal: AwardProposal) -> tuple[str, str, bytes]:
    """The proposal's dossier as one .zip: each paper (issued documents as PDF and their Word
    copy, uploads as sent) and manifest.json with every file's SHA-256, for the ministry's
    "paper original plus Word and PDF files" (QĐ 311/QĐ-BNV)."""
    files: list[tuple[str, bytes]] = []
    for index, paper in enumerate(
        proposal.documents.select_related("issued_document").order_by("kind", "pk"), start=1
    ):
        prefix = f"{index:02d}-{paper.kind}"
        issued = paper.issued_document
        if issued is not None:
            files.append((f"{prefix}-{document_filename(issued)}", read_document(issued)))
            word = read_word_copy(issued)
            if word:
                files.append((f"{prefix}-{document_filename(issued, 'docx')}", word))
        elif paper.stored_name:
            name = vn_slugify(paper.original_name.rsplit(".", 1)[0]) or "tai-lieu"
            extension = (
                paper.original_name.rsplit(".", 1)[-1].lower()
                if "." in paper.original_name
                else "bin"
            )
            files.append((f"{prefix}-{name}.{extension}", read_private_file(paper.stored_name)))
    manifest = {
        "proposal": proposal.recipient_label,
        "award": str(proposal.award_type),
        "year": proposal.year,
        "files": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in files
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
        archive.writestr(
            "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        )
    label = vn_slugify(
        f"ho so {proposal.recipient_label} {proposal.award_type.code} {proposal.year}"
    )
    return f"{label}.zip", "application/zip", buffer.getvalue()

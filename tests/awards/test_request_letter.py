"""The tờ trình is issued by the submission itself, for exactly what is sent, with one base for
its counts and percentages; re-sending supersedes the earlier letter."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from awards.models import AwardProposal, ProposalDocument
from awards.services import proposals as services
from emulation.documents import read_document
from emulation.models import IssuedDocument
from tests.factories import award_type
from tests.pdf_helpers import pdf_text

Kind = ProposalDocument.Kind


def complete(proposal):
    """Upload-free stand-ins for the papers a dossier needs before it can be sent."""
    for kind in proposal.required_document_kinds():
        if not proposal.documents.filter(kind=kind).exists():
            ProposalDocument.objects.create(proposal=proposal, kind=kind)


def letter_of(proposal) -> IssuedDocument:
    return proposal.documents.get(kind=Kind.REQUEST_LETTER).issued_document


def text_of(document) -> str:
    return " ".join(pdf_text(read_document(document)).split())


def test_submitting_issues_one_letter_listing_exactly_the_proposals_sent(
    bloc_year,
    finalized,
    bloc_head,
):
    proposals = list(AwardProposal.objects.filter(bloc_year=bloc_year).order_by("pk"))
    for proposal in proposals:
        complete(proposal)
    sent, kept = proposals[:2], proposals[2]
    services.submit_proposals(bloc_year, sent, actor=bloc_head)
    letter = letter_of(sent[0])
    # Dated today, so numbered in this calendar year's series (the minutes are in 2024's).
    expected = "03" if timezone.localdate().year == 2024 else "01"
    assert letter == letter_of(sent[1]) and letter.number == f"{expected}/TTr-KTĐVHXH"
    assert not kept.documents.filter(kind=Kind.REQUEST_LETTER).exists()
    text = text_of(letter)
    listed = text.split("cụ thể như sau:")[1].split("Kính đề nghị Hội đồng")[0]
    for proposal in sent:
        assert proposal.agency.name in listed
    assert kept.agency.name not in listed
    # One base for the count and the percentage: 5 of the 5 members' votes for the flag.
    assert "5/5 phiếu, đạt 100,00 % tổng số thành viên của Khối" in text
    assert "bỏ phiếu kín" in text and "DỰ THẢO" not in text


def test_a_refused_submission_issues_no_letter(bloc_year, finalized, bloc_head):
    proposal = AwardProposal.objects.filter(bloc_year=bloc_year).first()
    with pytest.raises(ValidationError, match="thiếu"):
        services.submit_proposals(bloc_year, [proposal], actor=bloc_head)
    assert not IssuedDocument.objects.filter(kind="TTr").exists()


def test_sending_again_after_a_return_supersedes_the_earlier_letter(
    bloc_year,
    finalized,
    bloc_head,
    province_staff,
):
    proposal = AwardProposal.objects.filter(bloc_year=bloc_year).order_by("pk").first()
    complete(proposal)
    services.submit_proposals(bloc_year, [proposal], actor=bloc_head)
    first = letter_of(proposal)
    services.start_review([proposal], actor=province_staff)
    services.return_proposal(proposal, reason="Bổ sung báo cáo", actor=province_staff)
    services.submit_proposals(bloc_year, [proposal], actor=bloc_head)
    second = letter_of(proposal)
    first.refresh_from_db()
    assert second != first
    assert first.superseded_by == second and first.voided_at is not None
    assert second.superseded_by is None


def test_a_letter_still_carrying_other_sent_proposals_is_not_superseded(
    bloc_year,
    finalized,
    bloc_head,
    province_staff,
):
    proposals = list(AwardProposal.objects.filter(bloc_year=bloc_year).order_by("pk"))[:2]
    for proposal in proposals:
        complete(proposal)
    services.submit_proposals(bloc_year, proposals, actor=bloc_head)
    first = letter_of(proposals[0])
    services.start_review(proposals, actor=province_staff)
    services.return_proposal(proposals[0], reason="Bổ sung", actor=province_staff)
    services.submit_proposals(bloc_year, [proposals[0]], actor=bloc_head)
    first.refresh_from_db()
    assert first.superseded_by is None and first.voided_at is None
    assert letter_of(proposals[1]) == first


def test_a_manual_proposal_cites_its_own_basis_not_the_conference(
    bloc_year,
    bloc_head,  # no conference at all
):
    proposal = services.add_manual_proposal(
        bloc_year,
        agency=bloc_year.head,
        award_type=award_type("BK_TINH"),
        votes=4,
        basis="Biên bản họp bình xét của Khối ngày 15/12/2024",
        actor=bloc_head,
    )
    complete(proposal)
    services.submit_proposals(bloc_year, [proposal], actor=bloc_head)
    text = text_of(letter_of(proposal))
    assert "Căn cứ: Biên bản họp bình xét của Khối ngày 15/12/2024" in text
    assert "tại Hội nghị tổng kết" not in text
    assert "phiếu, đạt" not in text


def test_the_dossier_bundle_holds_each_paper_its_word_copy_and_a_hash_manifest(
    bloc_year, finalized, bloc_head, head_client
):
    import hashlib
    import io
    import json
    import zipfile

    from django.urls import reverse

    proposal = AwardProposal.objects.filter(bloc_year=bloc_year).order_by("pk").first()
    complete(proposal)
    services.submit_proposals(bloc_year, [proposal], actor=bloc_head)
    response = head_client.get(reverse("awards:proposal_bundle", args=[bloc_year.pk, proposal.pk]))
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
    assert any(name.endswith(".pdf") and "ttr" in name for name in names)
    assert any(name.endswith(".docx") and "ttr" in name for name in names)
    assert sum(name.endswith(".docx") for name in names) >= 3  # the letter and both minutes

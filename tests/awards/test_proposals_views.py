"""Proposal pages: the bloc head's dossier page, uploads, submission and POST permissions."""

import io
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer

from awards.models import AwardProposal, ProposalDocument
from emulation.models import IssuedDocument
from portal.bench.measure import capture_queries
from tests.factories import AwardProposalFactory, MembershipFactory, award_type
from tests.form_tokens import with_token
from tests.pdf_helpers import pdf_text, tiny_pdf
from tests.queries import assert_num_queries, assert_same_queries

State = AwardProposal.State
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def docx_bytes(*, main_type=DOCX_MAIN, with_document=True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
            f'ContentType="{main_type}"/></Types>',
        )
        if with_document:
            archive.writestr("word/document.xml", "<w:document>Báo cáo thành tích</w:document>")
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(tiny_pdf())))
    writer.encrypt("owner", "user")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def proposal(bloc_year):
    return AwardProposalFactory(bloc_year=bloc_year, agency=bloc_year.head)


def url(name, bloc_year, *args):
    return reverse(f"awards:{name}", args=[bloc_year.pk, *args])


def upload(client, bloc_year, proposal, data, name="bao-cao.pdf", kind="achievement_report"):
    return client.post(
        url("proposal_upload", bloc_year),
        {
            "upload-proposal": proposal.pk,
            "upload-kind": kind,
            "upload-file": SimpleUploadedFile(name, data),
        },
        follow=True,
    )


def test_the_head_sees_the_dossier_checklist_and_the_missing_papers(
    head_client, bloc_year, proposal
):
    response = head_client.get(url("bloc_year_proposals", bloc_year))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Thiếu" in text and "Báo cáo thành tích" in text
    assert 'data-testid="submit-proposals"' in text
    assert 'data-testid="preview-letter"' in text


def test_the_deputy_cannot_submit_or_preview_the_letter(deputy_client, bloc_year, proposal):
    text = deputy_client.get(url("bloc_year_proposals", bloc_year)).content.decode()
    assert 'data-testid="submit-proposals"' not in text
    assert deputy_client.post(url("proposals_submit", bloc_year)).status_code == 403
    assert deputy_client.get(url("request_letter_preview", bloc_year)).status_code == 403


def test_the_bloc_page_lists_proposals_in_fixed_queries(head_client, bloc_year):
    AwardProposalFactory(bloc_year=bloc_year, agency=bloc_year.head)
    page = url("bloc_year_proposals", bloc_year)
    with assert_num_queries(16):  # + leading units: the list, the form, the quota
        head_client.get(page)
    few = capture_queries(head_client.get, page)
    for _ in range(15):
        AwardProposalFactory(bloc_year=bloc_year, award_type=award_type("TTLDXS"))
    assert_same_queries(capture_queries(head_client.get, page), few)


def test_the_head_uploads_a_pdf_achievement_report(head_client, bloc_year, proposal):
    response = upload(head_client, bloc_year, proposal, tiny_pdf("bc"))
    assert "Đã tải tài liệu lên hồ sơ." in response.content.decode()
    document = proposal.documents.get()
    assert document.content_type == "application/pdf"
    assert document.stored_name.startswith("private/")
    download = head_client.get(url("proposal_document", bloc_year, document.pk))
    assert download.status_code == 200
    assert (
        b"".join(download.streaming_content if download.streaming else [download.content])[:5]
        == b"%PDF-"
    )


def test_a_docx_achievement_report_is_accepted(head_client, bloc_year, proposal):
    upload(head_client, bloc_year, proposal, docx_bytes(), name="bao-cao.docx")
    document = proposal.documents.get()
    assert document.content_type.endswith("wordprocessingml.document")
    assert document.stored_name.endswith(".docx")


def test_an_nfd_file_name_is_stored_in_nfc(head_client, bloc_year, proposal):
    name = unicodedata.normalize("NFD", "Báo cáo thành tích.pdf")
    upload(head_client, bloc_year, proposal, tiny_pdf(), name=name)
    assert proposal.documents.get().original_name == "Báo cáo thành tích.pdf"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"Not a PDF at all, just text", "bao-cao.pdf", "Chỉ chấp nhận tệp PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "anh.pdf", "Chỉ chấp nhận tệp PDF"),
        (b"%PDF-1.7\n garbage without structure", "hong.pdf", "không phải là PDF hợp lệ"),
        ("encrypted", "mat-khau.pdf", "mật khẩu"),
        ("zip", "khong-phai-word.docx", "không phải là văn bản Word"),
        ("docx-without-document", "thieu.docx", "không phải là văn bản Word"),
        ("docm", "macro.docx", "macro"),
        (b"", "rong.pdf", "rỗng"),
        (b"   \n ", "trang.pdf", "rỗng"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(
    head_client, bloc_year, proposal, data, name, message
):
    if data == "encrypted":
        data = encrypted_pdf()
    elif data == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "hello")
        data = buffer.getvalue()
    elif data == "docx-without-document":
        data = docx_bytes(with_document=False)
    elif data == "docm":
        data = docx_bytes(main_type="application/vnd.ms-word.document.macroEnabled.main+xml")
    response = upload(head_client, bloc_year, proposal, data, name=name)
    assert message in response.content.decode()
    assert not proposal.documents.exists()


def test_a_too_large_upload_is_refused(head_client, bloc_year, proposal, settings):
    settings.UPLOAD_MAX_MB = 1
    response = upload(head_client, bloc_year, proposal, tiny_pdf() + b"0" * (1024 * 1024 + 10))
    assert "quá lớn" in response.content.decode()
    assert not proposal.documents.exists()


def test_a_member_uploads_only_for_its_own_agency(member_client, member, bloc_year, proposal):
    own = AwardProposalFactory(bloc_year=bloc_year, agency=member.agency)
    upload(member_client, bloc_year, own, tiny_pdf())
    assert own.documents.count() == 1
    response = upload(member_client, bloc_year, proposal, tiny_pdf())
    assert not proposal.documents.exists()
    assert "Đề nghị" in response.content.decode()


def test_an_outsider_gets_404_on_every_bloc_post(outsider_client, bloc_year, proposal):
    for name in (
        "proposal_add",
        "proposal_upload",
        "request_letter_preview",
        "proposals_submit",
    ):
        assert outsider_client.post(url(name, bloc_year)).status_code == 404, name


def test_a_member_cannot_add_submit_or_issue(member_client, bloc_year):
    for name in ("proposal_add", "request_letter_preview", "proposals_submit"):
        assert member_client.post(url(name, bloc_year)).status_code == 403, name


def test_anonymous_posts_are_sent_to_login(anonymous_client, bloc_year):
    response = anonymous_client.post(url("proposals_submit", bloc_year))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_get_is_refused_on_post_only_pages(head_client, bloc_year):
    assert head_client.get(url("proposals_submit", bloc_year)).status_code == 405


def test_the_head_adds_an_individual_proposal(head_client, bloc_year):
    response = head_client.post(
        url("proposal_add", bloc_year),
        {
            "add-award_type": award_type("CSTD_TINH").pk,
            "add-agency": bloc_year.head.pk,
            "add-person_name": unicodedata.normalize("NFD", "Nguyễn Văn Ân"),
            "add-person_title": "Trưởng phòng",
            "add-basis": "Biên bản họp Hội đồng Thi đua - Khen thưởng Sở Y tế ngày 10/12/2024",
        },
        follow=True,
    )
    assert "Đã thêm đề nghị." in response.content.decode()
    proposal = AwardProposal.objects.get()
    assert proposal.person_name == "Nguyễn Văn Ân"
    assert proposal.basis.startswith("Biên bản họp Hội đồng")


def test_a_manual_proposal_without_a_basis_is_refused_with_a_message(head_client, bloc_year):
    response = head_client.post(
        url("proposal_add", bloc_year),
        {"add-award_type": award_type("TTLDXS").pk, "add-agency": bloc_year.head.pk},
        follow=True,
    )
    assert "Ghi căn cứ của đề nghị nhập tay." in response.content.decode()
    assert not AwardProposal.objects.exists()


def test_adding_for_an_agency_outside_the_bloc_is_refused(head_client, bloc_year, other_bloc_year):
    response = head_client.post(
        url("proposal_add", bloc_year),
        {"add-award_type": award_type("TTLDXS").pk, "add-agency": other_bloc_year.head.pk},
        follow=True,
    )
    assert not AwardProposal.objects.exists()
    assert "Cơ quan, đơn vị" in response.content.decode()


def test_the_request_letter_preview_is_a_numberless_draft_of_the_chosen_proposals(
    head_client, bloc_year, proposal
):
    other = AwardProposalFactory(bloc_year=bloc_year, award_type=award_type("TTLDXS"))
    # A short name, so the table cell does not wrap it (a factory's "số 11817" would).
    other.agency.name = "Sở Tư pháp"
    other.agency.save()
    other.refresh_from_db()
    response = head_client.post(url("request_letter_preview", bloc_year), {"proposals": [other.pk]})
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "DỰ THẢO" in text and "Số: ……/TTr-KTĐVHXH" in text
    listed = text.split("cụ thể như sau:")[1].split("Kính đề nghị Hội đồng")[0]
    assert other.recipient_label in listed and proposal.recipient_label not in listed
    assert not IssuedDocument.objects.exists()


def test_submission_says_which_papers_are_missing(head_client, bloc_year, proposal):
    response = head_client.post(
        url("proposals_submit", bloc_year), with_token({"proposals": [proposal.pk]}), follow=True
    )
    text = response.content.decode()
    assert "thiếu Biên bản họp bình xét, Báo cáo thành tích" in text
    proposal.refresh_from_db()
    assert proposal.state == State.DRAFT


def test_a_complete_dossier_is_submitted(head_client, bloc_year, proposal):
    for kind in proposal.required_document_kinds():
        ProposalDocument.objects.create(proposal=proposal, kind=kind)
    response = head_client.post(
        url("proposals_submit", bloc_year), with_token({"proposals": [proposal.pk]}), follow=True
    )
    assert "Đã gửi 1 đề nghị" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED


def test_the_detail_page_shows_the_history(head_client, bloc_year, proposal):
    response = head_client.get(url("proposal_detail", bloc_year, proposal.pk))
    assert response.status_code == 200
    assert "Lịch sử thay đổi" in response.content.decode()


def test_a_proposal_of_another_bloc_is_not_found_through_this_bloc(
    head_client, bloc_year, other_bloc_year
):
    foreign = AwardProposalFactory(bloc_year=other_bloc_year, agency=other_bloc_year.head)
    assert head_client.get(url("proposal_detail", bloc_year, foreign.pk)).status_code == 404


def test_the_bloc_year_page_shows_the_proposals_panel(head_client, bloc_year, proposal):
    response = head_client.get(reverse("blocs:bloc_year_detail", args=[bloc_year.pk]))
    assert 'data-testid="proposals-link"' in response.content.decode()


def test_an_uploaded_paper_can_be_removed_while_editable(head_client, bloc_year, proposal):
    upload(head_client, bloc_year, proposal, tiny_pdf())
    document = proposal.documents.get()
    head_client.post(url("proposal_document_remove", bloc_year, document.pk))
    assert not proposal.documents.exists()


def test_a_member_cannot_remove_another_agencys_paper(member_client, bloc_year, proposal):
    document = ProposalDocument.objects.create(proposal=proposal, kind="other")
    response = member_client.post(url("proposal_document_remove", bloc_year, document.pk))
    assert response.status_code == 403


def test_members_of_another_bloc_year_do_not_leak_into_the_form(head_client, bloc_year):
    stranger = MembershipFactory().agency
    text = head_client.get(url("bloc_year_proposals", bloc_year)).content.decode()
    assert stranger.name not in text

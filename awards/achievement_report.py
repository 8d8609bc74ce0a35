"""The achievement report (báo cáo thành tích) of a proposal, prefilled for its unit to finish.

The layout follows the forms in the appendix of Decree 152/2025/NĐ-CP: one for a collective, one
for an individual; sections I (general information), II (achievements), III (awards received)
and the two signatures. The portal fills in what it knows for the proposal's year: the targets
the unit registered in its bloc's covenant, the conference result on one base, and the titles
and awards of earlier years from the ledger with their decisions. What only the unit knows is
left as lines to fill in. The report is the unit's own paper, signed by its head (or by the
person and confirmed by the head), so the portal never numbers or issues it: it is printed as a
DỰ THẢO (the Word copy is the one to edit) and uploaded back to the dossier once signed.
"""

from awards.models import AwardProposal, AwardRecord, AwardType
from awards.pdf import proposal_result_text
from awards.rules import unit_of
from blocs.models import Membership, Registration
from emulation.docx import DOCX, render_docx
from emulation.pdf import SignatureBlock, render_pdf
from emulation.text import vn_slugify


def _award_tables(proposal: AwardProposal) -> list[tuple[str, list[AwardRecord]]]:
    """Section III's two tables: titles, then awards, of the same recipient decided for earlier
    years and not revoked."""
    records = (
        AwardRecord.objects.filter(
            agency_id=proposal.agency_id,
            person_name=proposal.person_name,
            year__lt=proposal.year,
            status=AwardRecord.Status.AWARDED,
        )
        .select_related("award_type", "decision")
        .order_by("year", "award_type__order", "pk")
    )
    grouped = {AwardType.Kind.TITLE: [], AwardType.Kind.AWARD: []}
    for record in records:
        grouped[record.award_type.kind].append(record)
    return [
        ("Danh hiệu thi đua", grouped[AwardType.Kind.TITLE]),
        ("Hình thức khen thưởng", grouped[AwardType.Kind.AWARD]),
    ]


def _registration(proposal: AwardProposal):
    return (
        Registration.objects.filter(
            bloc_year_id=proposal.bloc_year_id,
            agency_id=proposal.agency_id,
            status__in=Registration.COUNTED,
        )
        .prefetch_related("targets", "titles")
        .first()
    )


def _conference_sentence(proposal: AwardProposal, unit: str) -> str:
    """How the bloc chose the proposal, on the base the vote used; a hand-added proposal cites
    its own basis."""
    bloc = proposal.bloc_year.bloc.name
    result = proposal_result_text(proposal, unit)
    if proposal.origin == AwardProposal.Origin.POLL and proposal.source_poll_id:
        held = proposal.source_poll.session.held_at
        sentence = (
            f"Tại Hội nghị tổng kết công tác thi đua, khen thưởng năm {proposal.year} của {bloc} "
            f"ngày {held:%d/%m/%Y}, bằng hình thức bỏ phiếu kín, "
            f"{'cá nhân' if proposal.is_individual else 'đơn vị'} được bình xét đề nghị tặng "
            f"{proposal.award_type.legal_name} với {result}"
        )
    else:
        sentence = f"{bloc} đề nghị tặng {proposal.award_type.legal_name}. {result}"
    if proposal.leads_bloc:
        sentence += f"; đơn vị được bình chọn dẫn đầu {bloc} năm {proposal.year}"
    return sentence + "."


def achievement_report(proposal: AwardProposal, *, word: bool = False):
    """(filename, content type, data) of the prefilled report as a PDF, or with `word` as the
    Word copy the unit edits."""
    bloc_year = proposal.bloc_year
    agency = proposal.agency
    membership = Membership.objects.filter(bloc_year=bloc_year, agency=agency).first()
    head_name = membership.signatory_name if membership else ""
    if proposal.is_individual:
        signature_blocks = [
            SignatureBlock(
                position="THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN, ĐỀ NGHỊ",
                note="(Ký, đóng dấu)",
                name=head_name,
            ),
            SignatureBlock(
                position="NGƯỜI BÁO CÁO THÀNH TÍCH",
                note="(Ký, ghi rõ họ và tên)",
                name=proposal.person_name,
            ),
        ]
    else:
        signature_blocks = [
            SignatureBlock(position="XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", note="(Ký, đóng dấu)"),
            SignatureBlock(position="THỦ TRƯỞNG ĐƠN VỊ", note="(Ký, đóng dấu)", name=head_name),
        ]
    data = (render_docx if word else render_pdf)(
        "pdf/achievement_report.html",
        {
            "issuer_name": agency.name,
            "doc_type": "BÁO CÁO THÀNH TÍCH",
            "subject": f"Đề nghị tặng {proposal.award_type.legal_name} năm {proposal.year}",
            "doc_date": None,
            "draft": True,
            "proposal": proposal,
            "agency": agency,
            "registration": None if proposal.is_individual else _registration(proposal),
            "conference_sentence": _conference_sentence(proposal, unit_of(bloc_year.bloc)),
            "award_tables": _award_tables(proposal),
            "signature_blocks": signature_blocks,
        },
    )
    who = proposal.person_name or agency.name
    label = vn_slugify(f"bao cao thanh tich {who} {proposal.award_type.code} {proposal.year}")
    if word:
        return f"{label}.docx", DOCX, data
    return f"{label}.pdf", "application/pdf", data

"""Print documents of the proposal stage: the bloc's request letter (tờ trình) and the
province's list of proposals for the council (danh sách đề nghị khen thưởng)."""

from itertools import groupby

from django.utils import timezone

from awards.models import AwardProposal
from blocs.models import Membership
from emulation.pdf import SignatureBlock, render_pdf
from emulation.text import vn_slugify

COUNCIL_STATES = [
    AwardProposal.State.ACCEPTED,
    AwardProposal.State.COUNCIL_APPROVED,
    AwardProposal.State.COUNCIL_REJECTED,
    AwardProposal.State.FORWARDED,
    AwardProposal.State.DECIDED,
]


def _grouped(proposals):
    """[(award_type, [proposals])] in award-type order, for numbered sections."""
    ordered = sorted(proposals, key=lambda p: (p.award_type.order, p.award_type.code))
    return [(award, list(items)) for award, items in groupby(ordered, key=lambda p: p.award_type)]


def render_request_letter(bloc_year, proposals, *, stamp=None) -> bytes:
    """The bloc head's tờ trình listing the proposed units and the bloc's vote results."""
    head = bloc_year.head
    signatory = (
        Membership.objects.filter(bloc_year=bloc_year, agency=head).first() if head else None
    )
    session = getattr(bloc_year, "voting_session", None)
    return render_pdf(
        "pdf/request_letter.html",
        {
            "issuer_name": bloc_year.bloc.name,
            "doc_type": "TỜ TRÌNH",
            "subject": f"Về việc đề nghị khen thưởng năm {bloc_year.year}",
            "doc_date": stamp.issued_on if stamp else timezone.localdate(),
            "stamp": stamp,
            "bloc_year": bloc_year,
            "session": session,
            "groups": _grouped(proposals),
            "signature_blocks": [
                SignatureBlock(
                    authority=f"TM. {bloc_year.bloc.name}",
                    position="TRƯỞNG KHỐI",
                    note=(
                        f"{signatory.signatory_title} {head.name}"
                        if signatory and signatory.signatory_title
                        else (head.name if head else "")
                    ),
                    name=signatory.signatory_name if signatory else "",
                )
            ],
        },
    )


def council_proposals(year: int, award_type=None):
    """The declared queryset of the council list: proposals that reached the council."""
    queryset = (
        AwardProposal.objects.with_related()
        .filter(year=year, state__in=COUNCIL_STATES)
        .order_by("award_type__order", "bloc_year__bloc__sort_name", "agency__sort_name", "pk")
    )
    if award_type is not None:
        queryset = queryset.filter(award_type=award_type)
    return queryset


def council_list_pdf(year: int, award_type=None, *, quotas=()) -> tuple[str, str, bytes]:
    """The province's "Danh sách đề nghị khen thưởng" for the council's papers (Decree 30)."""
    proposals = list(council_proposals(year, award_type))
    data = render_pdf(
        "pdf/council_list.html",
        {
            "issuer_name": "Sở Nội vụ",
            "doc_type": "DANH SÁCH",
            "subject": f"Đề nghị khen thưởng năm {year} trình Hội đồng Thi đua - Khen thưởng tỉnh",
            "doc_date": timezone.localdate(),
            "year": year,
            "groups": _grouped(proposals),
            "quotas": quotas,
            "signature_blocks": [
                SignatureBlock(authority="KT. GIÁM ĐỐC", position="PHÓ GIÁM ĐỐC", note="")
            ],
        },
    )
    suffix = f"-{vn_slugify(award_type.code)}" if award_type else ""
    return f"danh-sach-de-nghi-khen-thuong-{year}{suffix}.pdf", "application/pdf", data

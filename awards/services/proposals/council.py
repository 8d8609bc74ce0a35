"""The province's emulation council: its numbered list of proposals and its vote on each."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards.models import AwardProposal
from awards.pdf import council_list_pdf, council_list_title
from awards.services.proposals.common import State, _locked, _transition, require_states
from awards.services.proposals.eligibility import year_eligibility
from emulation.documents import issue_document, void_document
from emulation.docx import render_docx
from emulation.models import IssuedDocument

COUNCIL_LIST_KIND = "DS"


@transaction.atomic
def issue_council_list(year: int, award_type=None, *, actor) -> IssuedDocument:
    """Issue the council's list of proposals (numbered by the province body, verifiable); a
    list issued again for the same year and award supersedes the earlier one."""
    quotas = year_eligibility(year, []).quotas
    title = council_list_title(year, award_type)
    earlier = list(
        IssuedDocument.objects.filter(
            kind=COUNCIL_LIST_KIND,
            issuer_code=settings.PROVINCE_OFFICE_CODE,
            title=title,
            voided_at__isnull=True,
        )
    )
    document = issue_document(
        kind=COUNCIL_LIST_KIND,
        kind_label="Danh sách đề nghị khen thưởng",
        issuer_code=settings.PROVINCE_OFFICE_CODE,
        issuer_name=settings.PROVINCE_OFFICE_NAME,
        title=title,
        render=lambda stamp: council_list_pdf(year, award_type, quotas=quotas, stamp=stamp)[2],
        render_docx=lambda stamp: council_list_pdf(
            year, award_type, quotas=quotas, stamp=stamp, renderer=render_docx
        )[2],
        actor=actor,
    )
    for old in earlier:
        void_document(old, reason="", superseded_by=document, actor=actor)
    return document


def latest_council_list(year: int, award_type=None) -> IssuedDocument | None:
    return (
        IssuedDocument.objects.filter(
            kind=COUNCIL_LIST_KIND,
            title=council_list_title(year, award_type),
            voided_at__isnull=True,
        )
        .order_by("-issued_at")
        .first()
    )


@transaction.atomic
def record_council_outcome(
    proposal: AwardProposal, *, approved: bool, percent: Decimal, note: str = "", actor
) -> AwardProposal:
    """The council's vote on one proposal: approved or not, with its percentage in favour."""
    if percent is None or not Decimal(0) <= Decimal(percent) <= Decimal(100):
        raise ValidationError(_("Tỷ lệ tán thành phải từ 0 đến 100%."))
    (locked,) = _locked([proposal])
    require_states([locked], [State.ACCEPTED], step=_("ghi kết quả Hội đồng cho"))
    return _transition(
        locked,
        State.COUNCIL_APPROVED if approved else State.COUNCIL_REJECTED,
        actor=actor,
        verb="council_approved" if approved else "council_rejected",
        council_percent=Decimal(percent),
        council_note=note,
    )


@transaction.atomic
def record_council_outcomes(entries, *, actor) -> list[AwardProposal]:
    """The council's votes on many proposals at once, all or none: `entries` maps each
    proposal to (approved, percent, note); a proposal no longer awaiting the council is named."""
    locked = _locked(list(entries))
    require_states(locked, [State.ACCEPTED], step=_("ghi kết quả Hội đồng cho"))
    by_pk = {proposal.pk: values for proposal, values in entries.items()}
    for proposal in locked:
        approved, percent, note = by_pk[proposal.pk]
        record_council_outcome(proposal, approved=approved, percent=percent, note=note, actor=actor)
    return locked

"""Sending proposals to the province and its review: submit, review, return, accept, forward."""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import AwardProposal, ProposalDocument
from awards.services.proposals.common import (
    Kind,
    State,
    _locked,
    _transition,
    notify_proposers,
    require_states,
)
from awards.services.proposals.dossier import issue_request_letter
from awards.services.proposals.eligibility import year_eligibility


@transaction.atomic
def submit_proposals(bloc_year, proposals, *, actor) -> list[AwardProposal]:
    """The bloc head sends proposals to the province: every required paper must be in the
    dossier and no hard rule may be broken; otherwise nothing is sent and the message says
    which proposal lacks what. Sending issues the tờ trình listing exactly these proposals."""
    locked = _locked(proposals)
    if not locked:
        raise ValidationError(_("Chưa chọn đề nghị nào để gửi."))
    problems = []
    documents = defaultdict(list)
    for document in ProposalDocument.objects.filter(proposal__in=locked):
        documents[document.proposal_id].append(document)
    findings = year_eligibility(bloc_year.year, locked).findings
    for proposal in locked:
        if proposal.bloc_year_id != bloc_year.pk:
            raise ValidationError(_("Đề nghị không thuộc khối này."))
        missing = proposal.missing_document_kinds(documents[proposal.pk])
        if missing:
            problems.append(
                _("%(proposal)s: thiếu %(missing)s.")
                % {
                    "proposal": proposal.recipient_label,
                    "missing": ", ".join(str(Kind(kind).label) for kind in missing),
                }
            )
        problems += [
            f"{proposal.recipient_label}: {f.message}" for f in findings[proposal.pk] if f.blocking
        ]
    if problems:
        raise ValidationError(problems)
    issue_request_letter(bloc_year, locked, actor=actor)
    now = timezone.now()
    for proposal in locked:
        _transition(
            proposal,
            State.SUBMITTED,
            actor=actor,
            verb="submitted",
            submitted_at=now,
            return_reason="",
        )
    return locked


@transaction.atomic
def start_review(proposals, *, actor) -> list[AwardProposal]:
    """Province staff take submitted proposals into review; all or none."""
    locked = _locked(proposals)
    require_states(locked, [State.SUBMITTED], step=_("nhận thẩm định"))
    for proposal in locked:
        _transition(proposal, State.UNDER_REVIEW, actor=actor, verb="review_started")
    return locked


@transaction.atomic
def return_proposal(proposal: AwardProposal, *, reason: str, actor) -> AwardProposal:
    """Send a proposal back to the bloc head with the reason (a missing or wrong paper)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Vui lòng ghi lý do trả lại."))
    (locked,) = _locked([proposal])
    require_states([locked], [State.UNDER_REVIEW], step=_("trả lại"))
    locked = _transition(locked, State.RETURNED, actor=actor, verb="returned", return_reason=reason)
    notify_proposers(
        locked,
        _("Đề nghị %(proposal)s bị trả lại: %(reason)s") % {"proposal": locked, "reason": reason},
    )
    return locked


@transaction.atomic
def accept_proposals(proposals, *, actor) -> list[AwardProposal]:
    """Accept reviewed proposals for the council (bulk); all or none."""
    locked = _locked(proposals)
    require_states(locked, [State.UNDER_REVIEW], step=_("chấp nhận"))
    for proposal in locked:
        _transition(proposal, State.ACCEPTED, actor=actor, verb="accepted")
    return locked


@transaction.atomic
def forward_proposals(
    proposals, *, letter_number: str, forwarded_on: datetime.date, actor
) -> list[AwardProposal]:
    """Send council-approved state-level proposals up (Prime Minister, State President) under
    the province's letter number; they are decided later."""
    letter_number = (letter_number or "").strip()
    if not letter_number:
        raise ValidationError(_("Vui lòng nhập số tờ trình của tỉnh."))
    locked = _locked(proposals)
    require_states(locked, [State.COUNCIL_APPROVED], step=_("trình cấp trên"))
    for proposal in locked:
        if not proposal.award_type.is_state_level:
            raise ValidationError(
                _("%(award)s do tỉnh quyết định, không trình cấp trên.")
                % {"award": proposal.award_type}
            )
        _transition(
            proposal,
            State.FORWARDED,
            actor=actor,
            verb="forwarded",
            forwarded_letter_number=letter_number,
            forwarded_on=forwarded_on,
        )
    return locked


def proposals_queryset_for_year(year: int):
    """The province workspace's declared queryset: every proposal of a year with its links."""
    return (
        AwardProposal.objects.with_related()
        .filter(year=year)
        .prefetch_related("documents")
        .order_by("bloc_year__bloc__sort_name", "award_type__order", "agency__sort_name", "pk")
    )


def state_filter(state: str):
    return Q(state=state) if state in State.values else Q()

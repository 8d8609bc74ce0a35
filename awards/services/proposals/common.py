"""What the proposal services share: the state path, row locks and audit facts."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from awards.models import AwardProposal, ProposalDocument
from emulation.notifications import agency_users, notify
from emulation.workflow import transition

State = AwardProposal.State
Kind = ProposalDocument.Kind

# The title whose bloc poll names the unit(s) leading the bloc (DOMAIN: the provincial Flag goes
# to the leading unit); the Government Flag quota counts those units.
LEADING_AWARD_CODE = "CO_TINH"
REQUEST_LETTER_KIND = "TTr"

_TRACKED = [
    "state",
    "return_reason",
    "council_percent",
    "council_note",
    "decision",
    "forwarded_letter_number",
    "forwarded_on",
    "leads_bloc",
]


def facts(**values) -> dict:
    """Audit details that are not field changes, each as a one-item list so the history
    include (which joins [old, new] pairs) prints the value as it is."""
    return {key: [value] for key, value in values.items()}


def _transition(proposal: AwardProposal, new_state, *, actor, verb: str, **fields):
    """The one path that changes a proposal's state, audited as "awards.proposal.<verb>" with
    the diff of the tracked fields. The caller holds the row lock (`_locked`)."""
    return transition(
        proposal,
        new_state,
        actor=actor,
        action=f"awards.proposal.{verb}",
        changes=fields,
        tracked=_TRACKED,
        locked=True,
    )


def notify_proposers(proposal: AwardProposal, text: str) -> None:
    """The bloc head that proposed, and the proposed agency, hear of a return or a decision."""
    agencies = {proposal.bloc_year.head_id, proposal.agency_id} - {None}
    notify(
        agency_users(agencies),
        kind="awards.proposal",
        text=text,
        url=reverse("awards:proposal_detail", args=[proposal.bloc_year_id, proposal.pk]),
    )


def _locked(proposals) -> list[AwardProposal]:
    ids = [proposal.pk for proposal in proposals]
    return list(
        AwardProposal.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("agency", "award_type", "bloc_year__bloc")
        .order_by("pk")
    )


def require_states(proposals, states, *, step: str) -> None:
    """Refuse a bulk step as a whole when any chosen proposal is not in one of `states`, naming
    each such proposal, its state and the state it needs, so the officer fixes the selection."""
    needed = ", ".join(f"“{State(state).label}”" for state in states)
    wrong = [
        _("%(proposal)s đang ở trạng thái “%(state)s”, cần ở trạng thái %(needed)s.")
        % {
            "proposal": f"{proposal.award_type.label} – {proposal.recipient_label}",
            "state": proposal.get_state_display(),
            "needed": needed,
        }
        for proposal in proposals
        if proposal.state not in states
    ]
    if wrong:
        raise ValidationError(
            [
                _("Chưa %(step)s đề nghị nào: bỏ chọn hoặc xử lý trước các đề nghị sau.")
                % {"step": step}
            ]
            + wrong
        )

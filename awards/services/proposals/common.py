"""What the proposal services share: the state path, row locks and audit facts."""

from awards.models import AwardProposal, ProposalDocument
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


def _locked(proposals) -> list[AwardProposal]:
    ids = [proposal.pk for proposal in proposals]
    return list(
        AwardProposal.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("agency", "award_type", "bloc_year__bloc")
        .order_by("pk")
    )

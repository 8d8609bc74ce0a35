"""The ledger's moves on a proposal: decided under a decision, revoked with its award."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from awards.models import AwardProposal
from awards.services.proposals.common import State, _transition


def decide(proposal: AwardProposal, decision, *, actor) -> AwardProposal:
    """Move one proposal to decided under `decision` (called by the ledger service)."""
    if proposal.state == State.COUNCIL_APPROVED and proposal.award_type.is_state_level:
        raise ValidationError(
            _("%(proposal)s do cấp trên quyết định: cần trình cấp trên trước.")
            % {"proposal": proposal}
        )
    return _transition(proposal, State.DECIDED, actor=actor, verb="decided", decision=decision)


def revoke(proposal: AwardProposal, *, actor) -> AwardProposal:
    """Move a decided proposal to revoked (called by the ledger service with its record)."""
    return _transition(proposal, State.REVOKED, actor=actor, verb="revoked")

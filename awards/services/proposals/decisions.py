"""The ledger's moves on a proposal: decided under a decision, revoked with its award."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from awards.models import AwardProposal, AwardType
from awards.services.proposals.common import (
    State,
    _transition,
    notify_proposers,
    require_states,
)

Level = AwardType.Level
STATE_LEVELS = (Level.STATE_PRESIDENT, Level.PRIME_MINISTER)


def level_refusal(award_type: AwardType, decision_level: str) -> str | None:
    """Why a decision of `decision_level` cannot grant `award_type` (None when it can): only
    the authority the award type names decides it (DOMAIN's table of deciding authorities)."""
    if not decision_level or decision_level == award_type.deciding_level:
        return None
    facts = {
        "award": award_type.label,
        "needed": Level(award_type.deciding_level).label,
        "given": Level(decision_level).label,
    }
    if award_type.deciding_level in STATE_LEVELS:
        return (
            _(
                "%(award)s là khen thưởng cấp Nhà nước, do %(needed)s quyết định: tỉnh không quyết "
                "định được; trình cấp trên rồi ghi quyết định của %(needed)s."
            )
            % facts
        )
    return (
        _("%(award)s do %(needed)s quyết định, không phải %(given)s: chọn đúng cấp quyết định.")
        % facts
    )


def check_decidable(proposals, deciding_level: str) -> None:
    """Refuse a decision as a whole, naming every proposal that cannot be under it: one
    without the council's approval (or not yet forwarded) or of another deciding level."""
    if any(proposal.state == State.ACCEPTED for proposal in proposals):
        missing = [
            _("%(proposal)s chưa có kết quả của Hội đồng: ghi kết quả Hội đồng trước.")
            % {"proposal": f"{p.award_type.label} – {p.recipient_label}"}
            for p in proposals
            if p.state == State.ACCEPTED
        ]
        raise ValidationError(missing)
    require_states(
        proposals, [State.COUNCIL_APPROVED, State.FORWARDED], step=_("ghi quyết định cho")
    )
    refusals = [
        f"{proposal.recipient_label}: {refusal}"
        for proposal in proposals
        if (refusal := level_refusal(proposal.award_type, deciding_level))
    ]
    if refusals:
        raise ValidationError(refusals)


def decide(proposal: AwardProposal, decision, *, actor) -> AwardProposal:
    """Move one proposal to decided under `decision` (called by the ledger service)."""
    refusal = level_refusal(proposal.award_type, decision.deciding_level)
    if refusal:
        raise ValidationError(refusal)
    if proposal.state == State.COUNCIL_APPROVED and proposal.award_type.is_state_level:
        raise ValidationError(
            _("%(proposal)s do cấp trên quyết định: cần trình cấp trên trước.")
            % {"proposal": proposal}
        )
    proposal = _transition(proposal, State.DECIDED, actor=actor, verb="decided", decision=decision)
    notify_proposers(
        proposal,
        _("Đề nghị %(proposal)s đã có quyết định khen thưởng số %(number)s.")
        % {"proposal": proposal, "number": decision.number},
    )
    return proposal


def revoke(proposal: AwardProposal, *, actor) -> AwardProposal:
    """Move a decided proposal to revoked (called by the ledger service with its record)."""
    return _transition(proposal, State.REVOKED, actor=actor, verb="revoked")

from awards.models.ledger import AwardRecord, Decision, EligibilityRule
from awards.models.proposals import AwardProposal, LeadingUnit, ProposalDocument
from awards.models.voting import (
    AggregateEntry,
    Attendance,
    Ballot,
    Candidate,
    Poll,
    PollKind,
    RuleSet,
    TieResolution,
    VotingSession,
)
from blocs.models import AwardType

__all__ = [
    "AwardType",
    "AwardProposal",
    "AwardRecord",
    "Decision",
    "EligibilityRule",
    "LeadingUnit",
    "ProposalDocument",
    "AggregateEntry",
    "Attendance",
    "Ballot",
    "Candidate",
    "Poll",
    "PollKind",
    "RuleSet",
    "TieResolution",
    "VotingSession",
]

from awards.models.ledger import AwardRecord, Decision, EligibilityRule
from awards.models.proposals import AwardProposal, LeadingUnit, ProposalDocument
from awards.models.scoring import (
    CriteriaSet,
    Criterion,
    Score,
    ScoreEvidence,
    ScoreResolution,
    ScoreSheet,
    ScoringPlan,
)
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
    "CriteriaSet",
    "Criterion",
    "Score",
    "ScoreEvidence",
    "ScoreResolution",
    "ScoreSheet",
    "ScoringPlan",
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

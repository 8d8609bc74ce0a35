"""Every write of the conference: sessions, attendance, polls, ballots, counts, ties, minutes.

Each function is atomic, takes the acting user as `actor`, checks its state transition and writes
its audit entry in the same transaction. Numbers are computed by the pure `awards.tally`. The
modules split the work by concern; this package re-exports their public names so callers write
`from awards.services import voting` and `voting.open_poll(...)`.
"""

from awards.services.voting.ballots import (
    compute_result,
    correct_ballot,
    live_counts,
    record_aggregate,
    record_ballot,
)
from awards.services.voting.finalize import finalize_session, reopen_session, session_blockers
from awards.services.voting.polls import (
    count_poll,
    create_poll,
    default_candidate_ids,
    delete_poll,
    open_poll,
    reset_poll,
    update_poll,
)
from awards.services.voting.rules import (
    RULE_FIELDS,
    rule_in_force,
    rule_set_in_force,
    rule_set_in_use,
    save_rule_set,
)
from awards.services.voting.sessions import (
    SESSION_FIELDS,
    attendance_counts,
    create_session,
    update_attendance,
    update_session,
)
from awards.services.voting.ties import resolve_tie, round_number, tie_methods

__all__ = [
    "RULE_FIELDS",
    "SESSION_FIELDS",
    "attendance_counts",
    "compute_result",
    "correct_ballot",
    "count_poll",
    "create_poll",
    "create_session",
    "default_candidate_ids",
    "delete_poll",
    "finalize_session",
    "live_counts",
    "open_poll",
    "record_aggregate",
    "record_ballot",
    "reopen_session",
    "reset_poll",
    "resolve_tie",
    "round_number",
    "rule_in_force",
    "rule_set_in_force",
    "rule_set_in_use",
    "save_rule_set",
    "session_blockers",
    "tie_methods",
    "update_attendance",
    "update_poll",
    "update_session",
]

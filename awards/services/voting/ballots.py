"""Entering a poll's papers (one by one, or as counted totals) and counting them."""

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from awards import tally as tally_core
from awards.models import AggregateEntry, Ballot, Poll
from awards.services.voting.common import _facts, _locked, _refuse, _to_validation_error
from awards.tally import InconsistentCounts
from emulation.audit import diff, log_action, snapshot
from emulation.form_tokens import BALLOT, consume_token


def _judge(poll: Poll, candidate_ids: set[int], marks, declared_invalid_reason: str):
    marks = tuple(int(m) for m in marks)
    try:
        verdict = tally_core.judge_ballot(
            tally_core.BallotInput(0, marks, declared_invalid_reason),
            candidate_ids,
            poll.spec().marks_allowed(poll.seats),
        )
    except InconsistentCounts as error:
        raise _to_validation_error(error) from error
    return marks, verdict


@transaction.atomic
def record_ballot(
    poll: Poll, marks, *, actor, declared_invalid_reason: str = "", form_token: str | None = None
) -> Ballot:
    """Store the next paper ballot; an over-marked or duplicated paper is stored as invalid.

    The entry page's `form_token` is spent with the insert, so the same form sent twice records
    one ballot (None only for callers that are not a form: scripts, samples)."""
    locked = Poll.objects.select_for_update().get(pk=poll.pk)
    if form_token is not None:
        consume_token(form_token, purpose=BALLOT)
    if not locked.accepts_entry or locked.entry_mode != Poll.EntryMode.BALLOTS:
        _refuse(_("Cuộc bỏ phiếu không ở trạng thái nhập phiếu."))
    # Counted in a statement of its own, after the lock: in READ COMMITTED a subquery inside
    # the locking SELECT would still see the snapshot taken before waiting for the lock.
    counts = Ballot.objects.filter(poll=locked).aggregate(entered=Count("pk"), last=Max("serial"))
    if counts["entered"] >= (locked.ballots_issued or 0):
        _refuse(
            _("Đã nhập đủ %(issued)s phiếu phát ra: không thể nhập thêm."),
            issued=locked.ballots_issued or 0,
        )
    marks, verdict = _judge(locked, set(locked.frozen_candidates), marks, declared_invalid_reason)
    ballot = Ballot.objects.create(
        poll=locked,
        serial=(counts["last"] or 0) + 1,
        marks=list(marks),
        invalid=not verdict.valid,
        invalid_reason=verdict.reason,
        declared_invalid=bool(declared_invalid_reason),
    )
    # The entry is logged without its serial or marks so the log cannot be matched to papers.
    log_action("awards.poll.ballot_recorded", poll, actor=actor, data={})
    return ballot


@transaction.atomic
def correct_ballot(ballot: Ballot, marks, *, actor, declared_invalid_reason: str = "") -> Ballot:
    """Fix a mis-entered paper while the poll is still open (audited with before and after)."""
    poll = _locked(ballot.poll)
    if not poll.accepts_entry:
        _refuse(_("Chỉ sửa phiếu khi cuộc bỏ phiếu đang mở (chưa kiểm phiếu)."))
    ballot = Ballot.objects.get(pk=ballot.pk, poll=poll)
    marks, verdict = _judge(poll, set(poll.frozen_candidates), marks, declared_invalid_reason)
    fields = ["marks", "invalid", "invalid_reason"]
    before = snapshot(ballot, fields)
    ballot.marks = list(marks)
    ballot.invalid = not verdict.valid
    ballot.invalid_reason = verdict.reason
    ballot.declared_invalid = bool(declared_invalid_reason)
    changes = diff(before, snapshot(ballot, fields))
    if changes:
        ballot.save()
        log_action(
            "awards.poll.ballot_corrected",
            poll,
            actor=actor,
            data={"serial": ballot.serial, **changes},
        )
    return ballot


def _inputs(poll: Poll):
    """Candidates (agency id, name, present) and (members, present) for the pure tally."""
    present_ids = set(
        poll.session.attendance.filter(present=True).values_list("agency_id", flat=True)
    )
    members = poll.session.attendance.count()
    candidates = [
        tally_core.CandidateInput(c.agency_id, c.agency.name, c.agency_id in present_ids)
        for c in poll.candidates.select_related("agency")
    ]
    return candidates, members, len(present_ids)


@transaction.atomic
def record_aggregate(
    poll: Poll, *, issued: int, returned: int, valid: int, invalid: int, votes: dict, actor
) -> AggregateEntry:
    """Store paper-count totals after checking they add up (errors keyed by form field)."""
    poll = _locked(poll)
    if not poll.accepts_entry or poll.entry_mode != Poll.EntryMode.AGGREGATE:
        _refuse(_("Cuộc bỏ phiếu không ở trạng thái nhập số tổng hợp."))
    candidates, members, present = _inputs(poll)
    counts = tally_core.AggregateInput(
        issued, returned, valid, invalid, {int(k): int(v) for k, v in votes.items()}
    )
    try:
        tally_core.check_aggregate(
            counts, rule=poll.spec(), seats=poll.seats, candidates=candidates, present=present
        )
    except InconsistentCounts as error:
        raise _to_validation_error(error) from error
    entry, _created = AggregateEntry.objects.update_or_create(
        poll=poll,
        defaults={
            "issued": issued,
            "returned": returned,
            "valid": valid,
            "invalid": invalid,
            "votes": {str(k): v for k, v in counts.votes.items()},
        },
    )
    log_action(
        "awards.poll.aggregate_recorded",
        poll,
        actor=actor,
        data=_facts(
            issued=issued,
            returned=returned,
            valid=valid,
            invalid=invalid,
            votes=[
                f"{name}: {counts.votes.get(c_id, 0)}"
                for c_id, name in ((c.id, c.name) for c in candidates)
            ],
        ),
    )
    return entry


def live_counts(poll: Poll) -> tuple[dict[int, int], int]:
    """Votes per candidate on the valid ballots entered so far, and how many papers were
    invalid: the room screen's running count while the poll is open."""
    votes = dict.fromkeys(poll.frozen_candidates, 0)
    invalid = 0
    for marks, is_invalid in poll.ballots.values_list("marks", "invalid"):
        if is_invalid:
            invalid += 1
            continue
        for mark in marks:
            if mark in votes:
                votes[mark] += 1
    return votes, invalid


def compute_result(poll: Poll) -> tally_core.TallyResult:
    """Count the poll's current entries without storing anything (used by count_poll)."""
    candidates, members, present = _inputs(poll)
    try:
        if poll.entry_mode == Poll.EntryMode.AGGREGATE:
            return tally_core.tally(
                rule=poll.spec(),
                seats=poll.seats,
                candidates=candidates,
                members=members,
                present=present,
                aggregate=_stored_aggregate(poll),
            )
        papers = [
            tally_core.BallotInput(
                b.serial, tuple(b.marks), b.invalid_reason if b.declared_invalid else ""
            )
            for b in poll.ballots.all()
        ]
        return tally_core.tally(
            rule=poll.spec(),
            seats=poll.seats,
            candidates=candidates,
            members=members,
            present=present,
            ballots=papers,
            issued=poll.ballots_issued,
        )
    except InconsistentCounts as error:
        raise _to_validation_error(error) from error


def _stored_aggregate(poll: Poll) -> tally_core.AggregateInput:
    entry = AggregateEntry.objects.filter(poll=poll).first()
    if entry is None:
        _refuse(_("Chưa nhập số liệu kiểm phiếu tổng hợp."))
    return tally_core.AggregateInput(
        entry.issued,
        entry.returned,
        entry.valid,
        entry.invalid,
        {int(k): v for k, v in entry.votes.items()},
    )

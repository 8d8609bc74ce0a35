"""Settling a tie for the last seats: a runoff poll among the tied, or a recorded decision."""

from dataclasses import replace
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import tally as tally_core
from awards.models import Candidate, Poll, PollKind, TieResolution
from awards.services.voting.common import (
    _check_session_editable,
    _facts,
    _locked,
    _names,
    _refuse,
)
from emulation.audit import log_action


def _settle_parent(runoff: Poll, *, actor) -> None:
    """When a runoff's own result is final, its winners fill the parent's tied seats."""
    resolution = TieResolution.objects.filter(runoff_poll=runoff).select_related("poll").first()
    if resolution is None:
        return
    result = runoff.result()
    if result is None or result.has_open_tie:
        return
    resolution.chosen = list(result.winners)
    resolution.decided_at = timezone.now()
    resolution.save(update_fields=["chosen", "decided_at"])
    log_action(
        "awards.poll.tie_resolved",
        resolution.poll,
        actor=actor,
        data=_facts(
            method=resolution.method, chosen=_names(resolution.chosen), runoff_poll=runoff.pk
        ),
    )
    _settle_parent(resolution.poll, actor=actor)


def round_number(poll: Poll) -> int:
    """1 for a first vote, 2 for its runoff, 3 for the runoff of that runoff…"""
    number, parent_id = 1, poll.parent_id
    while parent_id is not None:
        number += 1
        parent_id = Poll.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return number


def tie_methods(poll: Poll, result: tally_core.TallyResult) -> tuple[str, ...]:
    """The ways this poll's open tie may be settled under its rule, in the rule's order."""
    return result.rule.tie_methods(round_number(poll))


def _tie_break_rule(parent: Poll, seats_open: int) -> dict:
    """The parent's rule without a threshold (the tied already passed it), one mark per seat."""
    spec = replace(parent.spec(), threshold=Fraction(0), comparator="ge", max_marks=seats_open)
    return spec.to_dict()


def _open_tie(poll: Poll) -> tally_core.TallyResult:
    """The counted result whose tie is still open and not already being voted on again."""
    if poll.state != Poll.State.COUNTED:
        _refuse(_("Chỉ giải quyết bằng phiếu sau khi kiểm phiếu."))
    result = poll.result()
    if result is None or not result.has_open_tie:
        _refuse(_("Cuộc bỏ phiếu không có trường hợp bằng phiếu cần giải quyết."))
    if poll.tie_resolutions.filter(chosen__isnull=True, runoff_poll__isnull=False).exists():
        _refuse(_("Đang bỏ phiếu lại cho trường hợp bằng phiếu này."))
    return result


@transaction.atomic
def resolve_tie(
    poll: Poll,
    *,
    method: str,
    chosen: list[int] | None = None,
    decided_by: str = "",
    note: str = "",
    entry_mode: str | None = None,
    actor,
) -> TieResolution:
    """Settle the open tie: a runoff poll among the tied, or a recorded decision or lot.

    The rule's tie methods for this round apply (`RuleSpec.tie_methods`): a runoff that ties
    again may be settled by the chair or a lot, and past the rule's round limit only its
    fallback decider may settle it, so a conference cannot loop forever. A runoff is entered
    the way `entry_mode` says (the parent's by default).
    """
    poll = _locked(poll)
    _check_session_editable(poll.session)
    result = _open_tie(poll)
    if method not in tie_methods(poll, result):
        _refuse(_("Quy tắc của cuộc bỏ phiếu không cho phép cách giải quyết này."))
    if method == "runoff":
        return _start_runoff(
            poll,
            result.tie,
            decided_by=decided_by,
            note=note,
            entry_mode=entry_mode or poll.entry_mode,
            actor=actor,
        )
    return _record_decision(
        poll,
        result.tie,
        method=method,
        chosen=chosen,
        decided_by=decided_by,
        note=note,
        actor=actor,
    )


def _start_runoff(
    poll: Poll, tie: tally_core.Tie, *, decided_by: str, note: str, entry_mode: str, actor
) -> TieResolution:
    """A tie-break poll among the tied for the open seats, pending until it is counted."""
    runoff = Poll.objects.create(
        session=poll.session,
        kind=PollKind.TIE_BREAK,
        award_type=poll.award_type,
        seats=tie.seats_open,
        parent=poll,
        rule_set=poll.rule_set,
        rule=_tie_break_rule(poll, tie.seats_open),
        entry_mode=entry_mode,
        order=poll.order,
    )
    Candidate.objects.bulk_create(
        Candidate(poll=runoff, agency_id=agency_id, order=index)
        for index, agency_id in enumerate(tie.candidate_ids, start=1)
    )
    resolution = TieResolution.objects.create(
        poll=poll,
        method="runoff",
        decided_by=decided_by,
        note=note,
        runoff_poll=runoff,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    log_action(
        "awards.poll.runoff_created",
        poll,
        actor=actor,
        data=_facts(tied=_names(tie.candidate_ids), seats=tie.seats_open, runoff_poll=runoff.pk),
    )
    return resolution


def _record_decision(
    poll: Poll, tie: tally_core.Tie, *, method: str, chosen, decided_by: str, note: str, actor
) -> TieResolution:
    """The chair's (or the leaders') decision or the lot, naming exactly the open seats."""
    chosen = [int(c) for c in (chosen or [])]
    if len(set(chosen)) != tie.seats_open or not set(chosen) <= set(tie.candidate_ids):
        _refuse(
            _("Chọn đúng %(seats)s đơn vị trong số các đơn vị bằng phiếu."), seats=tie.seats_open
        )
    if not decided_by.strip():
        _refuse(
            _(
                "Ghi rõ người quyết định (chủ trì; Trưởng khối và Phó Trưởng khối) hoặc người chủ "
                "trì bốc thăm."
            )
        )
    resolution = TieResolution.objects.create(
        poll=poll,
        method=method,
        decided_by=decided_by,
        note=note,
        chosen=chosen,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    log_action(
        "awards.poll.tie_resolved",
        poll,
        actor=actor,
        data=_facts(method=method, chosen=_names(chosen), decided_by=decided_by, note=note),
    )
    _settle_parent(poll, actor=actor)
    return resolution

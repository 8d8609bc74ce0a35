"""A poll's life: created with its candidates, opened under a frozen rule, counted, reset."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import eligibility
from awards.models import (
    AggregateEntry,
    Candidate,
    EligibilityRule,
    Poll,
    PollKind,
    TieResolution,
    VotingSession,
)
from awards.rules import fraction_words
from awards.services.scoring import counted_scores
from awards.services.voting.ballots import compute_result
from awards.services.voting.common import (
    _check_session_editable,
    _facts,
    _locked,
    _names,
    _poll_date,
    _refuse,
    _rule_snapshot,
)
from awards.services.voting.sessions import attendance_counts
from awards.services.voting.ties import _settle_parent
from blocs.models import Registration
from emulation.audit import diff, log_action
from emulation.workflow import check_move, transition


def default_candidate_ids(session: VotingSession, kind: str, award_type=None) -> list[int]:
    """Members who registered for the title (all members if none did, and for head/deputy)."""
    members = list(
        session.bloc_year.memberships.order_by("agency__sort_name").values_list(
            "agency_id", flat=True
        )
    )
    if kind != PollKind.AWARD or award_type is None:
        return members
    registered = set(
        Registration.objects.registered()
        .filter(bloc_year=session.bloc_year, titles=award_type)
        .values_list("agency_id", flat=True)
    )
    chosen = [agency_id for agency_id in members if agency_id in registered]
    return chosen or members


def below_minimum(bloc_year, award_type, agency_ids) -> tuple[list[int], str]:
    """The candidates a province's minimum score for `award_type` keeps off its list (their
    settled total in the bloc's score table is lower), and the rule in words; nothing when the
    award has no such rule in force or the bloc did not score."""
    if award_type is None:
        return [], ""
    rules = [
        rule.to_rule()
        for rule in EligibilityRule.objects.in_effect(bloc_year.year)
        if rule.kind == EligibilityRule.Kind.MIN_SCORE and rule.award_type_id == award_type.pk
    ]
    scores = counted_scores(bloc_year) if rules else None
    if scores is None:
        return [], ""
    rule = max(rules, key=lambda rule: rule.points)
    totals = {result.agency.pk: result.total_shown for result in scores.results}
    below = [a for a in agency_ids if eligibility.below_min_score(rule, totals.get(a, 0))]
    return below, eligibility.min_score_rule_text(rule)


def _refuse_below_minimum(bloc_year, award_type, agency_ids) -> None:
    below, rule = below_minimum(bloc_year, award_type, agency_ids)
    if below:
        _refuse(
            _("%(names)s chưa đạt điểm tối thiểu: %(rule)s")
            % {"names": _names(below), "rule": rule}
        )


def _set_candidates(poll: Poll, agency_ids: list[int]) -> None:
    member_ids = set(poll.bloc_year.memberships.values_list("agency_id", flat=True))
    if len(set(agency_ids)) != len(agency_ids):
        _refuse(_("Danh sách đơn vị được bầu có đơn vị trùng."))
    if set(agency_ids) - member_ids:
        _refuse(_("Chỉ thành viên của khối trong năm này mới được đưa vào danh sách bầu."))
    poll.candidates.all().delete()
    Candidate.objects.bulk_create(
        Candidate(poll=poll, agency_id=agency_id, order=index)
        for index, agency_id in enumerate(agency_ids, start=1)
    )


def _check_question(session: VotingSession, kind: str, award_type, seats: int) -> tuple:
    """The award and seats a new poll of `kind` takes: a leader election has no award, one seat
    and happens once per conference."""
    if kind == PollKind.TIE_BREAK:
        _refuse(_("Cuộc bỏ phiếu lại được tạo khi giải quyết bằng phiếu."))
    if kind == PollKind.AWARD and award_type is None:
        _refuse(_("Chọn danh hiệu, hình thức khen thưởng cho cuộc bỏ phiếu."))
    if kind != PollKind.AWARD:
        award_type = None
        seats = 1
        if session.polls.filter(kind=kind).exists():
            _refuse(_("Hội nghị đã có cuộc bầu này."))
    if seats < 1:
        _refuse(_("Số đơn vị được chọn phải từ 1 trở lên."))
    return award_type, seats


def _repeat_reason(session: VotingSession, kind: str, award_type, repeat_reason: str) -> str:
    """The reason a second poll for the same award must give (empty for a first poll)."""
    repeat_reason = (repeat_reason or "").strip()
    if kind != PollKind.AWARD:
        return ""
    earlier = session.polls.filter(kind=PollKind.AWARD, award_type=award_type).count()
    if earlier and not repeat_reason:
        raise ValidationError(
            {
                "repeat_reason": _(
                    "Hội nghị đã có %(count)s cuộc bỏ phiếu cho “%(award)s”: ghi rõ lý do "
                    "bỏ phiếu thêm (lý do được ghi vào biên bản), hoặc đặt lại cuộc bỏ "
                    "phiếu đã có."
                )
                % {"count": earlier, "award": award_type}
            }
        )
    return repeat_reason if earlier else ""


@transaction.atomic
def create_poll(
    session: VotingSession,
    *,
    kind: str,
    award_type=None,
    seats: int = 1,
    entry_mode: str = Poll.EntryMode.BALLOTS,
    candidate_ids: list[int] | None = None,
    repeat_reason: str = "",
    actor,
) -> Poll:
    """A new poll under the rule in force and with the default candidate list.

    A second poll for the same award in one conference contradicts the first in the minutes
    unless it says why, so it needs a reason (printed in the minutes).
    """
    session = VotingSession.objects.select_for_update().get(pk=session.pk)
    _check_session_editable(session)
    award_type, seats = _check_question(session, kind, award_type, seats)
    repeat_reason = _repeat_reason(session, kind, award_type, repeat_reason)
    rule_set, rule = _rule_snapshot(kind, award_type, _poll_date(session))
    order = (session.polls.aggregate(m=Max("order"))["m"] or 0) + 1
    poll = Poll.objects.create(
        session=session,
        kind=kind,
        award_type=award_type,
        seats=seats,
        entry_mode=entry_mode,
        rule_set=rule_set,
        rule=rule,
        order=order,
        repeat_reason=repeat_reason,
    )
    if candidate_ids is not None:
        ids = candidate_ids
        _refuse_below_minimum(session.bloc_year, award_type, ids)
    else:
        # The suggested list leaves out units under the award's minimum score.
        ids = default_candidate_ids(session, kind, award_type)
        below = set(below_minimum(session.bloc_year, award_type, ids)[0])
        ids = [agency_id for agency_id in ids if agency_id not in below]
        if not ids:
            _refuse_below_minimum(session.bloc_year, award_type, list(below))
    _set_candidates(poll, ids)
    log_action(
        "awards.poll.created",
        poll,
        actor=actor,
        data=_facts(
            kind=kind,
            seats=seats,
            candidates=_names(ids),
            rule=rule,
            **({"repeat_reason": repeat_reason} if repeat_reason else {}),
        ),
    )
    return poll


@transaction.atomic
def update_poll(
    poll: Poll, *, seats: int, entry_mode: str, candidate_ids: list[int], actor
) -> Poll:
    """Change seats, entry mode and candidates: only before the poll opens."""
    poll = _locked(poll)
    _check_session_editable(poll.session)
    if not poll.candidates_editable:
        _refuse(_("Cuộc bỏ phiếu đã mở: danh sách và số đơn vị được chọn đã cố định."))
    if poll.kind == PollKind.TIE_BREAK:
        tied = list(poll.candidates.values_list("agency_id", flat=True))
        if sorted(candidate_ids) != sorted(tied) or seats != poll.seats:
            _refuse(
                _(
                    "Cuộc bỏ phiếu lại chỉ gồm các đơn vị bằng phiếu và số vị trí còn trống: "
                    "không thể thay đổi danh sách hay số đơn vị được chọn."
                )
            )
        candidate_ids = tied
    if poll.kind != PollKind.AWARD:
        seats = poll.seats
    else:
        _refuse_below_minimum(poll.bloc_year, poll.award_type, candidate_ids)
    if seats < 1:
        _refuse(_("Số đơn vị được chọn phải từ 1 trở lên."))
    before = {
        "seats": poll.seats,
        "entry_mode": poll.entry_mode,
        "candidates": list(poll.candidates.values_list("agency_id", flat=True)),
    }
    poll.seats, poll.entry_mode = seats, entry_mode
    poll.save(update_fields=["seats", "entry_mode"])
    _set_candidates(poll, candidate_ids)
    after = {"seats": seats, "entry_mode": entry_mode, "candidates": list(candidate_ids)}
    changes = diff(before, after)
    if changes:
        log_action("awards.poll.updated", poll, actor=actor, data=changes)
    return poll


@transaction.atomic
def delete_poll(poll: Poll, *, actor) -> None:
    """Remove a poll created by mistake: only while it is a draft (nothing entered yet)."""
    poll = _locked(poll)
    _check_session_editable(poll.session)
    if poll.state != Poll.State.DRAFT or poll.kind == PollKind.TIE_BREAK:
        _refuse(_("Chỉ xóa được cuộc bỏ phiếu đang chuẩn bị (chưa mở)."))
    log_action(
        "awards.poll.deleted",
        poll.session,
        actor=actor,
        data=_facts(
            poll=poll.title, candidates=_names(poll.candidates.values_list("agency_id", flat=True))
        ),
    )
    poll.delete()


def _check_ready_to_open(poll: Poll) -> tuple[int, int]:
    """Enough candidates for the seats and the quorum present; returns (members, present)."""
    rule = poll.spec()
    candidates = poll.candidates.count()
    if candidates == 0:
        _refuse(_("Cuộc bỏ phiếu chưa có đơn vị nào trong danh sách."))
    if candidates < poll.seats and poll.kind == PollKind.AWARD:
        _refuse(
            _("Danh sách có %(count)s đơn vị, ít hơn số đơn vị được chọn (%(seats)s)."),
            count=candidates,
            seats=poll.seats,
        )
    members, present = attendance_counts(poll.session)
    if not rule.quorum_met(present, members):
        _refuse(
            _(
                "Không đủ số thành viên có mặt để bỏ phiếu: có mặt %(present)s/%(members)s, quy "
                "định cần từ %(quorum)s tổng số thành viên trở lên."
            ),
            present=present,
            members=members,
            quorum=fraction_words(rule.quorum),
        )
    return members, present


@transaction.atomic
def open_poll(poll: Poll, *, actor) -> Poll:
    """Freeze rule and candidates, check the quorum against attendance, start taking ballots."""
    poll = _locked(poll)
    _check_session_editable(poll.session)
    check_move(poll, Poll.State.OPEN)
    if poll.kind != PollKind.TIE_BREAK and poll.rule_follows_current:
        poll.rule_set, poll.rule = _rule_snapshot(
            poll.kind, poll.award_type, _poll_date(poll.session)
        )
    members, present = _check_ready_to_open(poll)
    transition(
        poll,
        Poll.State.OPEN,
        actor=actor,
        action=None,
        changes={
            "opened_at": timezone.now(),
            "ballots_issued": present,
            "frozen_candidates": list(poll.candidates.values_list("agency_id", flat=True)),
        },
        locked=True,
    )
    log_action(
        "awards.poll.opened",
        poll,
        actor=actor,
        data=_facts(
            present=present,
            members=members,
            rule=poll.rule,
            rule_set=str(poll.rule_set) if poll.rule_set else "",
            candidates=_names(poll.frozen_candidates),
        ),
    )
    return poll


@transaction.atomic
def count_poll(poll: Poll, *, actor) -> Poll:
    """Close entry and store the count; a runoff that settles its tie settles the parent too."""
    poll = _locked(poll)
    _check_session_editable(poll.session)
    if poll.state != Poll.State.OPEN:
        _refuse(_("Chỉ kiểm phiếu cuộc bỏ phiếu đang mở."))
    if poll.entry_mode == Poll.EntryMode.BALLOTS and not poll.ballots.exists():
        _refuse(_("Chưa nhập phiếu nào."))
    result = compute_result(poll)
    transition(
        poll,
        Poll.State.COUNTED,
        actor=actor,
        action=None,
        changes={"tally_data": result.to_dict(), "counted_at": timezone.now()},
        locked=True,
    )
    log_action(
        "awards.poll.counted",
        poll,
        actor=actor,
        data=_facts(
            issued=result.issued,
            returned=result.returned,
            valid=result.valid,
            invalid=result.invalid,
            winners=_names(result.winners),
            tie=_names(result.tie.candidate_ids) if result.tie else "",
        ),
    )
    _settle_parent(poll, actor=actor)
    return poll


def _void_entries(poll: Poll) -> int:
    """Delete the poll's ballots, totals and tie-breaks (and the choice its runoff made for a
    parent); returns how many ballots were voided."""
    voided = poll.ballots.count()
    poll.ballots.all().delete()
    AggregateEntry.objects.filter(poll=poll).delete()
    poll.tie_breaks.all().delete()
    poll.tie_resolutions.all().delete()
    parent_resolution = TieResolution.objects.filter(runoff_poll=poll).first()
    if parent_resolution and parent_resolution.chosen:
        parent_resolution.chosen = None
        parent_resolution.save(update_fields=["chosen"])
    return voided


@transaction.atomic
def reset_poll(poll: Poll, *, reason: str, apply_rule_in_force: bool = True, actor) -> Poll:
    """Back to draft with a reason: voids every ballot, the counts, the result and tie-breaks.

    With `apply_rule_in_force` the poll follows the rule in force again when it reopens
    (the usual reason to reset after the province changed a rule); without it, it keeps the
    rule it was opened with.
    """
    poll = _locked(poll)
    _check_session_editable(poll.session)
    if not reason.strip():
        _refuse(_("Ghi rõ lý do đặt lại cuộc bỏ phiếu."))
    if poll.state not in (Poll.State.OPEN, Poll.State.COUNTED):
        _refuse(_("Chỉ đặt lại cuộc bỏ phiếu đang mở hoặc đã kiểm phiếu."))
    voided = _void_entries(poll)
    old_rule = poll.rule
    changes = {
        "tally_data": None,
        "ballots_issued": None,
        "opened_at": None,
        "counted_at": None,
        "frozen_candidates": [],
        "rule_follows_current": apply_rule_in_force and poll.kind != PollKind.TIE_BREAK,
    }
    if changes["rule_follows_current"]:
        changes["rule_set"], changes["rule"] = _rule_snapshot(
            poll.kind, poll.award_type, _poll_date(poll.session)
        )
    transition(poll, Poll.State.DRAFT, actor=actor, action=None, changes=changes, locked=True)
    facts = {"reason": reason, "voided_ballots": voided}
    if poll.rule != old_rule:
        facts["rule"] = poll.rule
    log_action("awards.poll.reset", poll, actor=actor, data=_facts(**facts))
    return poll

"""Every write of the conference: sessions, attendance, polls, ballots, counts, ties, minutes.

Each function is atomic, takes the acting user as `actor`, checks its state transition and writes
its audit entry in the same transaction. Numbers are computed by the pure `awards.tally`.
"""

from dataclasses import replace
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import tally as tally_core
from awards.models import (
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
from awards.rules import fraction_words, threshold_sentence
from awards.services.proposals import create_proposals_for_session
from awards.tally import InconsistentCounts, RuleSpec
from blocs.services.structure import set_elected_leaders
from emulation.audit import diff, log_action, snapshot

SESSION_FIELDS = [
    "held_at",
    "place",
    "chair_name",
    "chair_title",
    "chair_agency",
    "secretary_name",
    "secretary_title",
    "guests",
    "committee",
    "agenda",
    "narrative",
    "closed_at",
    "count_closed_at",
    "copies",
]


def _session_snapshot(session: VotingSession) -> dict:
    """The session's fields for the audit diff as text: times, guests and committee rows."""
    data = snapshot(session, SESSION_FIELDS)
    for name in ("closed_at", "count_closed_at"):
        if data[name] is not None:
            data[name] = data[name].isoformat(timespec="minutes")
    data["guests"] = "; ".join(
        ", ".join(v for v in (g.get("name"), g.get("title"), g.get("organisation")) if v)
        for g in data["guests"] or []
    )
    data["committee"] = "; ".join(
        f"{m.get('name')} ({m.get('role')})" for m in data["committee"] or []
    )
    return data


def _names(agency_ids) -> str:
    from blocs.models import Agency

    agencies = Agency.objects.in_bulk(list(agency_ids))
    return "; ".join(str(agencies.get(i, i)) for i in agency_ids)


def _facts(**values) -> dict:
    """Event details for the audit log, one readable value per key (the history shows
    two-item lists as "old → new", so a fact is a one-item list)."""
    facts = {}
    for key, value in values.items():
        if isinstance(value, dict) and "base" in value:
            value = threshold_sentence(RuleSpec.from_dict(value))
        elif isinstance(value, (list, tuple)):
            value = "; ".join(str(v) for v in value)
        facts[key] = [value]
    return facts


def _refuse(message: str, **params):
    raise ValidationError(message % params if params else message)


def _check_session_editable(session: VotingSession) -> None:
    if session.is_finalized:
        _refuse(_("Hội nghị đã kết thúc và phát hành biên bản: không thể thay đổi."))


def _to_validation_error(error: InconsistentCounts) -> ValidationError:
    return ValidationError(
        {
            (None if key == "__all__" else key): [ValidationError(m) for m in messages]
            for key, messages in error.errors.items()
        }
    )


# Rule sets ---------------------------------------------------------------------------------------


def rule_set_in_use(rule_set: RuleSet) -> bool:
    """Whether a poll has opened under this version (its copy is frozen and the minutes will
    cite it): such a version never changes."""
    return rule_set.pk is not None and rule_set.polls.exclude(state=Poll.State.DRAFT).exists()


@transaction.atomic
def save_rule_set(rule_set: RuleSet, *, actor) -> RuleSet:
    """Create or update a rule set (province staff).

    A version that a counted poll used stays as it was, so the minutes that cite it stay true:
    the change is saved as the next version of the same rule, in force from the same date.
    Draft polls follow whichever version is in force when they open.
    """
    rule_set.full_clean(validate_constraints=False)
    created = rule_set.pk is None
    before = {} if created else snapshot(RuleSet.objects.get(pk=rule_set.pk), RULE_FIELDS)
    if not created and rule_set_in_use(rule_set):
        changes = diff(before, snapshot(rule_set, RULE_FIELDS))
        if not changes:
            return RuleSet.objects.get(pk=rule_set.pk)
        stored = RuleSet.objects.get(pk=rule_set.pk)
        newer = (
            RuleSet.objects.filter(
                poll_kind=stored.poll_kind,
                award_type=stored.award_type,
                effective_from=stored.effective_from,
                version__gt=stored.version,
            )
            .order_by("-version")
            .first()
        )
        if newer is not None:
            # Building on an old version would silently undo the newer one.
            _refuse(
                _("Đã có phiên bản %(version)s mới hơn của quy tắc này: hãy sửa phiên bản đó."),
                version=newer.version,
            )
        previous_pk = rule_set.pk
        rule_set.pk = None
        rule_set._state.adding = True
        rule_set.version = (
            RuleSet.objects.filter(
                poll_kind=rule_set.poll_kind,
                award_type=rule_set.award_type,
                effective_from=rule_set.effective_from,
            ).aggregate(m=Max("version"))["m"]
            or 0
        ) + 1
        rule_set.full_clean()
        rule_set.save()
        log_action(
            "awards.rule_set.versioned",
            rule_set,
            actor=actor,
            data={**changes, **_facts(version=rule_set.version, replaces=previous_pk)},
        )
        return rule_set
    rule_set.full_clean()
    rule_set.save()
    log_action(
        "awards.rule_set.created" if created else "awards.rule_set.updated",
        rule_set,
        actor=actor,
        data=diff(before, snapshot(rule_set, RULE_FIELDS)),
    )
    return rule_set


# The fields staff edit on the rule-set page (its form uses this list) and the audit diff covers.
RULE_FIELDS = [
    "poll_kind",
    "award_type",
    "effective_from",
    "base",
    "comparator",
    "threshold_numerator",
    "threshold_denominator",
    "quorum_numerator",
    "quorum_denominator",
    "max_marks",
    "self_vote_allowed",
    "tie_rule",
    "max_rounds",
    "fallback_rule",
    "legal_basis",
]


# Sessions and attendance -------------------------------------------------------------------------


@transaction.atomic
def create_session(bloc_year, *, actor, **fields) -> VotingSession:
    """Open the bloc-year's conference record with an attendance row (absent) for each member."""
    if VotingSession.objects.filter(bloc_year=bloc_year).exists():
        _refuse(_("Khối đã có hội nghị tổng kết của năm này."))
    session = VotingSession(bloc_year=bloc_year, **fields)
    session.full_clean(exclude=["bloc_year"])
    session.save()
    members = bloc_year.memberships.select_related("agency")
    Attendance.objects.bulk_create(Attendance.absent_member(session, m) for m in members)
    log_action(
        "awards.session.created",
        session,
        actor=actor,
        data=diff({}, _session_snapshot(session)),
    )
    return session


@transaction.atomic
def update_session(session: VotingSession, *, actor, **fields) -> VotingSession:
    """Change the conference details, guests, counting committee or minutes narrative."""
    session = VotingSession.objects.select_for_update().get(pk=session.pk)
    _check_session_editable(session)
    before = _session_snapshot(session)
    for name, value in fields.items():
        if name not in SESSION_FIELDS:
            raise TypeError(f"unknown session field {name}")
        setattr(session, name, value)
    session.full_clean(exclude=["bloc_year"])
    changes = diff(before, _session_snapshot(session))
    if changes:
        session.save()
        log_action("awards.session.updated", session, actor=actor, data=changes)
    return session


@transaction.atomic
def update_attendance(session: VotingSession, rows: list[dict], *, actor) -> VotingSession:
    """Record the register in one go: rows of {agency_id, present, representative_name/title}.

    Refused while a poll is open, because the number present is what its ballots are checked
    against.
    """
    session = VotingSession.objects.select_for_update().get(pk=session.pk)
    _check_session_editable(session)
    if session.polls.filter(state=Poll.State.OPEN).exists():
        _refuse(_("Đang có cuộc bỏ phiếu mở: kiểm phiếu hoặc đặt lại trước khi sửa điểm danh."))
    by_agency = {a.agency_id: a for a in session.attendance.all()}
    changes = {}
    changed = []
    for row in rows:
        attendance = by_agency.get(row["agency_id"])
        if attendance is None:
            _refuse(_("Đơn vị không phải thành viên của khối trong năm này."))
        fields = ["present", "representative_name", "representative_title"]
        before = snapshot(attendance, fields)
        for field in fields:
            setattr(attendance, field, row.get(field, getattr(attendance, field)))
        delta = diff(before, snapshot(attendance, fields))
        if delta:
            changes[str(attendance.agency)] = [
                "; ".join(f"{field}: {old} → {new}" for field, (old, new) in delta.items())
            ]
            changed.append(attendance)
    if changed:
        Attendance.objects.bulk_update(
            changed, ["present", "representative_name", "representative_title"]
        )
        log_action("awards.session.attendance_updated", session, actor=actor, data=changes)
    return session


def attendance_counts(session: VotingSession) -> tuple[int, int]:
    """(members, present) for the session's bloc-year, in one query."""
    counts = session.attendance.aggregate(
        members=Count("pk"), present=Count("pk", filter=Q(present=True))
    )
    return counts["members"], counts["present"]


# Polls -------------------------------------------------------------------------------------------


def default_candidate_ids(session: VotingSession, kind: str, award_type=None) -> list[int]:
    """Members who registered for the title (all members if none did, and for head/deputy)."""
    members = list(
        session.bloc_year.memberships.order_by("agency__sort_name").values_list(
            "agency_id", flat=True
        )
    )
    if kind != PollKind.AWARD or award_type is None:
        return members
    from blocs.models import Registration

    registered = set(
        Registration.objects.registered()
        .filter(bloc_year=session.bloc_year, titles=award_type)
        .values_list("agency_id", flat=True)
    )
    chosen = [agency_id for agency_id in members if agency_id in registered]
    return chosen or members


def _rule_snapshot(kind: str, award_type, on_date) -> tuple[RuleSet, dict]:
    rule_set = RuleSet.objects.current_for(kind, award_type, on_date)
    if rule_set is None:
        _refuse(
            _(
                "Chưa có quy tắc bỏ phiếu áp dụng cho ngày %(date)s: %(office)s cần thiết lập quy "
                "tắc trước."
            ),
            date=f"{on_date:%d/%m/%Y}",
            office=settings.EMULATION_OFFICE_NAME,
        )
    return rule_set, rule_set.spec().to_dict()


def _poll_date(session: VotingSession):
    return timezone.localtime(session.held_at).date()


def rule_set_in_force(poll: Poll) -> RuleSet | None:
    """The province's rule version in force for this poll's question on the conference date."""
    return RuleSet.objects.current_for(poll.kind, poll.award_type, _poll_date(poll.session))


def rule_in_force(poll: Poll) -> tuple[RuleSet | None, RuleSpec]:
    """The rule a poll will be or was counted under: while a draft follows the rules, the
    version in force on the conference's date; otherwise the copy frozen in the poll."""
    if poll.state == Poll.State.DRAFT and poll.rule_follows_current and not poll.parent_id:
        rule_set = rule_set_in_force(poll)
        if rule_set is not None:
            return rule_set, rule_set.spec()
    return poll.rule_set, poll.spec()


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
    repeat_reason = (repeat_reason or "").strip()
    if kind == PollKind.AWARD:
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
        if not earlier:
            repeat_reason = ""
    else:
        repeat_reason = ""
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
    ids = (
        candidate_ids
        if candidate_ids is not None
        else default_candidate_ids(session, kind, award_type)
    )
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


def _locked(poll: Poll) -> Poll:
    return (
        Poll.objects.select_related("session", "bloc_year")
        .select_for_update(of=("self",))
        .get(pk=poll.pk)
    )


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


def _transition(poll: Poll, state: str) -> None:
    if not poll.can_move_to(state):
        _refuse(
            _("Không thể chuyển cuộc bỏ phiếu từ “%(old)s” sang “%(new)s”."),
            old=poll.get_state_display(),
            new=Poll.State(state).label,
        )


@transaction.atomic
def open_poll(poll: Poll, *, actor) -> Poll:
    """Freeze rule and candidates, check the quorum against attendance, start taking ballots."""
    poll = _locked(poll)
    _check_session_editable(poll.session)
    _transition(poll, Poll.State.OPEN)
    if poll.kind != PollKind.TIE_BREAK and poll.rule_follows_current:
        poll.rule_set, poll.rule = _rule_snapshot(
            poll.kind, poll.award_type, _poll_date(poll.session)
        )
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
            quorum=_fraction_text(rule.quorum),
        )
    poll.state = Poll.State.OPEN
    poll.opened_at = timezone.now()
    poll.ballots_issued = present
    poll.frozen_candidates = list(poll.candidates.values_list("agency_id", flat=True))
    poll.save(
        update_fields=[
            "state",
            "opened_at",
            "ballots_issued",
            "frozen_candidates",
            "rule_set",
            "rule",
        ]
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


def _fraction_text(value: Fraction) -> str:
    return fraction_words(value)


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
def record_ballot(poll: Poll, marks, *, actor, declared_invalid_reason: str = "") -> Ballot:
    """Store the next paper ballot; an over-marked or duplicated paper is stored as invalid."""
    locked = Poll.objects.select_for_update().get(pk=poll.pk)
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
            entry = AggregateEntry.objects.filter(poll=poll).first()
            if entry is None:
                _refuse(_("Chưa nhập số liệu kiểm phiếu tổng hợp."))
            aggregate = tally_core.AggregateInput(
                entry.issued,
                entry.returned,
                entry.valid,
                entry.invalid,
                {int(k): v for k, v in entry.votes.items()},
            )
            return tally_core.tally(
                rule=poll.spec(),
                seats=poll.seats,
                candidates=candidates,
                members=members,
                present=present,
                aggregate=aggregate,
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


@transaction.atomic
def count_poll(poll: Poll, *, actor) -> Poll:
    """Close entry and store the count; a runoff that settles its tie settles the parent too."""
    poll = _locked(poll)
    _check_session_editable(poll.session)
    if poll.state != Poll.State.OPEN:
        _refuse(_("Chỉ kiểm phiếu cuộc bỏ phiếu đang mở."))
    _transition(poll, Poll.State.COUNTED)
    if poll.entry_mode == Poll.EntryMode.BALLOTS and not poll.ballots.exists():
        _refuse(_("Chưa nhập phiếu nào."))
    result = compute_result(poll)
    poll.tally_data = result.to_dict()
    poll.state = Poll.State.COUNTED
    poll.counted_at = timezone.now()
    poll.save(update_fields=["tally_data", "state", "counted_at"])
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
    if poll.state != Poll.State.COUNTED:
        _refuse(_("Chỉ giải quyết bằng phiếu sau khi kiểm phiếu."))
    result = poll.result()
    if result is None or not result.has_open_tie:
        _refuse(_("Cuộc bỏ phiếu không có trường hợp bằng phiếu cần giải quyết."))
    if poll.tie_resolutions.filter(chosen__isnull=True, runoff_poll__isnull=False).exists():
        _refuse(_("Đang bỏ phiếu lại cho trường hợp bằng phiếu này."))
    allowed = tie_methods(poll, result)
    if method not in allowed:
        _refuse(_("Quy tắc của cuộc bỏ phiếu không cho phép cách giải quyết này."))
    tie = result.tie
    if method == "runoff":
        runoff = Poll.objects.create(
            session=poll.session,
            kind=PollKind.TIE_BREAK,
            award_type=poll.award_type,
            seats=tie.seats_open,
            parent=poll,
            rule_set=poll.rule_set,
            rule=_tie_break_rule(poll, tie.seats_open),
            entry_mode=entry_mode or poll.entry_mode,
            order=poll.order,
        )
        Candidate.objects.bulk_create(
            Candidate(poll=runoff, agency_id=agency_id, order=index)
            for index, agency_id in enumerate(tie.candidate_ids, start=1)
        )
        resolution = TieResolution.objects.create(
            poll=poll,
            method=method,
            decided_by=decided_by,
            note=note,
            runoff_poll=runoff,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        log_action(
            "awards.poll.runoff_created",
            poll,
            actor=actor,
            data=_facts(
                tied=_names(tie.candidate_ids), seats=tie.seats_open, runoff_poll=runoff.pk
            ),
        )
        return resolution
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
    _transition(poll, Poll.State.DRAFT)
    voided = poll.ballots.count()
    poll.ballots.all().delete()
    AggregateEntry.objects.filter(poll=poll).delete()
    poll.tie_breaks.all().delete()
    poll.tie_resolutions.all().delete()
    parent_resolution = TieResolution.objects.filter(runoff_poll=poll).first()
    if parent_resolution and parent_resolution.chosen:
        parent_resolution.chosen = None
        parent_resolution.save(update_fields=["chosen"])
    old_rule = poll.rule
    poll.state = Poll.State.DRAFT
    poll.tally_data = None
    poll.ballots_issued = None
    poll.opened_at = poll.counted_at = None
    poll.frozen_candidates = []
    poll.rule_follows_current = apply_rule_in_force and poll.kind != PollKind.TIE_BREAK
    if poll.rule_follows_current:
        poll.rule_set, poll.rule = _rule_snapshot(
            poll.kind, poll.award_type, _poll_date(poll.session)
        )
    poll.save(
        update_fields=[
            "state",
            "tally_data",
            "ballots_issued",
            "opened_at",
            "counted_at",
            "frozen_candidates",
            "rule_follows_current",
            "rule_set",
            "rule",
        ]
    )
    facts = {"reason": reason, "voided_ballots": voided}
    if poll.rule != old_rule:
        facts["rule"] = poll.rule
    log_action("awards.poll.reset", poll, actor=actor, data=_facts(**facts))
    return poll


# Finalization ------------------------------------------------------------------------------------


def session_blockers(session: VotingSession, polls: list[Poll]) -> list[str]:
    """Why the session cannot be finalized yet (empty when it can)."""
    blockers = []
    if not polls:
        blockers.append(_("Hội nghị chưa có cuộc bỏ phiếu nào."))
    for poll in polls:
        if poll.state not in (Poll.State.COUNTED, Poll.State.FINALIZED):
            blockers.append(_("“%(poll)s” chưa kiểm phiếu.") % {"poll": poll.title})
        else:
            result = poll.result()
            if result and result.has_open_tie:
                blockers.append(
                    _("“%(poll)s” còn trường hợp bằng phiếu chưa giải quyết.")
                    % {"poll": poll.title}
                )
    return blockers


def _elected(polls, kind):
    for poll in polls:
        if poll.kind == kind:
            result = poll.result()
            return result.winners[0] if result and result.winners else None
    return None


@transaction.atomic
def finalize_session(session: VotingSession, *, actor) -> VotingSession:
    """Lock the conference, issue both minutes, elect next year's leaders, create proposals."""
    from awards.pdf import conference_minutes_pdf, count_minutes_pdf
    from blocs.models import Agency
    from emulation.documents import issue_document
    from emulation.docx import render_docx

    session = (
        VotingSession.objects.select_for_update()
        .select_related("bloc_year__bloc")
        .get(pk=session.pk)
    )
    if not session.can_move_to(VotingSession.State.FINALIZED):
        _refuse(_("Hội nghị đã kết thúc."))
    polls = list(session.polls.for_list())
    blockers = session_blockers(session, polls)
    if blockers:
        raise ValidationError(blockers)
    bloc_year = session.bloc_year
    has_leader_polls = any(p.kind in (PollKind.NEXT_HEAD, PollKind.NEXT_DEPUTY) for p in polls)
    if has_leader_polls:
        head_id = _elected(polls, PollKind.NEXT_HEAD)
        deputy_id = _elected(polls, PollKind.NEXT_DEPUTY)
        agencies = Agency.objects.in_bulk([i for i in (head_id, deputy_id) if i])
        set_elected_leaders(
            bloc_year,
            next_head=agencies.get(head_id) if head_id else bloc_year.next_head,
            next_deputy=agencies.get(deputy_id) if deputy_id else bloc_year.next_deputy,
            actor=actor,
        )
        bloc_year.refresh_from_db()
    # The minutes say when they were closed; a time not entered is the time of finalizing.
    now = timezone.localtime().time().replace(second=0, microsecond=0)
    session.closed_at = session.closed_at or now
    session.count_closed_at = session.count_closed_at or now
    session.save(update_fields=["closed_at", "count_closed_at"])
    bloc = bloc_year.bloc
    session.count_minutes = issue_document(
        kind="BB",
        kind_label="Biên bản kiểm phiếu",
        issuer_code=bloc.code,
        issuer_name=bloc.name,
        dated=timezone.localtime(session.held_at).date(),
        title=f"Biên bản kiểm phiếu hội nghị tổng kết {bloc.name} năm {bloc_year.year}",
        render=lambda stamp: count_minutes_pdf(session, stamp=stamp)[2],
        render_docx=lambda stamp: count_minutes_pdf(session, stamp=stamp, renderer=render_docx)[2],
        bloc_year=bloc_year,
        source=session,
        actor=actor,
    )
    session.conference_minutes = issue_document(
        kind="BB",
        kind_label="Biên bản hội nghị",
        issuer_code=bloc.code,
        issuer_name=bloc.name,
        dated=timezone.localtime(session.held_at).date(),
        title=f"Biên bản hội nghị tổng kết {bloc.name} năm {bloc_year.year}",
        render=lambda stamp: conference_minutes_pdf(session, stamp=stamp)[2],
        render_docx=lambda stamp: conference_minutes_pdf(
            session, stamp=stamp, renderer=render_docx
        )[2],
        bloc_year=bloc_year,
        source=session,
        actor=actor,
    )
    session.state = VotingSession.State.FINALIZED
    session.finalized_at = timezone.now()
    session.save(update_fields=["state", "finalized_at", "count_minutes", "conference_minutes"])
    Poll.objects.filter(session=session, state=Poll.State.COUNTED).update(
        state=Poll.State.FINALIZED
    )
    log_action(
        "awards.session.finalized",
        session,
        actor=actor,
        data=_facts(
            count_minutes=session.count_minutes.number,
            conference_minutes=session.conference_minutes.number,
            closed_at=session.closed_at.isoformat(timespec="minutes"),
            count_closed_at=session.count_closed_at.isoformat(timespec="minutes"),
        ),
    )
    create_proposals_for_session(session, actor=actor)
    return session


@transaction.atomic
def reopen_session(session: VotingSession, *, reason: str, actor) -> VotingSession:
    """Province staff only (the view checks): unlock the session with a reason. Polls go back to
    counted; both minutes are voided (their numbers and files stay on record) and finalizing
    again issues new ones."""
    from emulation.documents import void_document

    session = VotingSession.objects.select_for_update().get(pk=session.pk)
    if not session.can_move_to(VotingSession.State.DRAFT):
        _refuse(_("Hội nghị chưa kết thúc."))
    if not reason.strip():
        _refuse(_("Ghi rõ lý do mở lại hội nghị."))
    for document in (session.count_minutes, session.conference_minutes):
        if document is not None and not document.voided_at:
            void_document(document, reason=f"Mở lại hội nghị: {reason}", actor=actor)
    # The election is recorded again when the conference is finalized again; until then an
    # old result must not be applied to next year.
    if session.polls.filter(kind__in=[PollKind.NEXT_HEAD, PollKind.NEXT_DEPUTY]).exists():
        set_elected_leaders(session.bloc_year, next_head=None, next_deputy=None, actor=actor)
    session.state = VotingSession.State.DRAFT
    session.finalized_at = None
    session.count_minutes = session.conference_minutes = None
    session.save(update_fields=["state", "finalized_at", "count_minutes", "conference_minutes"])
    Poll.objects.filter(session=session, state=Poll.State.FINALIZED).update(
        state=Poll.State.COUNTED
    )
    log_action("awards.session.reopened", session, actor=actor, data=_facts(reason=reason))
    return session

"""The conference layer: a year-end conference per bloc-year with attendance, five polls (three
titles, next year's head and deputy), three candidates each and one secret ballot per member.

Counts are computed with the same pure tally the services use and stored as they would store
them. Past years' conferences are finalized; in the last year every poll is counted except next
year's deputy, still open with half its ballots entered, as on the evening of a conference.
"""

import datetime
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from awards import tally
from awards.models import AwardType
from awards.models.voting import (
    Attendance,
    Ballot,
    Candidate,
    Poll,
    PollKind,
    RuleSet,
    VotingSession,
)
from blocs.models import BlocYear, Membership
from emulation.models import AuditEntry
from portal.bench.province import Province

BATCH = 2000
# (kind, award code, seats): the polls of every conference, in order.
POLLS = [
    (PollKind.AWARD, "CO_TINH", 1),
    (PollKind.AWARD, "TTLDXS", 2),
    (PollKind.AWARD, "BK_TINH", 2),
    (PollKind.NEXT_HEAD, None, 1),
    (PollKind.NEXT_DEPUTY, None, 1),
]
TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def rule_for(kind, award_type, on_date):
    """The rule set the services would copy into the poll, or the tally's defaults."""
    rule_set = RuleSet.objects.current_for(kind, award_type, on_date)
    return rule_set, (rule_set.spec() if rule_set else tally.RuleSpec())


def ballot_marks(serial: int, candidates: list[int], seats: int) -> tuple[int, ...]:
    """A clear vote that is never unanimous for anyone (which would prove a self-vote where that
    is forbidden) and never ties at the last seat, so every count elects without a tie-break."""
    first, second, third = (candidates * 3)[:3]
    if seats == 1:
        return (first,) if serial % 3 else ((second,) if serial % 2 else (third,))
    return {0: (second, third), 3: (first, third)}.get(serial % 4, (first, second))


def build_conferences(province: Province) -> int:
    """A conference per bloc-year with attendance, its polls, candidates, ballots and audit
    entries; records the focus session, poll and open poll."""
    award_types = {t.code: t for t in AwardType.objects.filter(code__in=[p[1] for p in POLLS])}
    members_of = _members_of(province.bloc_year_ids)
    bloc_years = BlocYear.objects.filter(pk__in=province.bloc_year_ids).select_related("bloc")
    names = dict(
        Membership.objects.filter(bloc_year_id__in=province.bloc_year_ids).values_list(
            "agency_id", "agency__name"
        )
    )
    now = timezone.now()
    sessions = _sessions(bloc_years, members_of, names, province.year, now)
    attendance = _attendance(sessions, members_of)
    polls, plans = _polls(province, sessions, members_of, award_types, names, now)
    candidate_rows, ballots = _candidates_and_ballots(polls, plans)
    entries = _audit_trail(province.users["head"], polls)
    _record_focus(province, sessions, polls)
    return (
        len(sessions)
        + len(attendance)
        + len(polls)
        + len(candidate_rows)
        + len(ballots)
        + len(entries)
    )


def _members_of(bloc_year_ids) -> dict[int, list[tuple[int, str, str]]]:
    """Each bloc-year's members as (agency id, signatory name, signatory title), in name order."""
    members_of: dict[int, list[tuple[int, str, str]]] = {}
    for bloc_year_id, agency_id, name, title in (
        Membership.objects.filter(bloc_year_id__in=bloc_year_ids)
        .order_by("bloc_year_id", "agency__sort_name")
        .values_list("bloc_year_id", "agency_id", "signatory_name", "signatory_title")
    ):
        members_of.setdefault(bloc_year_id, []).append((agency_id, name, title))
    return members_of


def _sessions(bloc_years, members_of, names, last_year, now) -> list[VotingSession]:
    """One year-end conference per bloc-year chaired by its head, finalized except in the last
    year, saved."""
    sessions = []
    for bloc_year in bloc_years:
        members = members_of[bloc_year.pk]
        chair = next((m for m in members if m[0] == bloc_year.head_id), members[0])
        sessions.append(
            VotingSession(
                bloc_year=bloc_year,
                held_at=datetime.datetime(bloc_year.year, 12, 20, 8, 0, tzinfo=TIME_ZONE),
                place=f"Hội trường {names.get(bloc_year.head_id, 'Sở Nội vụ')}",
                chair_name=chair[1],
                chair_title=f"{chair[2]} {names[chair[0]]}",
                chair_agency_id=chair[0],
                secretary_name="Trần Thị Thư",
                secretary_title="Chuyên viên",
                guests=[
                    {
                        "name": bloc_year.liaison_name,
                        "title": bloc_year.liaison_title,
                        "organisation": "",
                    }
                ],
                committee=[
                    {"name": "Nguyễn Văn Kiểm", "title": "Phó Giám đốc", "role": "Trưởng ban"},
                    {"name": "Lê Thị Phiếu", "title": "Chánh Văn phòng", "role": "Thành viên"},
                ],
                agenda="Báo cáo tổng kết công tác thi đua\nBình xét, suy tôn\nBầu Trưởng khối",
                narrative="Hội nghị thống nhất thông qua báo cáo tổng kết.",
                closed_at=datetime.time(11, 30),
                state=VotingSession.State.DRAFT
                if bloc_year.year == last_year
                else VotingSession.State.FINALIZED,
                finalized_at=None if bloc_year.year == last_year else now,
            )
        )
    VotingSession.objects.bulk_create(sessions, batch_size=BATCH)
    return sessions


def _attendance(sessions, members_of) -> list[Attendance]:
    """Every member present at its bloc-year's conference, represented by its signatory, saved."""
    attendance = [
        Attendance(
            session=session,
            agency_id=agency_id,
            present=True,
            representative_name=name,
            representative_title=title,
        )
        for session in sessions
        for agency_id, name, title in members_of[session.bloc_year_id]
    ]
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)
    return attendance


def _polls(province, sessions, members_of, award_types, names, now) -> tuple[list, list]:
    """Every conference's polls, saved, with each poll's plan: (candidates, marks, count)."""
    polls, plans, rules = [], [], {}
    for session in sessions:
        members = [m[0] for m in members_of[session.bloc_year_id]]
        year = session.bloc_year.year
        for order, (kind, code, seats) in enumerate(
            POLLS[: province.scale.polls_per_conference], 1
        ):
            award_type = award_types.get(code) if code else None
            if kind == PollKind.AWARD and award_type is None:
                continue
            key = (kind, code, year)
            if key not in rules:
                rules[key] = rule_for(kind, award_type, datetime.date(year, 12, 20))
            poll, plan = _poll(
                session,
                members,
                order=order,
                kind=kind,
                award_type=award_type,
                seats=seats,
                rule=rules[key],
                province=province,
                names=names,
                now=now,
            )
            polls.append(poll)
            plans.append(plan)
    Poll.objects.bulk_create(polls, batch_size=BATCH)
    return polls, plans


def _poll(session, members, *, order, kind, award_type, seats, rule, province, names, now):
    """One unsaved poll of a conference and its plan. Candidates rotate with the poll's order;
    in the last year the deputy poll stays open with half its ballots, the others are counted."""
    rule_set, spec = rule
    year = session.bloc_year.year
    last_year = province.year
    start = (order - 1) % len(members)
    rotated = members[start:] + members[:start]
    candidates = rotated[: min(province.scale.candidates_per_poll, len(members))]
    seats = min(seats, max(1, len(candidates) - 1))
    still_open = year == last_year and kind == PollKind.NEXT_DEPUTY
    entered = len(members) // 2 if still_open else len(members)
    marks = [ballot_marks(s, candidates, seats) for s in range(1, entered + 1)]
    result = None
    if not still_open:
        result = tally.tally(
            rule=spec,
            seats=seats,
            candidates=[tally.CandidateInput(c, names[c]) for c in candidates],
            members=len(members),
            present=len(members),
            ballots=[tally.BallotInput(s, m) for s, m in enumerate(marks, 1)],
            issued=len(members),
        )
    if still_open:
        state = Poll.State.OPEN
    elif year == last_year:
        state = Poll.State.COUNTED
    else:
        state = Poll.State.FINALIZED
    poll = Poll(
        session=session,
        bloc_year_id=session.bloc_year_id,
        kind=kind,
        award_type=award_type,
        seats=seats,
        order=order,
        rule_set=rule_set,
        rule=spec.to_dict(),
        entry_mode=Poll.EntryMode.BALLOTS,
        ballots_issued=len(members),
        state=state,
        frozen_candidates=candidates,
        tally_data=result.to_dict() if result else None,
        opened_at=now,
        counted_at=None if still_open else now,
    )
    return poll, (candidates, marks, result)


def _candidates_and_ballots(polls, plans) -> tuple[list[Candidate], list[Ballot]]:
    """Every poll's candidates and ballots, each ballot marked invalid as its count found it,
    saved."""
    candidate_rows, ballots = [], []
    for poll, (candidates, marks, result) in zip(polls, plans, strict=True):
        candidate_rows += [
            Candidate(poll=poll, agency_id=agency_id, order=index)
            for index, agency_id in enumerate(candidates, 1)
        ]
        verdicts = {v.serial: v for v in result.verdicts} if result else {}
        for serial, mark in enumerate(marks, 1):
            verdict = verdicts.get(serial)
            ballots.append(
                Ballot(
                    poll=poll,
                    serial=serial,
                    marks=list(mark),
                    invalid=bool(verdict and not verdict.valid),
                    invalid_reason=verdict.reason if verdict and not verdict.valid else "",
                )
            )
    Candidate.objects.bulk_create(candidate_rows, batch_size=BATCH)
    Ballot.objects.bulk_create(ballots, batch_size=BATCH)
    return candidate_rows, ballots


def _audit_trail(head_id, polls) -> list[AuditEntry]:
    """The head's created, opened and counted entries for every poll, saved."""
    poll_type = ContentType.objects.get_for_model(Poll)
    entries = [
        AuditEntry(
            actor_id=head_id,
            actor_name="Trưởng khối",
            action=f"awards.poll.{action}",
            content_type=poll_type,
            object_id=str(poll.pk),
            object_repr=poll.award_type.label if poll.award_type else poll.get_kind_display(),
        )
        for poll in polls
        for action in ("created", "opened", "counted")
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
    return entries


def _record_focus(province, sessions, polls) -> None:
    """The focus bloc-year's session, first poll and open poll (if any), for the pages."""
    focus = [poll for poll in polls if poll.bloc_year_id == province.bloc_year_id]
    province.ids["session"] = next(
        s.pk for s in sessions if s.bloc_year_id == province.bloc_year_id
    )
    province.ids["poll"] = focus[0].pk
    open_polls = [poll.pk for poll in focus if poll.state == Poll.State.OPEN]
    if open_polls:
        province.ids["open_poll"] = open_polls[0]

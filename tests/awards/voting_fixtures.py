"""Shared builders for the voting tests: a conference for the cast's bloc-year."""

import datetime

import pytest
from django.utils import timezone

from awards.models import AwardType, Poll
from awards.services import voting


def make_session(bloc_year, actor=None, *, absent=0):
    session = voting.create_session(
        bloc_year,
        held_at=timezone.make_aware(datetime.datetime(2024, 12, 20, 8, 0)),
        place="Hội trường Sở Y tế",
        chair_name="Nguyễn Thị Minh Hằng",
        chair_title="Giám đốc Sở Y tế",
        chair_agency=bloc_year.head,
        secretary_name="Lê Văn Thư",
        secretary_title="Chuyên viên Văn phòng Sở Y tế",
        committee=[
            {"name": "Trần Văn Kiểm", "title": "Phó Giám đốc Sở GDĐT", "role": "Trưởng ban"},
            {"name": "Phạm Thị Phiếu", "title": "Chuyên viên BHXH tỉnh", "role": "Thành viên"},
        ],
        guests=[{"name": "Trần Văn Liên", "title": "Phó Chủ tịch", "organisation": "UBND tỉnh"}],
        agenda="1. Tổng kết công tác thi đua năm 2024.\n2. Bình xét, suy tôn.",
        actor=actor,
    )
    rows = [
        {"agency_id": a.agency_id, "present": index >= absent}
        for index, a in enumerate(session.attendance.order_by("pk"))
    ]
    voting.update_attendance(session, rows, actor=actor)
    return session


def award(code):
    return AwardType.objects.get(code=code)


def open_award_poll(session, code="CO_TINH", *, seats=1, actor=None, mode="ballots", ids=None):
    poll = voting.create_poll(
        session,
        kind="award",
        award_type=award(code),
        seats=seats,
        entry_mode=mode,
        candidate_ids=ids,
        actor=actor,
    )
    return voting.open_poll(poll, actor=actor)


def agency_ids(poll):
    return list(poll.candidates.values_list("agency_id", flat=True))


def members(bloc_year):
    return [m.agency for m in bloc_year.memberships.order_by("agency__sort_name")]


def counted(session, code, votes, *, seats=1, actor=None):
    """An award poll counted from paper totals: `votes` maps agency → votes."""
    poll = open_award_poll(
        session, code, seats=seats, mode="aggregate", ids=[a.pk for a in votes], actor=actor
    )
    present = session.attendance.filter(present=True).count()
    voting.record_aggregate(
        poll,
        issued=present,
        returned=present,
        valid=present,
        invalid=0,
        votes={a.pk: n for a, n in votes.items()},
        actor=actor,
    )
    return voting.count_poll(poll, actor=actor)


@pytest.fixture
def session(bloc_year, bloc_head):
    return make_session(bloc_year, bloc_head)


__all__ = ["Poll", "agency_ids", "award", "make_session", "open_award_poll", "session"]


def matrix_poll(bloc_year):
    """An open award poll with one ballot in the cast's conference (permission-matrix rows)."""
    from awards.models import VotingSession

    session = VotingSession.objects.filter(bloc_year=bloc_year).first() or make_session(bloc_year)
    poll = session.polls.filter(kind="award").first()
    if poll is None:
        poll = open_award_poll(session)
        voting.record_ballot(poll, agency_ids(poll)[:1], actor=None)
    return poll

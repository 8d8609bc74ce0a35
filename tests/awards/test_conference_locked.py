"""Locked stays locked: every write of the conference pages, tried by every role on a finalized
conference and on a counted poll, changes nothing (only staff's explicit reopen unlocks)."""

import hashlib

import pytest
from django.urls import reverse

from awards.models import AggregateEntry, Ballot, Poll, TieResolution, VotingSession
from awards.services import voting
from emulation.documents import read_document
from tests.awards.voting_fixtures import agency_ids, make_session, open_award_poll
from tests.form_tokens import with_token

ROLES = ["staff_client", "head_client", "deputy_client", "member_client", "outsider_client"]


def writes(by, poll, ballot_serial):
    """(name, url, data) for every POST a conference page offers, with plausible data (and the
    one-time token its page would carry, so only the lock can refuse it)."""
    a, b = agency_ids(poll)[:2]
    session_fields = {
        "held_at": "2024-12-20T09:00",
        "place": "Nơi khác",
        "chair_name": "Người khác",
        "guests-TOTAL_FORMS": "0",
        "guests-INITIAL_FORMS": "0",
        "committee-TOTAL_FORMS": "0",
        "committee-INITIAL_FORMS": "0",
    }
    attendance = {
        "att-TOTAL_FORMS": "1",
        "att-INITIAL_FORMS": "1",
        "att-0-agency_id": str(a),
        "att-0-present": "",
    }
    conference = [by.pk]
    one = [by.pk, poll.pk]
    return [
        ("conference_setup", reverse("awards:conference_setup", args=conference), session_fields),
        (
            "conference_attendance",
            reverse("awards:conference_attendance", args=conference),
            attendance,
        ),
        (
            "conference_finalize",
            reverse("awards:conference_finalize", args=conference),
            with_token(),
        ),
        (
            "poll_add",
            reverse("awards:poll_add", args=conference),
            {"kind": "next_head", "seats": "1", "entry_mode": "ballots"},
        ),
        (
            "poll_edit",
            reverse("awards:poll_edit", args=one),
            {"seats": "2", "entry_mode": "aggregate", "candidates": [str(a), str(b)]},
        ),
        ("poll_delete", reverse("awards:poll_delete", args=one), {}),
        ("poll_open", reverse("awards:poll_open", args=one), {}),
        ("poll_count", reverse("awards:poll_count", args=one), {}),
        ("poll_tie", reverse("awards:poll_tie", args=one), {"method": "runoff"}),
        (
            "poll_ballots",
            reverse("awards:poll_ballots", args=one),
            with_token({"marks": [str(a)]}),
        ),
        (
            "ballot_edit",
            reverse("awards:ballot_edit", args=[by.pk, poll.pk, ballot_serial]),
            {"marks": [str(b)]},
        ),
        (
            "poll_aggregate",
            reverse("awards:poll_aggregate", args=one),
            {"issued": "5", "returned": "5", "valid": "5", "invalid": "0", f"votes_{a}": "5"},
        ),
    ]


def state(session) -> dict:
    """Everything a write could change, read straight from the database."""
    session = VotingSession.objects.get(pk=session.pk)
    documents = {}
    for field in ("count_minutes", "conference_minutes"):
        document = getattr(session, field)
        if document is not None:
            documents[field] = (
                document.number,
                document.sha256,
                document.voided_at,
                hashlib.sha256(read_document(document)).hexdigest(),
            )
    return {
        "session": (session.state, session.place, session.chair_name, session.updated_at),
        "attendance": list(session.attendance.order_by("pk").values_list("present", flat=True)),
        "polls": list(
            Poll.objects.filter(session=session)
            .order_by("pk")
            .values_list("pk", "state", "seats", "entry_mode", "tally_data", "counted_at")
        ),
        "candidates": [
            list(p.candidates.values_list("agency_id", flat=True))
            for p in session.polls.order_by("pk")
        ],
        "ballots": list(
            Ballot.objects.filter(poll__session=session)
            .order_by("pk")
            .values_list("marks", "invalid")
        ),
        "aggregates": AggregateEntry.objects.filter(poll__session=session).count(),
        "ties": TieResolution.objects.filter(poll__session=session).count(),
        "documents": documents,
    }


@pytest.fixture
def counted(bloc_year, bloc_head):
    """A draft conference with one counted poll (a tie, so poll_tie has something to try)."""
    session = make_session(bloc_year, bloc_head)
    poll = open_award_poll(session, seats=1, actor=bloc_head)
    a, b = agency_ids(poll)[:2]
    for marks in ([a], [a], [b], [b], []):
        voting.record_ballot(poll, marks, actor=bloc_head)
    voting.count_poll(poll, actor=bloc_head)
    return session, poll


@pytest.fixture
def finalized(bloc_year, bloc_head):
    session = make_session(bloc_year, bloc_head)
    poll = open_award_poll(session, actor=bloc_head)
    a = agency_ids(poll)[0]
    for _ in range(4):
        voting.record_ballot(poll, [a], actor=bloc_head)
    voting.count_poll(poll, actor=bloc_head)
    voting.finalize_session(session, actor=bloc_head)
    return session, poll


@pytest.mark.parametrize("client_name", ROLES)
@pytest.mark.parametrize("locked", ["finalized", "counted"])
def test_no_write_changes_a_locked_conference_or_poll(request, bloc_year, client_name, locked):
    session, poll = request.getfixturevalue(locked)
    client = request.getfixturevalue(client_name)
    serial = poll.ballots.values_list("serial", flat=True).first()
    for name, url, data in writes(bloc_year, poll, serial):
        if locked == "counted" and name in {
            "conference_setup",
            "conference_attendance",
            "conference_finalize",
            "poll_add",
            "poll_tie",
        }:
            continue  # the conference itself is still open: these are allowed there
        before = state(session)
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400, 403, 404), name
        assert state(session) == before, f"{client_name} changed a {locked} thing with {name}"


@pytest.mark.parametrize("client_name", ROLES[1:])
def test_only_staff_may_reopen_a_finalized_conference(request, finalized, bloc_year, client_name):
    session, _poll = finalized
    client = request.getfixturevalue(client_name)
    before = state(session)
    response = client.post(
        reverse("awards:conference_reopen", args=[bloc_year.pk]), {"reason": "Sửa biên bản"}
    )
    assert response.status_code in (403, 404)
    assert state(session) == before


def test_staff_reopen_unlocks_with_a_reason(finalized, bloc_year, staff_client):
    session, _poll = finalized
    staff_client.post(reverse("awards:conference_reopen", args=[bloc_year.pk]), {"reason": "Sửa"})
    session.refresh_from_db()
    assert session.state == "draft"
    assert session.polls.get().state == "counted"

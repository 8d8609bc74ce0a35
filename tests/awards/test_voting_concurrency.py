"""Two people entering ballots for the same poll at once lose and duplicate nothing (PostgreSQL)."""

import datetime
import threading

import pytest
from django.db import connection, connections

from awards.models import AwardType, Ballot, RuleSet
from awards.services import voting
from tests.awards.voting_fixtures import agency_ids, make_session, open_award_poll
from tests.factories import bloc_year_with_members

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update needs PostgreSQL")


@pytest.fixture(autouse=True)
def seeded_rules(postgresql_only):
    """Transactional tests flush the tables, data migrations included: put back what we use."""
    AwardType.objects.get_or_create(
        code="CO_TINH",
        defaults={
            "legal_name": "Cờ thi đua của Ủy ban nhân dân tỉnh",
            "label": "Cờ thi đua của UBND tỉnh",
            "kind": "title",
            "recipient": "collective",
            "deciding_level": "province_chairman",
        },
    )
    RuleSet.objects.get_or_create(
        poll_kind="award",
        award_type=None,
        effective_from=datetime.date(2024, 1, 1),
        defaults={
            "base": "all_members",
            "comparator": "gt",
            "threshold_numerator": 1,
            "threshold_denominator": 2,
            "quorum_numerator": 2,
            "quorum_denominator": 3,
            "tie_rule": "runoff",
        },
    )


def test_two_threads_entering_ballots_at_once_get_every_serial_exactly_once():
    bloc_year = bloc_year_with_members(16)
    session = make_session(bloc_year)
    poll = open_award_poll(session, seats=2)
    marks = agency_ids(poll)[:2]
    errors = []
    barrier = threading.Barrier(2)

    def enter(count):
        try:
            barrier.wait()
            for _ in range(count):
                voting.record_ballot(poll, marks, actor=None)
        except Exception as error:  # reported below; a thread must not die silently
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enter, args=(8,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    serials = sorted(Ballot.objects.filter(poll=poll).values_list("serial", flat=True))
    assert serials == list(range(1, 17))


def test_the_seventeenth_ballot_from_either_thread_is_refused():
    bloc_year = bloc_year_with_members(16)
    session = make_session(bloc_year)
    poll = open_award_poll(session)
    marks = agency_ids(poll)[:1]
    refused = []
    barrier = threading.Barrier(2)

    def enter():
        try:
            barrier.wait()
            for _ in range(9):
                try:
                    voting.record_ballot(poll, marks, actor=None)
                except Exception as error:
                    refused.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enter) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Ballot.objects.filter(poll=poll).count() == 16
    assert len(refused) == 2
    assert all("Đã nhập đủ 16 phiếu" in str(error) for error in refused)

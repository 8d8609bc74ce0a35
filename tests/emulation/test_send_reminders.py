"""send_reminders: who still has the step to do hears once, N days before the deadline."""

import datetime
import io
import json

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from blocs.models import Deadline, Registration
from emulation.models import Notification
from tests.factories import UserFactory, bloc_year_with_members, covenant_for

TODAY = datetime.date(2024, 3, 1)
# Reads: deadlines, own rows, bloc-years twice, members per kind, registrations, users twice,
# keys already sent; then one savepoint around the inserts.
QUERIES = 12


def run(*args):
    out = io.StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), *args, stdout=out)
    return json.loads(out.getvalue())


def users_of(bloc_year):
    return {
        membership.agency_id: UserFactory(agency=membership.agency, email="x@example.vn")
        for membership in bloc_year.memberships.all()
    }


@pytest.fixture
def bloc(db):
    bloc_year = bloc_year_with_members(3)
    return bloc_year, users_of(bloc_year)


def test_registration_reminds_members_without_a_sent_registration_once(bloc):
    bloc_year, users = bloc
    head, deputy, plain = (m.agency_id for m in bloc_year.memberships.order_by("pk"))
    Registration.objects.create(bloc_year=bloc_year, agency_id=head, status="submitted")
    Registration.objects.create(bloc_year=bloc_year, agency_id=deputy, status="returned")
    Deadline.objects.create(year=2024, kind="registration", due_on=TODAY + datetime.timedelta(7))
    first = run()
    assert first["notified"] == 2 and first["emailed"] == 2
    reminded = set(Notification.objects.values_list("recipient_id", flat=True))
    assert reminded == {users[deputy].pk, users[plain].pk}
    note = Notification.objects.first()
    assert note.text.startswith("Còn 7 ngày đến hạn đăng ký thi đua")
    assert note.url == f"/blocs/bloc-years/{bloc_year.pk}/registrations/mine/"
    assert run()["notified"] == 0
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2


def test_dry_run_sends_nothing(bloc):
    Deadline.objects.create(year=2024, kind="mid_year_review", due_on=TODAY + datetime.timedelta(1))
    summary = run("--dry-run")
    assert summary["dry_run"] and summary["recipients"] == 3 and summary["notified"] == 0
    assert not Notification.objects.exists() and mail.outbox == []


def test_a_blocs_own_date_replaces_the_provinces(bloc):
    bloc_year, users = bloc
    other = bloc_year_with_members(2)
    users_of(other)
    Deadline.objects.create(year=2024, kind="dossier", due_on=TODAY + datetime.timedelta(7))
    Deadline.objects.create(
        year=2024, bloc_year=bloc_year, kind="dossier", due_on=TODAY + datetime.timedelta(3)
    )
    run()
    assert list(Notification.objects.values_list("recipient__agency", flat=True)) == [other.head_id]
    run("--days", "3")
    assert Notification.objects.filter(recipient__agency=bloc_year.head_id).count() == 1


def test_covenant_signing_reminds_the_members_yet_to_sign(bloc):
    bloc_year, users = bloc
    covenant_for(bloc_year, status="open")
    Deadline.objects.create(
        year=2024, kind="covenant_signing", due_on=TODAY + datetime.timedelta(1)
    )
    assert run()["notified"] == 3
    assert Notification.objects.first().url == f"/blocs/bloc-years/{bloc_year.pk}/covenant/"


def test_council_and_other_days_remind_nobody(bloc):
    Deadline.objects.create(year=2024, kind="council", due_on=TODAY + datetime.timedelta(7))
    Deadline.objects.create(year=2024, kind="scoring", due_on=TODAY + datetime.timedelta(5))
    assert run()["reminders"] == 0


@pytest.mark.parametrize("days", ["x", "7,-1", "", "9999999999999999999999"])
def test_bad_days_are_refused_in_vietnamese(db, days):
    with pytest.raises(CommandError, match="--days"):
        run("--days", days)


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "31/12/2024", stdout=io.StringIO())


def _queries_for(blocs, django_assert_max_num_queries, limit):
    """Three kinds over `blocs` blocs of three members, each member with one account."""
    for _n in range(blocs):
        users_of(bloc_year_with_members(3))
    for kind in ("registration", "mid_year_review", "conference"):
        Deadline.objects.create(year=2024, kind=kind, due_on=TODAY + datetime.timedelta(7))
    with django_assert_max_num_queries(limit) as captured:
        summary = run()
    assert summary["notified"] == blocs * (3 + 3 + 1)
    # Rows go in by batches of the database's parameter limit: counted apart.
    return [
        query["sql"].split()[0]
        for query in captured.captured_queries
        if "INSERT" not in query["sql"]
    ]


@pytest.mark.parametrize("blocs", [2, 20])
def test_queries_do_not_grow_with_the_blocs(db, blocs, django_assert_max_num_queries):
    """The same statements for 2 and 20 blocs: one batch per kind, none per bloc or per user."""
    assert len(_queries_for(blocs, django_assert_max_num_queries, 16)) == QUERIES

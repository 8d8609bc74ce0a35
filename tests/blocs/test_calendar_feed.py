"""Each user's deadlines as an .ics feed: a secret address, revoked by a password change."""

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from blocs.calendar_feed import feed_token
from blocs.services import calendar as services


@pytest.fixture(autouse=True)
def in_2024(monkeypatch):
    """The cast's bloc-year is 2024; the feed covers the year before and after today's."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: datetime.date(2024, 6, 1))


def _feed_url(user):
    return reverse("calendar_feed", args=[user.pk, feed_token(user)])


def _events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_a_member_subscribes_without_signing_in_and_sees_its_blocs_dates(
    bloc_year, member, province_staff
):
    services.set_province_deadline(
        2024, "dossier", due_on=datetime.date(2024, 12, 10), actor=province_staff
    )
    services.set_province_deadline(
        2024,
        "conference",
        starts_on=datetime.date(2024, 12, 1),
        due_on=datetime.date(2024, 12, 20),
        actor=province_staff,
    )
    services.set_bloc_deadline(
        bloc_year, "dossier", due_on=datetime.date(2024, 12, 5), note="Nộp bản giấy", actor=None
    )
    response = Client().get(_feed_url(member))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response)
    dossier = events[f"Nộp hồ sơ đề nghị khen thưởng · {bloc_year.bloc.name}"]
    assert dossier.decoded("dtstart") == datetime.date(2024, 12, 5)
    assert str(dossier["description"]) == "Nộp bản giấy"
    conference = next(event for name, event in events.items() if name.startswith("Hội nghị"))
    assert conference.decoded("dtstart") == datetime.date(2024, 12, 1)
    assert conference.decoded("dtend") == datetime.date(2024, 12, 21)
    # The province's dossier date is replaced by the bloc's for this member's only bloc.
    assert sum(name.startswith("Nộp hồ sơ") for name in events) == 1


def test_the_uids_stay_the_same_so_apps_update_rather_than_duplicate(member, province_staff):
    services.set_province_deadline(
        2024, "council", due_on=datetime.date(2024, 12, 28), actor=province_staff
    )
    first = _events(Client().get(_feed_url(member)))
    second = _events(Client().get(_feed_url(member)))
    assert [str(e["uid"]) for e in first.values()] == [str(e["uid"]) for e in second.values()]


def test_a_wrong_token_another_users_token_or_an_inactive_account_is_not_found(member, bloc_head):
    client = Client()
    assert client.get(reverse("calendar_feed", args=[member.pk, "0" * 40])).status_code == 404
    wrong = reverse("calendar_feed", args=[member.pk, feed_token(bloc_head)])
    assert client.get(wrong).status_code == 404
    url = _feed_url(member)
    member.is_active = False
    member.save()
    assert client.get(url).status_code == 404


def test_changing_the_password_ends_the_old_address(member):
    old = _feed_url(member)
    member.set_password("mat-khau-moi-7731")
    member.save()
    assert Client().get(old).status_code == 404
    assert Client().get(_feed_url(member)).status_code == 200


def test_the_home_page_gives_the_users_own_address(member_client, member):
    page = member_client.get(reverse("home")).content.decode()
    assert _feed_url(member) in page


def test_hostile_text_in_a_note_is_escaped_by_the_format(bloc_year, member):
    services.set_bloc_deadline(
        bloc_year,
        "scoring",
        due_on=datetime.date(2024, 11, 1),
        note="a;b,c\\d\nEND:VCALENDAR",
        actor=None,
    )
    response = Client().get(_feed_url(member))
    assert response.content.split(b"\r\n").count(b"END:VCALENDAR") == 1
    event = next(iter(_events(response).values()))
    assert str(event["description"]) == "a;b,c\\d END:VCALENDAR"  # one line, as stored

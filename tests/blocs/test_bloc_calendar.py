"""A bloc's own dates within the province's, on the bloc's calendar page and its panel."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from blocs.models import Covenant, Deadline
from blocs.services import calendar as services
from blocs.services.covenants import set_registration_deadline
from emulation.models import AuditEntry
from tests.factories import covenant_for
from tests.queries import assert_max_queries


def _url(bloc_year):
    return reverse("blocs:bloc_calendar", args=[bloc_year.pk])


@pytest.fixture
def province_dates(bloc_year, province_staff):
    for kind, day in (("registration", "2024-01-31"), ("scoring", "2024-11-15")):
        services.set_province_deadline(
            2024, kind, due_on=datetime.date.fromisoformat(day), actor=province_staff
        )


def test_the_head_sets_a_bloc_date_before_the_provinces_and_it_is_audited(
    bloc_year, head_client, province_dates
):
    response = head_client.post(_url(bloc_year), {"scoring": "05/11/2024"})
    assert response.status_code == 302
    own = Deadline.objects.get(bloc_year=bloc_year, kind="scoring")
    assert own.due_on == datetime.date(2024, 11, 5) and own.year == 2024
    entry = AuditEntry.objects.get(action="blocs.deadline.created", object_id=str(own.pk))
    assert entry.data["bloc"] == str(bloc_year)
    page = head_client.get(_url(bloc_year)).content.decode()
    assert "05/11/2024" in page and "15/11/2024" in page


def test_a_bloc_date_later_than_the_provinces_is_refused_naming_both(
    bloc_year, head_client, province_dates
):
    response = head_client.post(_url(bloc_year), {"scoring": "20/11/2024"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "20/11/2024" in text and "15/11/2024" in text and "không được muộn hơn" in text
    assert not Deadline.objects.filter(bloc_year__isnull=False).exists()


def test_one_bad_date_saves_none_of_the_others(bloc_year, head_client, province_dates):
    head_client.post(_url(bloc_year), {"scoring": "20/11/2024", "council": "01/12/2024"})
    assert not Deadline.objects.filter(bloc_year__isnull=False).exists()


def test_the_registration_deadline_is_capped_by_the_provinces_too(
    bloc_year, bloc_head, province_dates
):
    covenant = covenant_for(bloc_year, status="draft", actor=bloc_head)
    with pytest.raises(ValidationError) as refused:
        set_registration_deadline(covenant, datetime.date(2024, 2, 10), actor=bloc_head)
    assert "31/01/2024" in " ".join(refused.value.messages)
    set_registration_deadline(covenant, datetime.date(2024, 1, 20), actor=bloc_head)
    assert Covenant.objects.get(pk=covenant.pk).registration_deadline.day == 20


def test_registration_is_not_a_bloc_calendar_kind(bloc_year, bloc_head):
    with pytest.raises(ValidationError):
        services.set_bloc_deadline(
            bloc_year, "registration", due_on=datetime.date(2024, 1, 1), actor=bloc_head
        )


def test_members_read_the_calendar_but_cannot_change_it(bloc_year, member_client, province_dates):
    page = member_client.get(_url(bloc_year))
    assert page.status_code == 200
    assert 'data-testid="bloc-calendar-form"' not in page.content.decode()
    assert member_client.post(_url(bloc_year), {"scoring": "01/11/2024"}).status_code == 403
    assert not Deadline.objects.filter(bloc_year__isnull=False).exists()


@pytest.mark.parametrize("value", ["\x00", "<script>", "9" * 40, "31/02/2024", "２０２４"])
def test_hostile_dates_are_refused_in_vietnamese(bloc_year, head_client, value):
    response = head_client.post(_url(bloc_year), {"scoring": value})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    assert not Deadline.objects.filter(bloc_year__isnull=False).exists()


def test_the_bloc_page_shows_the_coming_dates_with_a_link(bloc_year, head_client, province_dates):
    page = head_client.get(reverse("blocs:bloc_year_detail", args=[bloc_year.pk]))
    assert 'data-testid="calendar-panel"' in page.content.decode()
    assert _url(bloc_year) in page.content.decode()


def test_the_page_costs_a_fixed_number_of_queries(bloc_year, head_client, province_dates):
    head_client.post(_url(bloc_year), {"scoring": "05/11/2024"})
    with assert_max_queries(14):
        head_client.get(_url(bloc_year))


@settings(max_examples=40, deadline=None)
@given(
    province=st.dates(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
    bloc=st.dates(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
)
def test_a_bloc_date_is_accepted_exactly_when_it_is_not_after_the_provinces(province, bloc):
    from unittest import mock

    with mock.patch.object(services, "province_due_on", return_value=province):
        if bloc <= province:
            services.check_within_province(2024, "scoring", bloc, field="scoring")
        else:
            with pytest.raises(ValidationError):
                services.check_within_province(2024, "scoring", bloc, field="scoring")

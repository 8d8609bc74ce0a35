"""Province staff set the year's deadlines on one page; every change is audited."""

import datetime

from django.urls import reverse

from blocs.models import Deadline
from emulation.models import AuditEntry
from tests.queries import assert_max_queries

URL = reverse("blocs:calendar")


def _post(client, year=2025, **dates):
    return client.post(f"{URL}?year={year}", dates)


def test_staff_set_dates_in_dd_mm_yyyy_and_an_empty_box_removes_one(staff_client):
    response = _post(
        staff_client,
        registration="31/01/2025",
        dossier="10/12/2025",
        conference_starts_on="01/12/2025",
        conference="20/12/2025",
    )
    assert response.status_code == 302
    rows = {d.kind: d for d in Deadline.objects.filter(year=2025, bloc_year__isnull=True)}
    assert rows["registration"].due_on == datetime.date(2025, 1, 31)
    assert rows["conference"].starts_on == datetime.date(2025, 12, 1)
    assert set(rows) == {"registration", "dossier", "conference"}
    assert AuditEntry.objects.filter(action="blocs.deadline.created").count() == 3
    page = staff_client.get(f"{URL}?year=2025").content.decode()
    assert 'value="31/01/2025"' in page
    _post(staff_client, registration="15/02/2025")
    rows = {d.kind: d for d in Deadline.objects.filter(year=2025, bloc_year__isnull=True)}
    assert set(rows) == {"registration"} and rows["registration"].due_on.day == 15
    assert AuditEntry.objects.filter(action="blocs.deadline.removed").count() == 2


def test_a_window_in_the_wrong_order_or_a_bad_date_saves_nothing_and_says_why(staff_client):
    response = _post(staff_client, conference_starts_on="21/12/2025", conference="20/12/2025")
    assert response.status_code == 200
    assert "Ngày bắt đầu phải trước hoặc bằng hạn." in response.content.decode()
    response = _post(staff_client, registration="31/02/2025", dossier="10/12/2025")
    assert "không có ngày 31" in response.content.decode()
    assert not Deadline.objects.exists()


def test_hostile_input_is_refused_without_a_500(staff_client):
    for value in ("\x00", "<script>", "9" * 40, "2025-13-45"):
        assert _post(staff_client, registration=value).status_code == 200
    assert staff_client.get(f"{URL}?year=-1").status_code == 200
    assert not Deadline.objects.exists()


def test_only_staff_may_set_the_calendar(head_client, member_client):
    assert _post(head_client, registration="31/01/2025").status_code == 403
    assert _post(member_client, registration="31/01/2025").status_code == 403
    assert not Deadline.objects.exists()


def test_the_page_costs_a_fixed_number_of_queries(staff_client):
    _post(staff_client, registration="31/01/2025", dossier="10/12/2025")
    with assert_max_queries(8):
        staff_client.get(f"{URL}?year=2025")

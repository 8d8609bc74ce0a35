"""The home page: each role's to-dos, unread notifications, coming dates and blocs, in budget."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from blocs.models import Deadline, Registration
from emulation.models import Notification
from tests.queries import assert_max_queries

pytestmark = pytest.mark.django_db

HOME_BUDGET = 25


@pytest.mark.parametrize(
    "client_name", ["staff_client", "head_client", "deputy_client", "member_client"]
)
def test_every_role_gets_a_page_within_the_query_budget(request, client_name):
    client = request.getfixturevalue(client_name)
    with assert_max_queries(HOME_BUDGET):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Việc cần làm" in response.content.decode()


def test_staff_get_the_year_overview_link(staff_client):
    assert reverse("blocs:year_overview") in staff_client.get(reverse("home")).content.decode()


def test_a_member_sees_its_returned_registration_and_unread_notice(
    member_client, member, bloc_year
):
    Registration.objects.create(
        bloc_year=bloc_year,
        agency=member.agency,
        status=Registration.Status.RETURNED,
        return_reason="<b>bổ sung</b>",
    )
    Notification.objects.create(recipient=member, kind="t", text="Đăng ký bị trả lại", url="/")
    content = member_client.get(reverse("home")).content.decode()
    assert "bị trả lại: &lt;b&gt;bổ sung&lt;/b&gt;" in content
    assert "Đăng ký bị trả lại" in content
    assert reverse("blocs:bloc_year_detail", args=[bloc_year.pk]) in content


def test_coming_and_overdue_dates(member_client):
    today = timezone.localdate()
    Deadline.objects.create(
        year=today.year, kind=Deadline.Kind.DOSSIER, due_on=today + datetime.timedelta(days=3)
    )
    content = member_client.get(reverse("home")).content.decode()
    assert "còn 3 ngày" in content
    if today.month > 1 or today.day > 1:
        Deadline.objects.create(
            year=today.year, kind=Deadline.Kind.SCORING, due_on=today - datetime.timedelta(days=1)
        )
        content = member_client.get(reverse("home")).content.decode()
        assert "deadline-overdue" in content


def test_a_user_without_a_bloc_is_told_whom_to_ask(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert "chưa gắn với đơn vị" in client.get(reverse("home")).content.decode()

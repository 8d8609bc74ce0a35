"""The signed-in user arrives with the unread badge counted in the same query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emulation.backends import PortalBackend
from emulation.models import Notification


def _notify(user, count, *, read=False):
    from django.utils import timezone

    Notification.objects.bulk_create(
        Notification(
            recipient=user, kind="test", text=f"Tin {n}", read_at=timezone.now() if read else None
        )
        for n in range(count)
    )


def test_the_user_is_loaded_with_the_number_of_unread_notifications(member):
    _notify(member, 3)
    _notify(member, 2, read=True)
    assert PortalBackend().get_user(member.pk).unread_notification_count == 3
    assert PortalBackend().get_user(10**9) is None


def test_the_badge_costs_no_query_of_its_own(member_client, member, bloc_year):
    _notify(member, 4)
    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(reverse("blocs:bloc_year_detail", args=[bloc_year.pk]))
    assert response.context["unread_notifications"] == 4
    counting = [q["sql"] for q in queries if "emulation_notification" in q["sql"]]
    assert len(counting) == 1 and '"emulation_user"' in counting[0]  # the user's own query

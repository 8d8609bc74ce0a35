"""The calendar pages and feed (tests/blocs/test_calendar_views.py, test_calendar_feed.py)."""

from django.urls import reverse

from tests.matrix_rows._helpers import bloc_year_readers, everyone, staff_only


def _members_feed(by):
    """The cast member's own feed address: its token is the key, whoever asks."""
    from blocs.calendar_feed import feed_token
    from emulation.models import User

    member = User.objects.get(username="thanhvien")
    return reverse("calendar_feed", args=[member.pk, feed_token(member)])


ROWS = [
    ("calendar", lambda by: reverse("blocs:calendar"), staff_only()),
    (
        "bloc_calendar",
        lambda by: reverse("blocs:bloc_calendar", args=[by.pk]),
        bloc_year_readers(),
    ),
    ("calendar_feed", _members_feed, everyone(200, anonymous=200)),
]

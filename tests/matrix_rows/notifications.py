"""Permission rows for the notification pages: every signed-in user has their own, observers and
outsiders included."""

from django.urls import reverse

from tests.matrix_rows._helpers import ALLOWED, everyone

ROWS = [
    ("notification_list", lambda by: reverse("notification_list"), everyone(200)),
    ("notification_preferences", lambda by: reverse("notification_preferences"), everyone(200)),
]


def _members_notification_url(by):
    """A notification of the cast's member: only its recipient may open it."""
    from emulation.models import Notification, User

    member = User.objects.get(username="thanhvien")
    notification = Notification.objects.create(recipient=member, kind="t", text="Tin", url="/")
    return reverse("notification_open", args=[notification.pk])


POST_ROWS = [
    (
        "notification_open",
        _members_notification_url,
        {**everyone(404), "member": ALLOWED},
    ),
    ("notification_read_all", lambda by: reverse("notification_read_all"), everyone(ALLOWED)),
]

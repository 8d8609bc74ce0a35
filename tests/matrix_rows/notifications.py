"""Permission rows for the notification pages: every signed-in user has their own."""

from django.urls import reverse

from tests.matrix_rows._helpers import everyone

ROWS = [
    ("notification_list", lambda by: reverse("notification_list"), everyone(200)),
    ("notification_preferences", lambda by: reverse("notification_preferences"), everyone(200)),
]
POST_ONLY = ["notification_open", "notification_read_all"]

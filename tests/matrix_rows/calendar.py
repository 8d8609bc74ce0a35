"""The province calendar page (tests/blocs/test_calendar_views.py)."""

from django.urls import reverse

from tests.matrix_rows._helpers import staff_only

ROWS = [("calendar", lambda by: reverse("blocs:calendar"), staff_only())]

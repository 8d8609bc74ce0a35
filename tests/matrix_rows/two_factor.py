"""The second-factor pages (tests/emulation/test_two_factor.py): each user's own."""

from django.urls import reverse

from tests.matrix_rows._helpers import ALLOWED, everyone

ROWS = [
    ("two_factor", lambda by: reverse("two_factor"), everyone(200)),
    # Without a password step waiting, or a device, the code page sends the user on.
    ("login_code", lambda by: reverse("login_code"), everyone(302)),
]

POST_ROWS = [("two_factor_off", lambda by: reverse("two_factor_off"), everyone(ALLOWED))]

"""Account pages (staff only) and the public password pages (everyone, signed in or not)."""

from django.urls import reverse

from tests.matrix_rows._helpers import everyone, staff_only


def _account_url(name):
    def build(by):
        from tests.factories import UserFactory

        user = UserFactory(username=f"matrix-{name}", agency=by.head)
        return reverse(f"blocs:{name}", args=[user.pk])

    return build


ROWS = [
    ("account_list", lambda by: reverse("blocs:account_list"), staff_only()),
    ("account_create", lambda by: reverse("blocs:account_create"), staff_only()),
    ("account_detail", _account_url("account_detail"), staff_only()),
    ("account_edit", _account_url("account_edit"), staff_only()),
    ("account_import", lambda by: reverse("blocs:account_import"), staff_only()),
    ("account_import_template", lambda by: reverse("blocs:account_import_template"), staff_only()),
    # Public: a signed-in user may also ask for a reset or open a link (200 for everyone).
    ("password_reset", lambda by: reverse("password_reset"), everyone(200, anonymous=200)),
    (
        "password_reset_done",
        lambda by: reverse("password_reset_done"),
        everyone(200, anonymous=200),
    ),
    (
        "password_reset_confirm",
        lambda by: reverse("password_reset_confirm", args=["MQ", "bad-token"]),
        everyone(200, anonymous=200),
    ),
    (
        "password_reset_complete",
        lambda by: reverse("password_reset_complete"),
        everyone(200, anonymous=200),
    ),
]

# POST-only names (forms on the account and bloc-year pages): tests/blocs/test_accounts_views.py.
POST_ONLY = [
    "account_set_active",
    "account_password_link",
    "account_password_email",
    "account_links_email",
    "account_import_commit",
    "account_import_cancel",
    "bloc_year_observer_add",
    "bloc_year_observer_remove",
    "bloc_year_liaison_user",
]

"""Account pages (staff only) and the public password pages (everyone, signed in or not)."""

from django.urls import reverse

from tests.matrix_rows._helpers import everyone, post_for, post_staff_only, staff_only


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


def _observer_remove_url(by):
    """The cast's observer, whom staff may remove."""
    observer = by.observers.get()
    return reverse("blocs:bloc_year_observer_remove", args=[by.pk, observer.pk])


def _in_bloc_year(name):
    return lambda by: reverse(f"blocs:{name}", args=[by.pk])


POST_ROWS = [
    *(
        (name, _account_url(name), post_staff_only())
        for name in ("account_set_active", "account_password_link", "account_password_email")
    ),
    *(
        (name, lambda by, name=name: reverse(f"blocs:{name}"), post_staff_only())
        for name in ("account_links_email", "account_import_commit", "account_import_cancel")
    ),
    # the readers of a bloc-year: structure, so province staff only
    ("bloc_year_observer_add", _in_bloc_year("bloc_year_observer_add"), post_for("staff")),
    ("bloc_year_observer_remove", _observer_remove_url, post_for("staff")),
    ("bloc_year_liaison_user", _in_bloc_year("bloc_year_liaison_user"), post_for("staff")),
]

"""Permission rows for the confirmation pages and the council sheet (issue 15, helper D)."""

from django.urls import reverse

from tests.matrix_rows._helpers import ROLES, staff_only


def finalizers():
    """Staff and the head: who may finalize, issue and submit (not the deputy)."""
    return {
        **dict.fromkeys(ROLES, 403),
        "staff": 200,
        "head": 200,
        "outsider": 404,
        "anonymous": 302,
    }


def runners():
    return {**finalizers(), "deputy": 200}


def _covenant_url(name, status):
    def build(by):
        from tests.test_permissions import covenant_in

        return reverse(name, args=[covenant_in(by, status).bloc_year_id])

    return build


def _finalize_url(by):
    from tests.test_permissions import open_poll

    return reverse("awards:conference_finalize_confirm", args=[open_poll(by).bloc_year_id])


ROWS = [
    ("covenant_open_confirm", _covenant_url("blocs:covenant_open_confirm", "draft"), runners()),
    (
        "covenant_issue_confirm",
        _covenant_url("blocs:covenant_issue_confirm", "signed"),
        finalizers(),
    ),
    ("conference_finalize_confirm", _finalize_url, finalizers()),
    (
        "proposals_submit_confirm",
        lambda by: reverse("awards:proposals_submit_confirm", args=[by.pk]),
        finalizers(),
    ),
    (
        "council_list_issue_confirm",
        lambda by: reverse("awards:council_list_issue_confirm") + f"?year={by.year}",
        staff_only(),
    ),
    (
        "council_results",
        lambda by: reverse("awards:council_results") + f"?year={by.year}",
        staff_only(),
    ),
]

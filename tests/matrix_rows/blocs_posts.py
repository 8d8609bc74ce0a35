"""POST-only URLs of the blocs app: covenants, registrations, structure, Excel imports.

The feature tests (tests/blocs/test_covenant_views.py, test_bloc_year_views.py,
test_agency_history.py, test_transfer_views.py) check what each action does; these rows check
only who passes the gate.
"""

import datetime

from django.urls import reverse

from tests.matrix_rows._helpers import (
    FINALIZERS,
    RUNNERS,
    STRUCTURE,
    post_for,
    post_staff_only,
)

MERGING_MEMBER = "Bảo hiểm xã hội tỉnh"


def _in_bloc_year(name, *extra, covenant=None):
    """URL of a bloc-year action; `covenant` names the state the covenant must be in first,
    `extra` build the further URL arguments from the bloc-year."""

    def build(by):
        from tests.test_permissions import covenant_in

        if covenant is not None:
            covenant_in(by, covenant)
        return reverse(f"blocs:{name}", args=[by.pk, *(arg(by) for arg in extra)])

    return build


def _registration(by):
    from tests.test_permissions import registration_pk

    return registration_pk(by)


def _membership(by):
    return by.memberships.get(agency__name=MERGING_MEMBER).pk


def _membership_flag(by):
    """A merger recorded while the year is open leaves a flag on the member's membership."""
    from blocs.models import MembershipFlag
    from blocs.services import structure
    from tests.factories import AgencyFactory

    gone = by.memberships.get(agency__name=MERGING_MEMBER).agency
    structure.merge_agency(
        gone,
        into=AgencyFactory(name="Bảo hiểm xã hội khu vực"),
        effective_on=datetime.date(2024, 10, 1),
        actor=None,
    )
    return MembershipFlag.objects.get(membership__bloc_year=by).pk


def _scheduled_change_url(by):
    """A rename dated ahead, which staff may still cancel."""
    from blocs.services import structure
    from tests.factories import AgencyFactory

    agency = AgencyFactory(name="Sở Ngoại vụ")
    structure.rename_agency(
        agency,
        new_name="Sở Ngoại vụ và Hợp tác quốc tế",
        effective_on=datetime.date.today() + datetime.timedelta(days=30),
        actor=None,
    )
    return reverse("blocs:agency_change_cancel", args=[agency.pk, agency.changes.get().pk])


POST_ROWS = [
    # covenants and registrations
    ("covenant_create", _in_bloc_year("covenant_create"), post_for(*RUNNERS)),
    ("covenant_open", _in_bloc_year("covenant_open", covenant="draft"), post_for(*RUNNERS)),
    ("covenant_reopen", _in_bloc_year("covenant_reopen", covenant="open"), post_for("staff")),
    # A draft cannot be issued: the allowed roles get the refusal message, which is enough here.
    ("covenant_issue", _in_bloc_year("covenant_issue", covenant="draft"), post_for(*FINALIZERS)),
    ("covenant_deadline", _in_bloc_year("covenant_deadline", covenant="open"), post_for(*RUNNERS)),
    (
        "registration_submit",
        _in_bloc_year("registration_submit", _registration),
        post_for(*RUNNERS, "member"),
    ),
    *(
        (name, _in_bloc_year(name, _registration), post_for(*RUNNERS))
        for name in ("registration_accept", "registration_return")
    ),
    # structure
    ("bloc_create", lambda by: reverse("blocs:bloc_create"), post_staff_only()),
    (
        "bloc_set_active",
        lambda by: reverse("blocs:bloc_set_active", args=[by.bloc_id]),
        post_staff_only(),
    ),
    ("bloc_year_create", lambda by: reverse("blocs:bloc_year_create"), post_staff_only()),
    (
        "rollover_apply",
        lambda by: reverse("blocs:rollover_apply", args=[by.year]),
        post_staff_only(),
    ),
    ("member_add", _in_bloc_year("member_add"), post_for(*STRUCTURE)),
    ("member_remove", _in_bloc_year("member_remove", _membership), post_for(*STRUCTURE)),
    ("bloc_year_leaders", _in_bloc_year("bloc_year_leaders"), post_for(*STRUCTURE)),
    # Staff-only before the bloc-year is looked up: an outsider gets 403 like everyone else.
    (
        "membership_flag_resolve",
        _in_bloc_year("membership_flag_resolve", _membership_flag),
        post_staff_only(),
    ),
    ("agency_change_cancel", _scheduled_change_url, post_staff_only()),
    # Excel imports (nothing pending: staff get the message)
    (
        "import_commit",
        lambda by: reverse("blocs:import_commit", args=["agencies"]),
        post_staff_only(),
    ),
    (
        "import_cancel",
        lambda by: reverse("blocs:import_cancel", args=["agencies"]),
        post_staff_only(),
    ),
]

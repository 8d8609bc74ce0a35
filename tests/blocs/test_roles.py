"""Role resolution per bloc-year: who is head, deputy, member, observer, staff or nobody."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from blocs.permissions import (
    RoleName,
    bloc_years_for_user,
    get_bloc_year_for_user,
    role_in_bloc_year,
)
from tests.factories import UserFactory
from tests.queries import assert_max_queries


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_each_cast_member_gets_their_role(
    bloc_year, province_staff, bloc_head, deputy, member, outsider
):
    assert role_in_bloc_year(province_staff, bloc_year).name == RoleName.STAFF
    assert role_in_bloc_year(bloc_head, bloc_year).name == RoleName.HEAD
    assert role_in_bloc_year(deputy, bloc_year).name == RoleName.DEPUTY
    assert role_in_bloc_year(member, bloc_year).name == RoleName.MEMBER
    assert role_in_bloc_year(outsider, bloc_year) is None


def test_an_observer_reads_without_an_agency(bloc_year):
    observer = UserFactory(username="lanhdao")
    bloc_year.observers.add(observer)
    role = role_in_bloc_year(observer, bloc_year)
    assert role.name == RoleName.OBSERVER
    assert not role.can_run_bloc_year
    assert not role.can_act_for_own_agency


def test_a_deactivated_user_has_no_role(bloc_year, bloc_head):
    bloc_head.is_active = False
    bloc_head.save()
    assert role_in_bloc_year(bloc_head, bloc_year) is None


def test_the_head_of_last_year_is_only_a_member_this_year(bloc_year, member):
    """Roles follow the bloc-year, not the agency: heads rotate yearly."""
    bloc_year.head = member.agency
    bloc_year.save()
    assert role_in_bloc_year(member, bloc_year).name == RoleName.HEAD


@pytest.mark.parametrize(
    ("role_name", "run", "finalize", "own_agency", "structure", "reopen", "signatories"),
    [
        (RoleName.STAFF, True, True, False, True, True, True),
        (RoleName.HEAD, True, True, True, False, False, True),
        (RoleName.DEPUTY, True, False, True, False, False, False),
        (RoleName.MEMBER, False, False, True, False, False, False),
        (RoleName.OBSERVER, False, False, False, False, False, False),
    ],
)
def test_capabilities_follow_the_role(
    role_name, run, finalize, own_agency, structure, reopen, signatories
):
    from blocs.permissions import BlocYearRole

    role = BlocYearRole(role_name, None if role_name in ("staff", "observer") else 1)
    assert role.can_run_bloc_year is run
    assert role.can_finalize is finalize
    assert role.can_act_for_own_agency is own_agency
    assert role.can_manage_structure is structure
    assert role.can_reopen is reopen
    assert role.can_edit_signatories is signatories


def test_outsiders_get_404_and_members_lacking_a_right_get_403(bloc_year, outsider, member):
    with pytest.raises(Http404):
        get_bloc_year_for_user(_request(outsider), bloc_year.pk)
    with pytest.raises(PermissionDenied):
        get_bloc_year_for_user(_request(member), bloc_year.pk, capability="can_run_bloc_year")
    found, role = get_bloc_year_for_user(_request(member), bloc_year.pk)
    assert found == bloc_year and role.name == RoleName.MEMBER


def test_a_missing_bloc_year_is_404_for_everyone(province_staff):
    with pytest.raises(Http404):
        get_bloc_year_for_user(_request(province_staff), 999_999)


def test_users_see_only_their_own_bloc_years(
    bloc_year, other_bloc_year, member, outsider, province_staff
):
    assert list(bloc_years_for_user(member)) == [bloc_year]
    assert list(bloc_years_for_user(outsider)) == [other_bloc_year]
    assert set(bloc_years_for_user(province_staff)) == {bloc_year, other_bloc_year}


def test_role_resolution_costs_a_bounded_number_of_queries(bloc_year, member):
    with assert_max_queries(3):
        role_in_bloc_year(member, bloc_year)

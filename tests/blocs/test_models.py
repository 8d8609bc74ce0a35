"""Structure models: the database constraints (SQLite and PostgreSQL), search and sort columns."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from blocs.models import Agency, BlocYear, Membership
from tests.factories import AgencyFactory, BlocFactory, BlocYearFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_database_keeps_an_agency_in_one_bloc_per_year():
    agency = AgencyFactory()
    MembershipFactory(agency=agency, bloc_year=BlocYearFactory(year=2024))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(agency=agency, bloc_year=BlocYearFactory(year=2024))
    Membership.objects.create(agency=agency, bloc_year=BlocYearFactory(year=2025))


def test_membership_copies_its_year_from_the_bloc_year():
    membership = MembershipFactory(bloc_year=BlocYearFactory(year=2023))
    assert membership.year == 2023


def test_the_database_refuses_the_head_as_deputy():
    agency = AgencyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BlocYearFactory(head=agency, deputy=agency)


def test_a_bloc_has_one_term_per_year():
    bloc = BlocFactory()
    BlocYearFactory(bloc=bloc, year=2024)
    with pytest.raises(IntegrityError), transaction.atomic():
        BlocYear.objects.create(bloc=bloc, year=2024)


def test_an_agency_cannot_be_its_own_successor():
    agency = AgencyFactory()
    agency.successor = agency
    with pytest.raises(IntegrityError), transaction.atomic():
        agency.save()


def test_bloc_year_clean_explains_leaders_outside_the_members():
    bloc_year = BlocYearFactory()
    MembershipFactory(bloc_year=bloc_year)
    bloc_year.head = AgencyFactory()
    with pytest.raises(ValidationError, match="Trưởng khối phải là thành viên"):
        bloc_year.clean()


def test_elected_leaders_are_optional_and_separate_from_this_years():
    bloc_year = BlocYearFactory()
    assert bloc_year.next_head is None and bloc_year.next_deputy is None
    agency = AgencyFactory()
    bloc_year.next_head = agency
    bloc_year.save()
    # related_name "+": no reverse accessor clutters Agency.
    assert not hasattr(agency, "next_head_bloc_years")


def test_names_are_stored_in_nfc_with_folded_and_sort_columns():
    agency = AgencyFactory(name=unicodedata.normalize("NFD", "Sở  Y tế "))
    agency.refresh_from_db()
    assert agency.name == "Sở Y tế"
    assert agency.search_name.startswith("so y te")
    assert Agency.objects.search("SO Y TE").get() == agency
    assert Agency.objects.search(unicodedata.normalize("NFD", "Sở Y")).get() == agency
    assert Agency.objects.search("   ").count() == 1


def test_vietnamese_order_puts_d_with_stroke_after_d():
    for name in ("Đài Phát thanh", "Ban Dân tộc", "Sở Y tế", "Dân quân", "Ủy ban MTTQ"):
        AgencyFactory(name=name)
    names = list(Agency.objects.in_vietnamese_order().values_list("name", flat=True))
    assert names == ["Ban Dân tộc", "Dân quân", "Đài Phát thanh", "Sở Y tế", "Ủy ban MTTQ"]


def test_active_in_year_follows_the_dates():
    agency = AgencyFactory(
        established_on=datetime.date(2010, 5, 1), ended_on=datetime.date(2025, 2, 28)
    )
    assert not agency.active_in_year(2009)
    assert agency.active_in_year(2010) and agency.active_in_year(2025)
    assert not agency.active_in_year(2026)


def test_current_successor_follows_a_chain():
    last = AgencyFactory()
    middle = AgencyFactory(status=Agency.Status.MERGED, successor=last)
    first = AgencyFactory(status=Agency.Status.MERGED, successor=middle)
    assert first.current_successor() == last
    assert last.lineage_ids() == {first.pk, middle.pk, last.pk}


@pytest.mark.postgres
def test_constraints_hold_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run with DATABASE_URL=postgres://…")
    agency = AgencyFactory()
    MembershipFactory(agency=agency, bloc_year=BlocYearFactory(year=2024))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(agency=agency, bloc_year=BlocYearFactory(year=2024))
    with pytest.raises(IntegrityError), transaction.atomic():
        BlocYearFactory(head=agency, deputy=agency)
    agency.successor = agency
    with pytest.raises(IntegrityError), transaction.atomic():
        agency.save()


@pytest.mark.parametrize(
    ("value", "unit", "amount"),
    [
        ("1.200", "tỷ đồng", "1.200 tỷ đồng"),
        ("100", "%", "100%"),
        ("01", "", "01"),
        ("", "mô hình", "mô hình"),
        ("", "", ""),
    ],
)
def test_a_target_prints_its_amount_as_vietnamese_writes_it(value, unit, amount):
    from blocs.models import RegistrationTarget

    assert RegistrationTarget(indicator="Doanh thu", value=value, unit=unit).amount == amount

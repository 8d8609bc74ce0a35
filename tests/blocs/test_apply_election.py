"""The conference's election reaches a next year that already exists: preview, confirm, audit;
refused once that year's covenant is open unless province staff confirm."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from blocs.models import BlocYear, Covenant
from blocs.services import structure
from emulation.models import AuditEntry
from portal.bench.measure import capture_queries
from tests.factories import BlocYearFactory, MembershipFactory
from tests.queries import assert_same_queries


@pytest.fixture
def next_year(bloc_year):
    """Year 2025 with the same members, head and deputy as 2024."""
    following = BlocYearFactory(bloc=bloc_year.bloc, year=bloc_year.year + 1)
    for membership in bloc_year.memberships.all():
        MembershipFactory(bloc_year=following, agency=membership.agency)
    following.head, following.deputy = bloc_year.head, bloc_year.deputy
    following.save()
    return following


@pytest.fixture
def elected(bloc_year, bloc_head):
    """2024's conference elected the 3rd and 4th members to lead 2025."""
    members = [m.agency for m in bloc_year.memberships.order_by("agency__sort_name")]
    structure.set_elected_leaders(
        bloc_year, next_head=members[2], next_deputy=members[3], actor=bloc_head
    )
    bloc_year.refresh_from_db()
    return members[2], members[3]


def test_the_plan_shows_what_changes_and_applying_it_is_audited_on_the_next_year(
    bloc_year, next_year, elected, bloc_head
):
    plan = structure.plan_election_carry_over(bloc_year)
    assert plan.target == next_year and plan.changes and not plan.needs_staff
    assert (plan.head, plan.deputy) == elected
    structure.apply_election_to_next_year(bloc_year, actor=bloc_head)
    next_year.refresh_from_db()
    assert (next_year.head, next_year.deputy) == elected
    entry = AuditEntry.objects.filter(action="blocs.bloc_year.election_applied").get()
    assert entry.object_id == str(next_year.pk)
    with pytest.raises(ValidationError, match="đã đúng kết quả bầu"):
        structure.apply_election_to_next_year(bloc_year, actor=bloc_head)


def test_without_a_next_year_nothing_can_be_applied(bloc_year, elected, bloc_head):
    assert structure.plan_election_carry_over(bloc_year).target is None
    with pytest.raises(ValidationError, match="Chưa có năm 2025"):
        structure.apply_election_to_next_year(bloc_year, actor=bloc_head)


def test_an_elected_unit_that_is_not_a_member_next_year_is_kept_out_with_a_note(
    bloc_year, next_year, elected, bloc_head
):
    next_year.memberships.filter(agency=elected[1]).delete()
    plan = structure.plan_election_carry_over(bloc_year)
    assert plan.head == elected[0] and plan.deputy is None
    assert any("không phải thành viên năm 2025" in note for note in plan.notes)


def test_an_open_covenant_next_year_needs_staff_to_confirm(
    bloc_year, next_year, elected, bloc_head, province_staff
):
    Covenant.objects.create(bloc_year=next_year, title="Giao ước 2025", status="open")
    plan = structure.plan_election_carry_over(bloc_year)
    assert plan.needs_staff
    with pytest.raises(ValidationError, match="đã mở ký kết"):
        structure.apply_election_to_next_year(bloc_year, staff_confirmed=True, actor=bloc_head)
    with pytest.raises(ValidationError, match="đã mở ký kết"):
        structure.apply_election_to_next_year(bloc_year, actor=province_staff)
    structure.apply_election_to_next_year(bloc_year, staff_confirmed=True, actor=province_staff)
    assert BlocYear.objects.get(pk=next_year.pk).head == elected[0]


def page(bloc_year):
    return reverse("blocs:bloc_year_apply_election", args=[bloc_year.pk])


def test_the_preview_page_then_the_confirm_step(bloc_year, next_year, elected, head_client):
    html = head_client.get(page(bloc_year)).content.decode()
    assert 'data-testid="election-preview"' in html and elected[0].name in html
    response = head_client.post(page(bloc_year))
    assert response.status_code == 302
    assert response.url == reverse("blocs:bloc_year_detail", args=[next_year.pk])
    next_year.refresh_from_db()
    assert next_year.head == elected[0]


def test_a_refused_confirm_says_why_and_changes_nothing(bloc_year, next_year, elected, head_client):
    Covenant.objects.create(bloc_year=next_year, title="Giao ước 2025", status="open")
    html = head_client.get(page(bloc_year)).content.decode()
    assert "đã mở ký kết" in html and "disabled" in html
    response = head_client.post(page(bloc_year), {"staff_confirmed": "1"}, follow=True)
    assert response.status_code == 400
    assert "đã mở ký kết" in response.content.decode()
    assert BlocYear.objects.get(pk=next_year.pk).head == bloc_year.head


def test_the_preview_page_query_count_is_flat(bloc_year, next_year, elected, head_client):
    head_client.get(page(bloc_year))
    few = capture_queries(head_client.get, page(bloc_year))
    for _ in range(10):
        MembershipFactory(bloc_year=next_year)
    assert_same_queries(capture_queries(head_client.get, page(bloc_year)), few, at_most=25)


def test_the_bloc_year_page_shows_next_years_elected_leaders_and_the_link(
    bloc_year, elected, head_client, member_client
):
    target = reverse("blocs:bloc_year_detail", args=[bloc_year.pk])
    html = head_client.get(target).content.decode()
    assert "Trưởng khối năm 2025 (đã bầu)" in html and elected[0].name in html
    assert 'data-testid="apply-election-link"' in html
    member_html = member_client.get(target).content.decode()
    assert "Phó khối năm 2025 (đã bầu)" in member_html
    assert 'data-testid="apply-election-link"' not in member_html


def test_the_year_switcher_lists_every_year_of_the_users_agency(
    bloc_year, next_year, head_client, staff_client
):
    earlier = BlocYearFactory(year=2023)
    MembershipFactory(bloc_year=earlier, agency=bloc_year.head)
    html = head_client.get(reverse("blocs:bloc_year_detail", args=[bloc_year.pk])).content.decode()
    switcher = html.split('data-testid="year-switcher"')[1].split("</nav>")[0]
    for year in (earlier, bloc_year, next_year):
        assert reverse("blocs:bloc_year_detail", args=[year.pk]) in switcher
    assert earlier.bloc.name in switcher  # another bloc that year is named
    staff_html = staff_client.get(
        reverse("blocs:bloc_year_detail", args=[bloc_year.pk])
    ).content.decode()
    staff_switcher = staff_html.split('data-testid="year-switcher"')[1].split("</nav>")[0]
    assert reverse("blocs:bloc_year_detail", args=[earlier.pk]) not in staff_switcher


def test_the_rollover_preview_points_to_applying_the_election_when_next_year_exists(
    bloc_year, next_year, elected
):
    plan = structure.plan_rollover(bloc_year.year)
    notes = [note for item in plan.blocs for note in item.notes]
    assert any("Áp dụng kết quả bầu" in note for note in notes)


def test_a_unit_merged_later_still_takes_its_seat_next_year(
    bloc_year, next_year, elected, bloc_head, province_staff
):
    """Elected in 2024, member in 2025, merged into another agency from 2026: it leads 2025."""
    import datetime

    from tests.factories import AgencyFactory

    structure.merge_agency(
        elected[0],
        into=AgencyFactory(name="Sở mới sau hợp nhất"),
        effective_on=datetime.date(2026, 1, 1),
        actor=province_staff,
    )
    plan = structure.plan_election_carry_over(bloc_year)
    assert (plan.head, plan.deputy) == elected

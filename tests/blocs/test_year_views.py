"""The year overview (staff landing page), its column registry, blocs management and rollover."""

import pytest
from django.urls import reverse

from blocs import overview
from blocs.models import Bloc, BlocYear, Membership
from blocs.overview import OverviewColumn
from emulation.models import AuditEntry
from portal.bench.measure import capture_queries
from tests.factories import BlocFactory, bloc_year_with_members
from tests.queries import assert_num_queries, assert_same_queries

pytestmark = pytest.mark.django_db

URL = reverse("blocs:year_overview")


def members_column(bloc_years):
    """A test provider: one query for all rows, like a real feature column."""
    ids = [by.pk for by in bloc_years]
    counts = {}
    for bloc_year_id in Membership.objects.filter(bloc_year_id__in=ids).values_list(
        "bloc_year_id", flat=True
    ):
        counts[bloc_year_id] = counts.get(bloc_year_id, 0) + 1
    return OverviewColumn(
        key="test",
        title="Cột thử <b>",
        cells={pk: f"{n} đã ký" for pk, n in counts.items()},
        total=f"Σ {sum(counts.values())}",
    )


def hidden_column(bloc_years):
    return None


@pytest.fixture
def registered_column(monkeypatch):
    with overview.OVERVIEW_COLUMNS.only(members_column, hidden_column):
        yield


def test_it_lists_the_years_blocs_with_leaders_and_totals(staff_client, bloc_year, other_bloc_year):
    response = staff_client.get(URL, {"year": 2024})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Khối thi đua Văn hóa - Xã hội" in html
    assert "Sở Y tế" in html and "Sở Giáo dục và Đào tạo" in html
    assert response.context["member_total"] == 6
    assert f"{reverse('blocs:rollover_preview', args=[2024])}" in html
    assert "Mở năm 2025" in html
    assert reverse("blocs:agency_list") in html and reverse("blocs:bloc_list") in html


@pytest.mark.parametrize("year", ["", "abc", "99999999999", "-1", "<script>"])
def test_without_a_sane_year_it_shows_the_latest(staff_client, bloc_year, year):
    BlocYear.objects.create(bloc=bloc_year.bloc, year=2025)
    response = staff_client.get(URL, {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == 2025


def test_the_export_button_keeps_the_year(staff_client, bloc_year):
    response = staff_client.get(URL, {"year": 2024})
    assert 'data-testid="year-export"' in response.content.decode()
    assert response.context["export_url"].endswith("?year=2024")


def test_registered_columns_render_with_cells_and_total(staff_client, bloc_year, registered_column):
    response = staff_client.get(URL, {"year": 2024})
    html = response.content.decode()
    assert [column.key for column in response.context["columns"]] == ["test"]
    assert "Cột thử &lt;b&gt;" in html
    assert "5 đã ký" in html
    assert "Σ 5" in html


def test_overview_columns_resolves_in_order(monkeypatch, bloc_year):
    with overview.OVERVIEW_COLUMNS.only(members_column, members_column):
        columns = overview.overview_columns([bloc_year])
    assert len(columns) == 2
    assert columns[0].cell(bloc_year.pk) == "5 đã ký"
    assert columns[0].cell(-1) == ""


def _blocs(count, year=2024):
    for _ in range(count):
        bloc_year_with_members(3, year=year)


def test_query_count_is_pinned(staff_client, registered_column):
    _blocs(2)
    # session, user, staff group, bloc-years, years, the registered column's one query.
    with assert_num_queries(6):
        staff_client.get(URL, {"year": 2024})


def test_query_count_does_not_grow_from_2_to_50_blocs(staff_client, registered_column):
    _blocs(2)
    few = capture_queries(staff_client.get, URL, {"year": 2024})
    _blocs(48)
    many = capture_queries(staff_client.get, URL, {"year": 2024})
    assert_same_queries(few, many, at_most=25)


# Blocs management --------------------------------------------------------------------------------


def test_bloc_list_shows_blocs_and_their_years(staff_client, bloc_year):
    response = staff_client.get(reverse("blocs:bloc_list"))
    assert response.status_code == 200
    assert "KTĐVHXH" in response.content.decode()


def test_staff_create_a_bloc(staff_client, province_staff):
    response = staff_client.post(
        reverse("blocs:bloc_create"),
        {"name": "Khối thi đua số 7", "code": "KTĐ7", "kind": "khoi", "description": ""},
    )
    assert response.status_code == 302
    bloc = Bloc.objects.get(code="KTĐ7")
    assert AuditEntry.objects.for_object(bloc).get().actor == province_staff


def test_creating_a_bloc_with_a_taken_code_shows_the_error(staff_client, bloc_year):
    response = staff_client.post(
        reverse("blocs:bloc_create"),
        {"name": "Khối mới", "code": "KTĐVHXH", "kind": "khoi"},
    )
    assert response.status_code == 400
    assert response.context["bloc_form"].errors


def test_staff_deactivate_a_bloc(staff_client, bloc_year):
    response = staff_client.post(reverse("blocs:bloc_set_active", args=[bloc_year.bloc_id]), {})
    assert response.status_code == 302
    assert not Bloc.objects.get(pk=bloc_year.bloc_id).active


def test_staff_open_a_year_for_a_bloc(staff_client, bloc_year):
    response = staff_client.post(
        reverse("blocs:bloc_year_create"), {"bloc": bloc_year.bloc_id, "year": 2026}
    )
    created = BlocYear.objects.get(bloc=bloc_year.bloc, year=2026)
    assert response["Location"] == reverse("blocs:bloc_year_detail", args=[created.pk])


@pytest.mark.parametrize("year", ["", "1999", "2101", "abc"])
def test_opening_a_year_with_a_bad_year_is_refused(staff_client, bloc_year, year):
    response = staff_client.post(
        reverse("blocs:bloc_year_create"), {"bloc": bloc_year.bloc_id, "year": year}
    )
    assert response.status_code == 400
    assert BlocYear.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        ("blocs:bloc_create", [], {"name": "Khối X", "code": "KX", "kind": "khoi"}),
        ("blocs:bloc_set_active", ["bloc"], {}),
        ("blocs:bloc_year_create", [], {"bloc": "bloc", "year": 2026}),
        ("blocs:rollover_apply", [2024], {"year": 2024}),
    ],
)
@pytest.mark.parametrize("role", ["head", "deputy", "member", "outsider"])
def test_staff_only_posts_are_refused_to_everyone_else(
    cast_clients, bloc_year, role, name, args, data
):
    args = [bloc_year.bloc_id if arg == "bloc" else arg for arg in args]
    data = {key: bloc_year.bloc_id if value == "bloc" else value for key, value in data.items()}
    before = (Bloc.objects.count(), BlocYear.objects.count(), AuditEntry.objects.count())
    response = cast_clients[role].post(reverse(name, args=args), data)
    assert response.status_code == 403
    assert before == (Bloc.objects.count(), BlocYear.objects.count(), AuditEntry.objects.count())


@pytest.mark.parametrize("name", ["blocs:bloc_create", "blocs:bloc_year_create"])
def test_staff_only_posts_send_anonymous_users_to_login(anonymous_client, name):
    response = anonymous_client.post(reverse(name), {})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_post_only_urls_refuse_get(staff_client, bloc_year):
    assert staff_client.get(reverse("blocs:bloc_create")).status_code == 405
    assert staff_client.get(reverse("blocs:rollover_apply", args=[2024])).status_code == 405


# Rollover pages ----------------------------------------------------------------------------------


def test_rollover_preview_then_commit(staff_client, bloc_year):
    preview = staff_client.get(reverse("blocs:rollover_preview", args=[2024]))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Mở năm 2025 từ năm 2024" in html
    assert "chưa chọn" in html
    assert not BlocYear.objects.filter(year=2025).exists()
    response = staff_client.post(reverse("blocs:rollover_apply", args=[2024]), {"year": 2024})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?year=2025"
    assert BlocYear.objects.get(year=2025).memberships.count() == 5
    again = staff_client.post(
        reverse("blocs:rollover_apply", args=[2024]), {"year": 2024}, follow=True
    )
    assert "không tạo gì thêm" in again.content.decode()
    assert BlocYear.objects.filter(year=2025).count() == 1


def test_rollover_commit_with_a_mismatched_year_changes_nothing(staff_client, bloc_year):
    response = staff_client.post(reverse("blocs:rollover_apply", args=[2024]), {"year": 2023})
    assert response.status_code == 302
    assert not BlocYear.objects.filter(year=2025).exists()


def test_rollover_preview_query_count_does_not_grow(staff_client):
    _blocs(2)
    few = capture_queries(staff_client.get, reverse("blocs:rollover_preview", args=[2024]))
    _blocs(20)
    many = capture_queries(staff_client.get, reverse("blocs:rollover_preview", args=[2024]))
    assert_same_queries(few, many, at_most=25)


def test_bloc_list_query_count_does_not_grow(staff_client):
    for _ in range(2):
        BlocFactory()
    few = capture_queries(staff_client.get, reverse("blocs:bloc_list"))
    _blocs(20)
    many = capture_queries(staff_client.get, reverse("blocs:bloc_list"))
    assert_same_queries(few, many, at_most=25)


def test_with_every_registered_column_the_overview_stays_within_budget(staff_client):
    """The real page, with whatever columns other features registered: flat and ≤ 25 queries."""
    _blocs(2)
    few = capture_queries(staff_client.get, URL, {"year": 2024})
    _blocs(48)
    response = staff_client.get(URL, {"year": 2024})
    assert len(response.context["rows"]) == 50
    many = capture_queries(staff_client.get, URL, {"year": 2024})
    assert_same_queries(few, many, at_most=25)


def test_bloc_list_links_the_newest_year_and_gives_the_span(staff_client, bloc_year):
    from tests.factories import BlocYearFactory

    BlocYearFactory(bloc=bloc_year.bloc, year=2022)
    newest = BlocYearFactory(bloc=bloc_year.bloc, year=2025)
    html = staff_client.get(reverse("blocs:bloc_list")).content.decode()
    assert reverse("blocs:bloc_year_detail", args=[newest.pk]) in html
    assert reverse("blocs:bloc_year_detail", args=[bloc_year.pk]) not in html
    assert "(3 năm, từ 2022)" in html

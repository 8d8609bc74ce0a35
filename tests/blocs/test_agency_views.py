"""The agency registry: search, filters, order, pagination, detail with history, change forms."""

import datetime
import unicodedata

import pytest
from django.urls import reverse

from blocs import panels
from blocs.models import Agency, AgencyChange
from blocs.panels import Panel
from blocs.services import structure as services
from emulation.models import AuditEntry
from portal.bench.measure import capture_queries
from tests.factories import AgencyFactory, BlocYearFactory, MembershipFactory
from tests.queries import assert_num_queries, assert_same_queries

pytestmark = pytest.mark.django_db

LIST = reverse("blocs:agency_list")


def names_on(response):
    return [agency.name for agency in response.context["page"]]


def test_search_without_accents_finds_so_y_te(staff_client, bloc_year):
    response = staff_client.get(LIST, {"q": "so y te"})
    assert names_on(response) == ["Sở Y tế"]


def test_search_with_nfd_input_finds_the_nfc_name(staff_client, bloc_year):
    response = staff_client.get(LIST, {"q": unicodedata.normalize("NFD", "Sở Y tế")})
    assert names_on(response) == ["Sở Y tế"]


def test_search_matches_d_with_stroke_and_short_names(staff_client, bloc_year):
    AgencyFactory(name="Tỉnh đoàn Hà Nam", short_name="TĐHN")
    assert names_on(staff_client.get(LIST, {"q": "dai phat thanh"})) == [
        "Đài Phát thanh và Truyền hình tỉnh"
    ]
    assert names_on(staff_client.get(LIST, {"q": "tdhn"})) == ["Tỉnh đoàn Hà Nam"]


def test_the_list_is_in_vietnamese_order(staff_client, bloc_year):
    names = names_on(staff_client.get(LIST))
    assert names == [
        "Bảo hiểm xã hội tỉnh",
        "Đài Phát thanh và Truyền hình tỉnh",
        "Sở Giáo dục và Đào tạo",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Y tế",
    ]


def test_filters_by_kind_and_status(staff_client, bloc_year):
    AgencyFactory(name="Hội Nông dân tỉnh", kind=Agency.Kind.MASS_ORGANISATION)
    AgencyFactory(name="Sở Cũ", status=Agency.Status.DISSOLVED)
    assert names_on(staff_client.get(LIST, {"kind": "mass_org"})) == ["Hội Nông dân tỉnh"]
    assert names_on(staff_client.get(LIST, {"status": "dissolved"})) == ["Sở Cũ"]
    # An unknown filter value is ignored rather than an error.
    assert len(names_on(staff_client.get(LIST, {"kind": "<script>"}))) == 7


def test_hostile_search_text_is_escaped(staff_client, bloc_year):
    response = staff_client.get(LIST, {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_pagination_keeps_50_per_page_and_the_filters(staff_client):
    for n in range(55):
        AgencyFactory(name=f"Sở Thử {n:02d}")
    first = staff_client.get(LIST, {"q": "so thu"})
    assert len(first.context["page"]) == 50
    assert "q=so+thu" in first.content.decode()
    second = staff_client.get(LIST, {"q": "so thu", "page": 2})
    assert len(second.context["page"]) == 5


def test_registry_query_count_is_pinned_and_does_not_grow(staff_client):
    AgencyFactory.create_batch(2)
    # session, user, staff group, count, page (successors joined).
    with assert_num_queries(5):
        staff_client.get(LIST)
    few = capture_queries(staff_client.get, LIST)
    merged_into = AgencyFactory()
    AgencyFactory.create_batch(28, status=Agency.Status.MERGED, successor=merged_into)
    assert_same_queries(capture_queries(staff_client.get, LIST), few)


# Detail ------------------------------------------------------------------------------------------


@pytest.fixture
def renamed(province_staff):
    agency = AgencyFactory(name="Sở Kế hoạch", established_on=datetime.date(2000, 1, 1))
    services.rename_agency(
        agency,
        new_name="Sở Kế hoạch và Đầu tư",
        effective_on=datetime.date(2010, 7, 1),
        decision_ref="QĐ 99/QĐ-UBND",
        actor=province_staff,
    )
    return agency


def test_detail_shows_names_over_time(staff_client, renamed):
    response = staff_client.get(reverse("blocs:agency_detail", args=[renamed.pk]))
    names = response.context["names"]
    assert [(p["name"], p["start"], p["end"]) for p in names] == [
        ("Sở Kế hoạch", datetime.date(2000, 1, 1), datetime.date(2010, 6, 30)),
        ("Sở Kế hoạch và Đầu tư", datetime.date(2010, 7, 1), None),
    ]
    html = response.content.decode()
    assert "QĐ 99/QĐ-UBND" in html
    assert "blocs.agency.renamed" in html


def test_detail_links_predecessors_and_successor(staff_client, province_staff):
    old, new = AgencyFactory(name="Sở Lao động"), AgencyFactory(name="Sở Nội vụ")
    services.merge_agency(
        old, into=new, effective_on=datetime.date(2025, 3, 1), actor=province_staff
    )
    old_page = staff_client.get(reverse("blocs:agency_detail", args=[old.pk])).content.decode()
    assert reverse("blocs:agency_detail", args=[new.pk]) in old_page
    new_page = staff_client.get(reverse("blocs:agency_detail", args=[new.pk]))
    assert new_page.context["predecessors"] == [old]


def test_detail_shows_its_bloc_in_each_year(staff_client, bloc_year):
    yte = bloc_year.head
    later = BlocYearFactory(year=2025)
    MembershipFactory(bloc_year=later, agency=yte)
    response = staff_client.get(reverse("blocs:agency_detail", args=[yte.pk]))
    assert [m.year for m in response.context["memberships"]] == [2025, 2024]
    assert "Trưởng khối" in response.content.decode()


def awards_panel(request, agency):
    return Panel("blocs/panel_card.html", {"title": "Khen thưởng", "lines": [agency.name]})


def nothing_panel(request, agency):
    return None


def test_agency_panels_render_in_order(staff_client, bloc_year, monkeypatch):
    with panels.AGENCY_PANELS.only(nothing_panel, awards_panel):
        response = staff_client.get(reverse("blocs:agency_detail", args=[bloc_year.head_id]))
    html = response.content.decode()
    assert html.count('data-testid="panel"') == 1
    assert '<p class="mb-1">Sở Y tế</p>' in html


def test_detail_query_count_does_not_grow_with_years_and_changes(staff_client, province_staff):
    agency = AgencyFactory(name="Sở A")
    MembershipFactory(agency=agency, bloc_year=BlocYearFactory(year=2020))
    staff_client.get(reverse("blocs:agency_detail", args=[agency.pk]))  # content types cached
    few = capture_queries(staff_client.get, reverse("blocs:agency_detail", args=[agency.pk]))
    for year in range(2021, 2031):
        MembershipFactory(agency=agency, bloc_year=BlocYearFactory(year=year))
    for n in range(5):
        services.rename_agency(
            agency,
            new_name=f"Sở A{n}",
            effective_on=datetime.date(2021 + n, 1, 1),
            actor=province_staff,
        )
    many = capture_queries(staff_client.get, reverse("blocs:agency_detail", args=[agency.pk]))
    assert_same_queries(few, many, at_most=25)


# Change forms ------------------------------------------------------------------------------------


def test_staff_create_an_agency_with_an_nfd_name(staff_client):
    response = staff_client.post(
        reverse("blocs:agency_create"),
        {"name": unicodedata.normalize("NFD", "Sở Khoa học và Công nghệ"), "kind": "department"},
    )
    agency = Agency.objects.get()
    assert response["Location"] == reverse("blocs:agency_detail", args=[agency.pk])
    assert agency.name == "Sở Khoa học và Công nghệ"
    assert unicodedata.is_normalized("NFC", agency.name)


def test_an_agency_named_with_html_is_escaped_everywhere(staff_client):
    staff_client.post(
        reverse("blocs:agency_create"),
        {"name": "<script>alert('x')</script>", "kind": "department"},
    )
    agency = Agency.objects.get()
    for url in (LIST, reverse("blocs:agency_detail", args=[agency.pk])):
        html = staff_client.get(url).content.decode()
        assert "<script>alert(" not in html
        assert "&lt;script&gt;" in html


def test_staff_edit_an_agency(staff_client, bloc_year):
    agency = bloc_year.head
    response = staff_client.post(
        reverse("blocs:agency_edit", args=[agency.pk]),
        {"short_name": "SYT", "kind": "department", "notes": "Cơ quan chuyên môn"},
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.notes == "Cơ quan chuyên môn"


def test_staff_rename_an_agency_from_a_date(staff_client, bloc_year):
    agency = bloc_year.head
    response = staff_client.post(
        reverse("blocs:agency_rename", args=[agency.pk]),
        {"new_name": "Sở Y tế tỉnh", "effective_on": "2025-01-01", "reason": "Đổi tên"},
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.name == "Sở Y tế tỉnh"
    assert agency.changes.get().old_name == "Sở Y tế"


def test_staff_merge_and_dissolve(staff_client, bloc_year):
    source, into = AgencyFactory(), bloc_year.head
    staff_client.post(
        reverse("blocs:agency_merge", args=[source.pk]),
        {"into": into.pk, "effective_on": "2025-03-01", "decision_ref": "NQ 1"},
    )
    source.refresh_from_db()
    assert source.successor == into
    gone = AgencyFactory()
    staff_client.post(
        reverse("blocs:agency_dissolve", args=[gone.pk]), {"effective_on": "2025-07-01"}
    )
    gone.refresh_from_db()
    assert gone.status == Agency.Status.DISSOLVED


def test_a_service_refusal_shows_on_the_form(staff_client):
    agency = AgencyFactory(status=Agency.Status.DISSOLVED, ended_on=datetime.date(2024, 1, 1))
    response = staff_client.post(
        reverse("blocs:agency_rename", args=[agency.pk]),
        {"new_name": "Tên khác", "effective_on": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "đã giải thể" in response.content.decode()
    assert not AgencyChange.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("blocs:agency_create", {"name": "Sở X", "kind": "department"}),
        ("blocs:agency_edit", {"kind": "department"}),
        ("blocs:agency_rename", {"new_name": "Sở X", "effective_on": "2025-01-01"}),
        ("blocs:agency_dissolve", {"effective_on": "2025-01-01"}),
    ],
)
@pytest.mark.parametrize("role", ["head", "deputy", "member", "outsider"])
def test_only_staff_may_post_agency_changes(cast_clients, bloc_year, role, name, data):
    args = [] if name == "blocs:agency_create" else [bloc_year.head_id]
    before = AuditEntry.objects.count()
    response = cast_clients[role].post(reverse(name, args=args), data)
    assert response.status_code == 403
    assert AuditEntry.objects.count() == before


def test_its_blocs_over_the_years_follow_its_predecessors(staff_client, province_staff):
    old, new = AgencyFactory(name="Sở Kế hoạch và Đầu tư"), AgencyFactory(name="Sở Tài chính")
    MembershipFactory(agency=old, bloc_year=BlocYearFactory(year=2024))
    MembershipFactory(agency=new, bloc_year=BlocYearFactory(year=2025))
    services.merge_agency(
        old, into=new, effective_on=datetime.date(2025, 3, 1), actor=province_staff
    )
    response = staff_client.get(reverse("blocs:agency_detail", args=[new.pk]))
    assert [(m.year, m.agency.name) for m in response.context["memberships"]] == [
        (2025, "Sở Tài chính"),
        (2024, "Sở Kế hoạch và Đầu tư"),
    ]
    assert "với tên đơn vị tiền thân Sở Kế hoạch và Đầu tư" in response.content.decode()


@pytest.mark.postgres
def test_on_postgresql_the_folded_search_can_use_the_trigram_index(db):
    """With other scans priced out, the planner reaches the index: it serves LIKE '%word%' for
    words of three letters or more (shorter ones have no trigram; the other words narrow)."""
    from django.db import connection

    from blocs.models import Agency

    if connection.vendor != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's")
    query = Agency.objects.search("so giao duc").order_by()
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "blocs_agency_search_trgm" in plan, plan

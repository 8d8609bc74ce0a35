"""The bloc-year page: members and signatories, leaders, liaison, panels; who may change what."""

import pytest
from django.urls import reverse

from blocs import panels
from blocs.models import Agency, BlocYear, Membership
from blocs.panels import Panel
from emulation.models import AuditEntry
from portal.bench.measure import capture_queries
from tests.factories import AgencyFactory, MembershipFactory, bloc_year_with_members
from tests.queries import assert_num_queries, assert_same_queries

pytestmark = pytest.mark.django_db


def url(name, bloc_year, *args):
    return reverse(f"blocs:{name}", args=[bloc_year.pk, *args])


def membership(bloc_year, name):
    return bloc_year.memberships.get(agency__name=name)


def test_it_works_for_members(member_client, bloc_year):
    response = member_client.get(url("bloc_year_detail", bloc_year))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trần Văn Liên" in html
    assert "add_form" not in response.context
    assert "Rút khỏi khối" not in html
    assert "Sửa người ký" not in html


def test_staff_see_the_management_forms(staff_client, bloc_year):
    response = staff_client.get(url("bloc_year_detail", bloc_year))
    assert "add_form" in response.context and "leaders_form" in response.context
    html = response.content.decode()
    assert "Rút khỏi khối" in html and "Sửa người ký" in html


def test_the_head_may_edit_signatories_but_not_structure(head_client, bloc_year):
    html = head_client.get(url("bloc_year_detail", bloc_year)).content.decode()
    assert "Sửa người ký" in html
    assert "Rút khỏi khối" not in html


def test_the_add_select_lists_only_agencies_free_that_year_in_vietnamese_order(
    staff_client, bloc_year, other_bloc_year
):
    AgencyFactory(name="Sở Tư pháp")
    AgencyFactory(name="Ban Dân tộc tỉnh")
    AgencyFactory(name="Sở Cũ", status=Agency.Status.DISSOLVED)
    form = staff_client.get(url("bloc_year_detail", bloc_year)).context["add_form"]
    names = [agency.name for agency in form.fields["agency"].queryset]
    assert names == ["Ban Dân tộc tỉnh", "Sở Tư pháp"]


def test_staff_add_a_member(staff_client, bloc_year, province_staff):
    agency = AgencyFactory(name="Sở Nội vụ")
    response = staff_client.post(
        url("member_add", bloc_year),
        {"agency": agency.pk, "signatory_name": "Trịnh Thị Lan", "signatory_title": "Giám đốc"},
    )
    assert response.status_code == 302
    assert membership(bloc_year, "Sở Nội vụ").signatory_name == "Trịnh Thị Lan"


def test_adding_an_agency_of_another_bloc_explains_the_rule(
    staff_client, bloc_year, other_bloc_year
):
    response = staff_client.post(url("member_add", bloc_year), {"agency": other_bloc_year.head_id})
    assert response.status_code == 400
    assert "thuộc một khối khác trong năm 2024" in response.content.decode()


def test_staff_remove_a_member(staff_client, bloc_year):
    target = membership(bloc_year, "Bảo hiểm xã hội tỉnh")
    response = staff_client.post(url("member_remove", bloc_year, target.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=target.pk).exists()


def test_removing_the_head_is_refused_with_a_message(staff_client, bloc_year):
    target = membership(bloc_year, "Sở Y tế")
    response = staff_client.post(url("member_remove", bloc_year, target.pk), follow=True)
    assert "hãy phân công đơn vị khác làm trưởng khối" in response.content.decode()
    assert Membership.objects.filter(pk=target.pk).exists()


def test_removing_a_member_that_signed_the_covenant_says_what_to_do(staff_client, bloc_year):
    from tests.factories import covenant_for

    covenant_for(bloc_year, status="signed")
    target = membership(bloc_year, "Bảo hiểm xã hội tỉnh")
    response = staff_client.post(url("member_remove", bloc_year, target.pk), follow=True)
    assert (
        "Bảo hiểm xã hội tỉnh đã ký giao ước thi đua năm 2024; hãy hủy chữ ký của đơn vị"
        in response.content.decode()
    )
    assert Membership.objects.filter(pk=target.pk).exists()


def test_a_membership_of_another_bloc_year_is_404(staff_client, bloc_year, other_bloc_year):
    foreign = other_bloc_year.memberships.get()
    response = staff_client.post(url("member_remove", bloc_year, foreign.pk))
    assert response.status_code == 404
    response = staff_client.get(url("member_signatory", bloc_year, foreign.pk))
    assert response.status_code == 404


def test_staff_assign_leaders(staff_client, bloc_year):
    bhxh = membership(bloc_year, "Bảo hiểm xã hội tỉnh").agency
    response = staff_client.post(
        url("bloc_year_leaders", bloc_year), {"head": bhxh.pk, "deputy": bloc_year.head_id}
    )
    assert response.status_code == 302
    bloc_year.refresh_from_db()
    assert bloc_year.head == bhxh


@pytest.mark.parametrize("case", ["same", "outsider", "missing"])
def test_bad_leader_choices_are_refused(staff_client, bloc_year, other_bloc_year, case):
    data = {
        "same": {"head": bloc_year.head_id, "deputy": bloc_year.head_id},
        "outsider": {"head": other_bloc_year.head_id, "deputy": bloc_year.deputy_id},
        "missing": {"head": "", "deputy": bloc_year.deputy_id},
    }[case]
    response = staff_client.post(url("bloc_year_leaders", bloc_year), data)
    assert response.status_code == 400
    assert response.context["leaders_form"].errors
    assert BlocYear.objects.get(pk=bloc_year.pk).head_id == bloc_year.head_id


def test_staff_edit_the_liaison(staff_client, bloc_year):
    response = staff_client.post(
        url("bloc_year_edit", bloc_year),
        {"liaison_name": "Nguyễn Anh Chức", "liaison_title": "Phó Chủ tịch UBND tỉnh"},
    )
    assert response.status_code == 302
    bloc_year.refresh_from_db()
    assert bloc_year.liaison_name == "Nguyễn Anh Chức"


def test_the_head_edits_a_signatory(head_client, bloc_year, bloc_head):
    target = membership(bloc_year, "Sở Văn hóa, Thể thao và Du lịch")
    response = head_client.post(
        url("member_signatory", bloc_year, target.pk),
        {"signatory_name": "Trần Quốc Bảo", "signatory_title": "Giám đốc"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.signatory_name == "Trần Quốc Bảo"
    assert AuditEntry.objects.for_object(bloc_year).get().actor == bloc_head


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("member_add", {"agency": "new"}),
        ("member_remove", {}),
        ("bloc_year_leaders", {"head": "deputy", "deputy": "head"}),
        ("bloc_year_edit", {"liaison_name": "X"}),
    ],
)
@pytest.mark.parametrize(
    ("role", "status"), [("head", 403), ("deputy", 403), ("member", 403), ("outsider", 404)]
)
def test_structure_posts_are_staff_only(cast_clients, bloc_year, name, data, role, status):
    new = AgencyFactory()
    values = {"new": new.pk, "head": bloc_year.head_id, "deputy": bloc_year.deputy_id}
    data = {key: values.get(value, value) for key, value in data.items()}
    args = [membership(bloc_year, "Bảo hiểm xã hội tỉnh").pk] if name == "member_remove" else []
    before = (Membership.objects.count(), AuditEntry.objects.count())
    response = cast_clients[role].post(url(name, bloc_year, *args), data)
    assert response.status_code == status
    assert before == (Membership.objects.count(), AuditEntry.objects.count())


@pytest.mark.parametrize(
    ("role", "status"), [("deputy", 403), ("member", 403), ("outsider", 404), ("anonymous", 302)]
)
def test_only_staff_and_the_head_post_signatories(cast_clients, bloc_year, role, status):
    target = membership(bloc_year, "Sở Y tế")
    response = cast_clients[role].post(
        url("member_signatory", bloc_year, target.pk), {"signatory_name": "Kẻ lạ"}
    )
    assert response.status_code == status
    target.refresh_from_db()
    assert target.signatory_name != "Kẻ lạ"


@pytest.mark.parametrize("name", ["member_add", "bloc_year_leaders"])
def test_anonymous_posts_go_to_login(anonymous_client, bloc_year, name):
    response = anonymous_client.post(url(name, bloc_year), {})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def covenant_panel(request, bloc_year, role):
    return Panel(
        "blocs/panel_card.html", {"title": "Giao ước", "lines": [f"{role.label} {bloc_year.year}"]}
    )


def staff_only_panel(request, bloc_year, role):
    return Panel("blocs/panel_card.html", {"title": "Chỉ cán bộ"}) if role.is_staff else None


@pytest.fixture
def registered_panels(monkeypatch):
    with panels.BLOC_YEAR_PANELS.only(covenant_panel, staff_only_panel):
        yield


def test_bloc_year_panels_render_in_order_for_each_role(
    staff_client, member_client, bloc_year, registered_panels
):
    staff_html = staff_client.get(url("bloc_year_detail", bloc_year)).content.decode()
    assert staff_html.index("Giao ước") < staff_html.index("Chỉ cán bộ")
    member_html = member_client.get(url("bloc_year_detail", bloc_year)).content.decode()
    assert "Thành viên 2024" in member_html
    assert "Chỉ cán bộ" not in member_html


def test_page_query_count_is_pinned(staff_client, monkeypatch):
    """The page's own queries, without other features' panels (each brings its own)."""
    bloc_year = bloc_year_with_members(3)
    with panels.BLOC_YEAR_PANELS.only():
        staff_client.get(url("bloc_year_detail", bloc_year))  # warms the content-type cache
        # session, user, bloc-year, staff group, the year switcher, members, the open membership
        # flags, the add select, history (the two leader selects list the members already read).
        with assert_num_queries(9):
            staff_client.get(url("bloc_year_detail", bloc_year))


@pytest.mark.parametrize("client_name", ["staff_client", "head_client"])
def test_page_query_count_does_not_grow_from_3_to_16_members(request, bloc_year, client_name):
    """With every registered panel: the whole page stays flat as the bloc grows."""
    client = request.getfixturevalue(client_name)
    bloc_year.memberships.filter(
        agency__name__in=["Bảo hiểm xã hội tỉnh", "Đài Phát thanh và Truyền hình tỉnh"]
    ).delete()
    assert bloc_year.memberships.count() == 3
    client.get(url("bloc_year_detail", bloc_year))  # warms the session and content-type caches
    few = capture_queries(client.get, url("bloc_year_detail", bloc_year))
    for _ in range(13):
        MembershipFactory(bloc_year=bloc_year)
    assert bloc_year.memberships.count() == 16
    many = capture_queries(client.get, url("bloc_year_detail", bloc_year))
    assert_same_queries(few, many, at_most=25)

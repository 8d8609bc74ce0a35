"""Opening year Y+1: the preview maps merged agencies, drops dissolved ones, applies once."""

import datetime

import pytest
from django.core.management import call_command

from blocs.models import Agency, Bloc, BlocYear, Membership
from blocs.services import structure as services
from emulation.models import AuditEntry, User
from tests.factories import AgencyFactory, BlocYearFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    """Hà Nam's portal before the province merger (its 2024 and the department mergers of
    01/03/2025); returns its province staff user (who applies the rollover)."""
    call_command("seed_demo", before_merger=True, verbosity=0)
    return User.objects.get(username="canbo")


def agency(name):
    return Agency.objects.get(name=name)


def planned(plan, code):
    return next(item for item in plan.blocs if item.bloc.code == code)


def test_the_demo_plan_for_2025_maps_the_merged_departments(demo):
    plan = services.plan_rollover(2024)
    assert plan.next_year == 2025
    assert len(plan.to_create) == 3
    tmth = planned(plan, "KTĐTMTH")
    names = [m.agency.name for m in tmth.members]
    assert "Sở Kế hoạch và Đầu tư" not in names
    assert names.count("Sở Tài chính") == 1
    dropped = {d.source.name: d.reason for d in tmth.dropped}
    assert "Sở Tài chính" in dropped["Sở Kế hoạch và Đầu tư"]
    assert "đã có trong khối" in dropped["Sở Kế hoạch và Đầu tư"]
    # Sở Nội vụ stays in its own bloc, so the VHXH bloc cannot take it over from LĐTBXH.
    vhxh = planned(plan, "KTĐVHXH")
    assert "Sở Lao động - Thương binh và Xã hội" not in [m.agency.name for m in vhxh.members]
    reason = {d.source.name: d.reason for d in vhxh.dropped}["Sở Lao động - Thương binh và Xã hội"]
    assert "Sở Nội vụ" in reason
    assert "Khối thi đua các cơ quan Tham mưu - Tổng hợp năm 2025" in reason
    assert len(vhxh.members) == 6


def test_the_demo_plan_leaves_leaders_for_staff_to_pick(demo):
    plan = services.plan_rollover(2024)
    for item in plan.to_create:
        assert item.head is None and item.deputy is None
        assert any("chưa được bầu" in note for note in item.notes)


def test_the_plan_copies_signatories(demo):
    vhxh = planned(services.plan_rollover(2024), "KTĐVHXH")
    yte = next(m for m in vhxh.members if m.agency.name == "Sở Y tế")
    assert (yte.signatory_title, yte.signatory_name) == ("Giám đốc", "Nguyễn Thị Minh Hằng")


def test_a_merged_member_is_replaced_by_its_successor_when_free(demo):
    # Move Sở Nội vụ out of the 2024 TMTH bloc: then LĐTBXH's successor joins VHXH in 2025.
    Membership.objects.filter(agency__name="Sở Nội vụ", year=2024).delete()
    vhxh = planned(services.plan_rollover(2024), "KTĐVHXH")
    mapped = [m for m in vhxh.members if m.mapped]
    assert [(m.source.name, m.agency.name) for m in mapped] == [
        ("Sở Lao động - Thương binh và Xã hội", "Sở Nội vụ")
    ]
    assert mapped[0].signatory_name == ""
    services.apply_rollover(2024, actor=demo)
    assert Membership.objects.get(agency__name="Sở Nội vụ", year=2025).bloc_year.bloc.code == (
        "KTĐVHXH"
    )


def test_apply_creates_exactly_the_plan(demo):
    plan = services.plan_rollover(2024)
    result = services.apply_rollover(2024, actor=demo)
    assert len(result.bloc_years) == 3
    assert result.membership_count == plan.member_count
    for item in plan.to_create:
        bloc_year = BlocYear.objects.get(bloc=item.bloc, year=2025)
        assert sorted(bloc_year.memberships.values_list("agency__name", flat=True)) == sorted(
            m.agency.name for m in item.members
        )
        assert bloc_year.liaison_name == item.source.liaison_name
        entry = AuditEntry.objects.for_object(bloc_year).get()
        assert entry.action == "blocs.rollover.applied"
        assert entry.data["from_year"] == [2024]
    assert not Membership.objects.filter(year=2025, agency__status=Agency.Status.MERGED).exists()


def test_applying_twice_creates_nothing_new(demo):
    services.apply_rollover(2024, actor=demo)
    counts = (BlocYear.objects.count(), Membership.objects.count(), AuditEntry.objects.count())
    second = services.apply_rollover(2024, actor=demo)
    assert not second.created
    assert counts == (
        BlocYear.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
    )
    plan = services.plan_rollover(2024)
    assert plan.to_create == []
    assert all("không tạo gì thêm" in item.notes[0] for item in plan.blocs)


def test_elected_leaders_become_next_years_head_and_deputy(demo):
    by = BlocYear.objects.get(bloc__code="KTĐVHXH", year=2024)
    services.set_elected_leaders(
        by,
        next_head=agency("Bảo hiểm xã hội tỉnh"),
        next_deputy=agency("Sở Y tế"),
        actor=demo,
    )
    item = planned(services.plan_rollover(2024), "KTĐVHXH")
    assert (item.head.name, item.deputy.name) == ("Bảo hiểm xã hội tỉnh", "Sở Y tế")
    services.apply_rollover(2024, actor=demo)
    new = BlocYear.objects.get(bloc__code="KTĐVHXH", year=2025)
    assert (new.head.name, new.deputy.name) == ("Bảo hiểm xã hội tỉnh", "Sở Y tế")


def test_an_elected_head_that_merged_follows_its_successor_when_a_member(demo):
    by = BlocYear.objects.get(bloc__code="KTĐTMTH", year=2024)
    services.set_elected_leaders(
        by,
        next_head=agency("Sở Kế hoạch và Đầu tư"),
        next_deputy=agency("Sở Tư pháp"),
        actor=demo,
    )
    item = planned(services.plan_rollover(2024), "KTĐTMTH")
    assert item.head.name == "Sở Tài chính"
    assert item.deputy.name == "Sở Tư pháp"


def test_an_elected_head_who_is_no_longer_a_member_is_left_for_staff(demo):
    by = BlocYear.objects.get(bloc__code="KTĐVHXH", year=2024)
    services.set_elected_leaders(
        by,
        next_head=agency("Sở Lao động - Thương binh và Xã hội"),
        next_deputy=None,
        actor=demo,
    )
    item = planned(services.plan_rollover(2024), "KTĐVHXH")
    assert item.head is None
    assert any("không còn là thành viên" in note for note in item.notes)


def test_dissolved_agencies_are_dropped(province_staff):
    by = BlocYearFactory(year=2024)
    kept = MembershipFactory(bloc_year=by).agency
    gone = MembershipFactory(
        bloc_year=by,
        agency=AgencyFactory(status=Agency.Status.DISSOLVED, ended_on=datetime.date(2024, 12, 31)),
    ).agency
    item = services.plan_rollover(2024).blocs[0]
    assert [m.agency for m in item.members] == [kept]
    assert [d.source for d in item.dropped] == [gone]
    assert "giải thể" in item.dropped[0].reason


def test_merge_chains_are_followed_to_the_current_successor(province_staff):
    final = AgencyFactory(name="Sở C")
    middle = AgencyFactory(name="Sở B", status=Agency.Status.MERGED, successor=final)
    first = AgencyFactory(name="Sở A", status=Agency.Status.MERGED, successor=middle)
    by = BlocYearFactory(year=2024)
    MembershipFactory(bloc_year=by, agency=first)
    item = services.plan_rollover(2024).blocs[0]
    assert [(m.source.name, m.agency.name) for m in item.members] == [("Sở A", "Sở C")]


def test_inactive_blocs_are_not_carried_over(province_staff):
    by = BlocYearFactory(year=2024)
    MembershipFactory(bloc_year=by)
    Bloc.objects.filter(pk=by.bloc_id).update(active=False)
    assert services.plan_rollover(2024).blocs == []
    assert not services.apply_rollover(2024, actor=province_staff).created


def test_a_bloc_already_opened_next_year_is_left_alone(province_staff):
    by = BlocYearFactory(year=2024)
    MembershipFactory(bloc_year=by)
    BlocYearFactory(bloc=by.bloc, year=2025)
    item = services.plan_rollover(2024).blocs[0]
    assert not item.creates
    result = services.apply_rollover(2024, actor=province_staff)
    assert result.bloc_years == []
    assert not Membership.objects.filter(year=2025).exists()


def test_a_member_already_placed_next_year_is_not_copied(province_staff):
    by = BlocYearFactory(year=2024)
    moved = MembershipFactory(bloc_year=by).agency
    other_2025 = BlocYearFactory(year=2025)
    MembershipFactory(bloc_year=other_2025, agency=moved)
    item = services.plan_rollover(2024).to_create[0]
    assert item.members == []
    assert "năm 2025" in item.dropped[0].reason

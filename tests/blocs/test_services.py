"""Structure services: every allowed and refused case, with the audit entry each one writes."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from blocs.models import Agency, AgencyChange, Bloc, BlocYear, Membership
from blocs.services import structure as services
from blocs.services.structure import memberships
from emulation.models import AuditEntry
from tests.factories import AgencyFactory, BlocFactory, BlocYearFactory, MembershipFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def actions_for(obj):
    return [entry.action for entry in AuditEntry.objects.for_object(obj)]


def member(bloc_year, name):
    return bloc_year.memberships.get(agency__name=name).agency


# Agencies ----------------------------------------------------------------------------------------


def test_create_agency_stores_nfc_and_audits(province_staff):
    agency = services.create_agency(
        name=unicodedata.normalize("NFD", "Sở Tài nguyên  và Môi trường") + "  ",
        short_name="STNMT",
        kind=Agency.Kind.DEPARTMENT,
        established_on=D(2008, 4, 1),
        actor=province_staff,
    )
    agency.refresh_from_db()
    assert agency.name == "Sở Tài nguyên và Môi trường"
    assert agency.status == Agency.Status.ACTIVE
    entry = AuditEntry.objects.for_object(agency).get()
    assert entry.action == "blocs.agency.created"
    assert entry.data["name"] == [None, "Sở Tài nguyên và Môi trường"]
    assert entry.actor == province_staff


def test_create_agency_refuses_an_empty_or_overlong_name(province_staff):
    with pytest.raises(ValidationError) as excinfo:
        services.create_agency(name="   ", kind=Agency.Kind.DEPARTMENT, actor=province_staff)
    assert "name" in excinfo.value.error_dict
    with pytest.raises(ValidationError):
        services.create_agency(name="x" * 301, kind=Agency.Kind.DEPARTMENT, actor=province_staff)
    assert not Agency.objects.exists()


def test_create_agency_refuses_an_unknown_kind(province_staff):
    with pytest.raises(ValidationError):
        services.create_agency(name="Sở Mới", kind="bogus", actor=province_staff)


def test_update_agency_records_only_changed_fields(province_staff):
    agency = AgencyFactory(name="Sở Y tế", short_name="SYT")
    services.update_agency(agency, short_name="SYT", notes="Ghi chú", actor=province_staff)
    entry = AuditEntry.objects.for_object(agency).get()
    assert entry.action == "blocs.agency.updated"
    assert entry.data == {"notes": ["", "Ghi chú"]}


def test_update_agency_without_changes_writes_no_entry(province_staff):
    agency = AgencyFactory(short_name="SYT")
    services.update_agency(agency, short_name="SYT", actor=province_staff)
    assert not AuditEntry.objects.for_object(agency).exists()


def test_update_agency_refuses_an_end_before_the_start(province_staff):
    agency = AgencyFactory()
    with pytest.raises(ValidationError):
        services.update_agency(
            agency, established_on=D(2020, 1, 1), ended_on=D(2019, 1, 1), actor=province_staff
        )


def test_update_agency_cannot_touch_name_or_status(province_staff):
    agency = AgencyFactory()
    with pytest.raises(TypeError):
        services.update_agency(agency, name="Khác", actor=province_staff)
    with pytest.raises(TypeError):
        services.update_agency(agency, status=Agency.Status.DISSOLVED, actor=province_staff)


def test_rename_agency_keeps_the_old_name_in_its_history(province_staff):
    agency = AgencyFactory(name="Sở Kế hoạch và Đầu tư")
    services.rename_agency(
        agency,
        new_name="Sở Tài chính và Đầu tư",
        effective_on=D(2025, 3, 1),
        decision_ref="QĐ 12/QĐ-UBND",
        reason="Sắp xếp",
        actor=province_staff,
    )
    agency.refresh_from_db()
    assert agency.name == "Sở Tài chính và Đầu tư"
    assert Agency.objects.search("tai chinh va dau tu").get() == agency
    change = agency.changes.get()
    assert change.kind == AgencyChange.Kind.RENAME
    assert (change.old_name, change.new_name) == ("Sở Kế hoạch và Đầu tư", agency.name)
    assert change.decision_ref == "QĐ 12/QĐ-UBND"
    assert change.created_by == province_staff
    entry = AuditEntry.objects.for_object(agency).get()
    assert entry.action == "blocs.agency.renamed"
    assert entry.data["name"] == ["Sở Kế hoạch và Đầu tư", "Sở Tài chính và Đầu tư"]


@pytest.mark.parametrize("new_name", ["", "   ", "Sở Y tế", "x" * 301])
def test_rename_agency_refuses_an_empty_same_or_overlong_name(province_staff, new_name):
    agency = AgencyFactory(name="Sở Y tế")
    with pytest.raises(ValidationError):
        services.rename_agency(
            agency, new_name=new_name, effective_on=D(2025, 1, 1), actor=province_staff
        )
    assert not agency.changes.exists()


def test_rename_agency_refuses_a_date_before_establishment_or_the_last_change(province_staff):
    agency = AgencyFactory(name="Sở A", established_on=D(2010, 1, 1))
    with pytest.raises(ValidationError, match="ngày thành lập"):
        services.rename_agency(
            agency, new_name="Sở B", effective_on=D(2009, 1, 1), actor=province_staff
        )
    services.rename_agency(
        agency, new_name="Sở B", effective_on=D(2020, 1, 1), actor=province_staff
    )
    with pytest.raises(ValidationError, match="lần thay đổi gần nhất"):
        services.rename_agency(
            agency, new_name="Sở C", effective_on=D(2019, 1, 1), actor=province_staff
        )


def test_merge_agency_sets_successor_status_and_end_date(province_staff):
    merged, into = AgencyFactory(name="Sở Lao động"), AgencyFactory(name="Sở Nội vụ")
    services.merge_agency(
        merged, into=into, effective_on=D(2025, 3, 1), reason="Sắp xếp", actor=province_staff
    )
    merged.refresh_from_db()
    assert merged.status == Agency.Status.MERGED
    assert merged.successor == into
    assert merged.ended_on == D(2025, 2, 28)
    change = merged.changes.get()
    assert change.kind == AgencyChange.Kind.MERGE_INTO
    assert change.related_agency == into
    assert change.old_name == "Sở Lao động"
    entry = AuditEntry.objects.for_object(merged).get()
    assert entry.action == "blocs.agency.merged"
    assert entry.data["status"] == ["active", "merged"]
    assert into.lineage_ids() == {into.pk, merged.pk}


def test_merge_agency_into_itself_is_refused(province_staff):
    agency = AgencyFactory()
    with pytest.raises(ValidationError, match="chính nó"):
        services.merge_agency(agency, into=agency, effective_on=D(2025, 1, 1), actor=province_staff)


@pytest.mark.parametrize("status", [Agency.Status.MERGED, Agency.Status.DISSOLVED])
def test_merge_agency_into_an_ended_agency_is_refused(province_staff, status):
    agency, into = AgencyFactory(), AgencyFactory(status=status, ended_on=D(2024, 1, 1))
    with pytest.raises(ValidationError, match="không thể tiếp nhận"):
        services.merge_agency(agency, into=into, effective_on=D(2025, 1, 1), actor=province_staff)
    agency.refresh_from_db()
    assert agency.status == Agency.Status.ACTIVE


@pytest.mark.parametrize("status", [Agency.Status.MERGED, Agency.Status.DISSOLVED])
def test_an_ended_agency_cannot_be_merged_renamed_or_dissolved_again(province_staff, status):
    agency = AgencyFactory(status=status, ended_on=D(2024, 1, 1))
    other = AgencyFactory()
    with pytest.raises(ValidationError):
        services.merge_agency(agency, into=other, effective_on=D(2025, 1, 1), actor=province_staff)
    with pytest.raises(ValidationError):
        services.rename_agency(
            agency, new_name="Mới", effective_on=D(2025, 1, 1), actor=province_staff
        )
    with pytest.raises(ValidationError):
        services.dissolve_agency(agency, effective_on=D(2025, 1, 1), actor=province_staff)


def test_merge_is_refused_while_the_agency_is_a_member_after_its_end(province_staff):
    membership = MembershipFactory(bloc_year=BlocYearFactory(year=2026))
    with pytest.raises(ValidationError, match="năm 2026"):
        services.merge_agency(
            membership.agency,
            into=AgencyFactory(),
            effective_on=D(2025, 7, 1),
            actor=province_staff,
        )


def test_dissolve_agency_sets_status_and_end_date(province_staff):
    agency = AgencyFactory()
    services.dissolve_agency(
        agency, effective_on=D(2025, 7, 1), decision_ref="NQ 5", actor=province_staff
    )
    agency.refresh_from_db()
    assert agency.status == Agency.Status.DISSOLVED
    assert agency.ended_on == D(2025, 6, 30)
    assert agency.changes.get().kind == AgencyChange.Kind.DISSOLVE
    assert actions_for(agency) == ["blocs.agency.dissolved"]


def test_dissolve_requires_an_effective_date(province_staff):
    with pytest.raises(ValidationError):
        services.dissolve_agency(AgencyFactory(), effective_on=None, actor=province_staff)


# Blocs and bloc-years ----------------------------------------------------------------------------


def test_create_bloc_and_ensure_its_year(province_staff):
    bloc = services.create_bloc(name="Khối thi đua số 7", code="KTĐ7", actor=province_staff)
    assert actions_for(bloc) == ["blocs.bloc.created"]
    bloc_year = services.ensure_bloc_year(bloc, 2025, actor=province_staff)
    assert services.ensure_bloc_year(bloc, 2025, actor=province_staff) == bloc_year
    assert actions_for(bloc_year) == ["blocs.bloc_year.created"]


def test_create_bloc_refuses_a_duplicate_code_or_name(province_staff):
    BlocFactory(name="Khối thi đua số 7", code="KTĐ7")
    with pytest.raises(ValidationError):
        services.create_bloc(name="Khác", code="KTĐ7", actor=province_staff)
    with pytest.raises(ValidationError):
        services.create_bloc(name="Khối thi đua số 7", code="K8", actor=province_staff)


def test_ensure_bloc_year_refuses_an_inactive_bloc_or_a_silly_year(province_staff):
    with pytest.raises(ValidationError, match="không còn hoạt động"):
        services.ensure_bloc_year(BlocFactory(active=False), 2025, actor=province_staff)
    with pytest.raises(ValidationError):
        services.ensure_bloc_year(BlocFactory(), 1999, actor=province_staff)


def test_update_bloc_toggles_active(province_staff):
    bloc = BlocFactory()
    services.update_bloc(bloc, active=False, actor=province_staff)
    bloc.refresh_from_db()
    assert not bloc.active
    assert actions_for(bloc) == ["blocs.bloc.updated"]


def test_update_bloc_year_sets_the_liaison(bloc_year, province_staff):
    services.update_bloc_year(
        bloc_year, liaison_name="Nguyễn Văn B", liaison_title="Phó Chủ tịch", actor=province_staff
    )
    bloc_year.refresh_from_db()
    assert bloc_year.liaison_name == "Nguyễn Văn B"
    assert actions_for(bloc_year) == ["blocs.bloc_year.updated"]
    with pytest.raises(ValidationError):
        services.update_bloc_year(bloc_year, liaison_name="x" * 151, actor=province_staff)
    with pytest.raises(TypeError):
        services.update_bloc_year(bloc_year, head=None, actor=province_staff)


# Members -----------------------------------------------------------------------------------------


def test_add_member_audits_on_the_bloc_year(bloc_year, province_staff):
    agency = AgencyFactory(name="Sở Nội vụ")
    membership = services.add_member(
        bloc_year,
        agency,
        signatory_name="Trịnh Thị Lan",
        signatory_title="Giám đốc",
        actor=province_staff,
    )
    assert membership.year == 2024
    entry = AuditEntry.objects.for_object(bloc_year).get()
    assert entry.action == "blocs.membership.added"
    assert entry.data["agency"] == ["Sở Nội vụ"]


def test_add_member_names_the_other_bloc(bloc_year, province_staff):
    other = BlocYearFactory(bloc=BlocFactory(name="Khối thi đua số 6"), year=2024)
    with pytest.raises(ValidationError) as excinfo:
        services.add_member(other, member(bloc_year, "Sở Y tế"), actor=province_staff)
    assert excinfo.value.messages == [
        "Sở Y tế đã là thành viên Khối thi đua Văn hóa - Xã hội năm 2024; mỗi đơn vị chỉ "
        "thuộc một khối trong một năm."
    ]
    assert not other.memberships.exists()


def test_add_member_twice_to_the_same_bloc_is_refused(bloc_year, province_staff):
    with pytest.raises(ValidationError, match="mỗi đơn vị chỉ thuộc một khối"):
        services.add_member(bloc_year, member(bloc_year, "Sở Y tế"), actor=province_staff)


def test_the_same_agency_may_join_another_bloc_another_year(bloc_year, province_staff):
    next_year = BlocYearFactory(year=2025)
    services.add_member(next_year, member(bloc_year, "Sở Y tế"), actor=province_staff)
    assert Membership.objects.filter(agency__name="Sở Y tế").count() == 2


@pytest.mark.parametrize("status", [Agency.Status.MERGED, Agency.Status.DISSOLVED])
def test_add_member_refuses_an_agency_that_ended_before_the_year(province_staff, status):
    successor = AgencyFactory(name="Sở Nội vụ")
    agency = AgencyFactory(
        name="Sở Lao động - Thương binh và Xã hội",
        status=status,
        ended_on=D(2025, 2, 28),
        successor=successor if status == Agency.Status.MERGED else None,
    )
    with pytest.raises(ValidationError, match="không thể là thành viên khối năm 2026") as excinfo:
        services.add_member(BlocYearFactory(year=2026), agency, actor=province_staff)
    if status == Agency.Status.MERGED:
        assert "Sở Nội vụ" in excinfo.value.messages[0]
    # Its last year is still open to it: it existed for part of 2025.
    services.add_member(BlocYearFactory(year=2025), agency, actor=province_staff)


def test_add_member_refuses_an_agency_founded_after_the_year(province_staff):
    agency = AgencyFactory(established_on=D(2026, 1, 1))
    with pytest.raises(ValidationError, match="được thành lập"):
        services.add_member(BlocYearFactory(year=2025), agency, actor=province_staff)


def test_add_member_refuses_an_overlong_signatory(bloc_year, province_staff):
    with pytest.raises(ValidationError):
        services.add_member(
            bloc_year, AgencyFactory(), signatory_name="x" * 151, actor=province_staff
        )


def test_remove_member_audits(bloc_year, province_staff):
    agency = member(bloc_year, "Bảo hiểm xã hội tỉnh")
    services.remove_member(bloc_year, agency, actor=province_staff)
    assert not bloc_year.memberships.filter(agency=agency).exists()
    entry = AuditEntry.objects.for_object(bloc_year).get()
    assert entry.action == "blocs.membership.removed"
    assert entry.data == {"agency": ["Bảo hiểm xã hội tỉnh"]}


@pytest.mark.parametrize(
    ("name", "role"), [("Sở Y tế", "trưởng khối"), ("Sở Giáo dục và Đào tạo", "phó khối")]
)
def test_remove_member_refuses_the_head_or_deputy(bloc_year, province_staff, name, role):
    with pytest.raises(ValidationError, match=f"đang là {role}.*phân công đơn vị khác"):
        services.remove_member(bloc_year, member(bloc_year, name), actor=province_staff)
    assert bloc_year.memberships.filter(agency__name=name).exists()


def test_remove_member_refuses_a_non_member(bloc_year, province_staff):
    with pytest.raises(ValidationError, match="không phải thành viên"):
        services.remove_member(bloc_year, AgencyFactory(), actor=province_staff)


# Membership changes against the covenant and the conference ----------------------------------


PLAIN_MEMBER = "Bảo hiểm xã hội tỉnh"


def _sign(covenant, agencies):
    from blocs.services import covenants

    covenants.record_paper_signatures(
        covenant, agencies, signed_on=datetime.date(2024, 2, 5), actor=None
    )


def test_a_member_that_signed_is_not_removed_until_its_signature_is_voided(
    bloc_year, province_staff
):
    from blocs.services import covenants
    from tests.factories import covenant_for

    covenant = covenant_for(bloc_year, status="open")
    agency = member(bloc_year, PLAIN_MEMBER)
    _sign(covenant, [agency])
    with pytest.raises(ValidationError, match="đã ký giao ước.*hãy hủy chữ ký"):
        services.remove_member(bloc_year, agency, actor=province_staff)
    assert bloc_year.memberships.filter(agency=agency).exists()
    covenants.void_signature(
        covenant, covenant.signatures.get(agency=agency), reason="Rút khỏi khối", actor=None
    )
    services.remove_member(bloc_year, agency, actor=province_staff)
    assert not bloc_year.memberships.filter(agency=agency).exists()


def test_a_signer_of_an_issued_covenant_needs_the_covenant_reopened(bloc_year, province_staff):
    from blocs.services import covenants
    from tests.factories import covenant_for

    covenants.issue_covenant(covenant_for(bloc_year, status="signed"), actor=None)
    with pytest.raises(ValidationError, match="giao ước đã phát hành; hãy mở lại"):
        services.remove_member(bloc_year, member(bloc_year, PLAIN_MEMBER), actor=province_staff)


def test_removing_the_last_unsigned_member_completes_the_covenant(bloc_year, province_staff):
    from blocs.models import Covenant
    from tests.factories import covenant_for

    covenant = covenant_for(bloc_year, status="open")
    leaving = member(bloc_year, PLAIN_MEMBER)
    _sign(covenant, [m.agency for m in bloc_year.memberships.exclude(agency=leaving)])
    covenant.refresh_from_db()
    assert covenant.status == Covenant.Status.OPEN
    services.remove_member(bloc_year, leaving, actor=province_staff)
    covenant.refresh_from_db()
    assert covenant.status == Covenant.Status.SIGNED


def test_adding_a_member_to_a_signed_covenant_collects_its_signature(bloc_year, province_staff):
    from blocs.models import Covenant
    from tests.factories import covenant_for

    covenant = covenant_for(bloc_year, status="signed")
    newcomer = AgencyFactory(name="Sở Khoa học và Công nghệ")
    services.add_member(bloc_year, newcomer, actor=province_staff)
    covenant.refresh_from_db()
    assert covenant.status == Covenant.Status.OPEN
    assert covenant.signatures.filter(voided_at__isnull=True).count() == 5
    entry = AuditEntry.objects.for_object(covenant).get(action="blocs.covenant.back_to_signing")
    assert entry.data["reason"] == "Thêm thành viên Sở Khoa học và Công nghệ"


def test_a_removed_members_registration_is_kept_and_the_audit_says_so(bloc_year, province_staff):
    from blocs.models import Registration
    from blocs.services import covenants

    agency = member(bloc_year, PLAIN_MEMBER)
    covenants.save_registration(
        bloc_year, agency, titles=[], targets=[{"indicator": "Doanh thu"}], actor=None
    )
    services.remove_member(bloc_year, agency, actor=province_staff)
    assert Registration.objects.filter(bloc_year=bloc_year, agency=agency).exists()
    entry = AuditEntry.objects.for_object(bloc_year).get(action="blocs.membership.removed")
    assert entry.data["registration_kept"] is True


def test_the_conference_keeps_its_attendance_in_step_with_the_members(bloc_year, province_staff):
    from tests.awards.voting_fixtures import make_session

    session = make_session(bloc_year, absent=5)  # everyone absent so far
    newcomer = AgencyFactory(name="Sở Khoa học và Công nghệ")
    services.add_member(bloc_year, newcomer, signatory_name="Đỗ Văn Khoa", actor=province_staff)
    row = session.attendance.get(agency=newcomer)
    assert not row.present and row.representative_name == "Đỗ Văn Khoa"
    services.remove_member(bloc_year, newcomer, actor=province_staff)
    assert not session.attendance.filter(agency=newcomer).exists()


def test_a_member_present_at_the_conference_or_on_a_poll_is_not_removed(bloc_year, province_staff):
    from awards.services import voting
    from tests.awards.voting_fixtures import make_session, open_award_poll

    session = make_session(bloc_year)  # everyone present
    agency = member(bloc_year, PLAIN_MEMBER)
    with pytest.raises(ValidationError, match="đang được ghi có mặt"):
        services.remove_member(bloc_year, agency, actor=province_staff)
    voting.update_attendance(session, [{"agency_id": agency.pk, "present": False}], actor=None)
    open_award_poll(session)
    with pytest.raises(ValidationError, match="danh sách bình xét"):
        services.remove_member(bloc_year, agency, actor=province_staff)
    assert bloc_year.memberships.filter(agency=agency).exists()


def test_a_finalized_conference_freezes_the_members(bloc_year, province_staff):
    from awards.models import VotingSession
    from tests.awards.voting_fixtures import make_session

    session = make_session(bloc_year, absent=5)
    VotingSession.objects.filter(pk=session.pk).update(state=VotingSession.State.FINALIZED)
    with pytest.raises(ValidationError, match="đã kết thúc; không rút"):
        services.remove_member(bloc_year, member(bloc_year, PLAIN_MEMBER), actor=province_staff)
    with pytest.raises(ValidationError, match="đã kết thúc; không thêm"):
        services.add_member(bloc_year, AgencyFactory(), actor=province_staff)


def test_a_member_with_an_award_proposal_is_not_removed(bloc_year, province_staff):
    from tests.factories import AwardProposalFactory

    agency = member(bloc_year, PLAIN_MEMBER)
    AwardProposalFactory(bloc_year=bloc_year, agency=agency)
    with pytest.raises(ValidationError, match="đã có đề nghị khen thưởng"):
        services.remove_member(bloc_year, agency, actor=province_staff)


def test_update_signatory_is_audited_with_the_agency(bloc_year, bloc_head):
    membership = bloc_year.memberships.get(agency__name="Sở Y tế")
    services.update_signatory(
        membership,
        signatory_name="Nguyễn Thị Minh Hằng",
        signatory_title="Giám đốc",
        actor=bloc_head,
    )
    entry = AuditEntry.objects.for_object(bloc_year).get()
    assert entry.action == "blocs.membership.signatory_updated"
    assert entry.data["agency"] == ["Sở Y tế"]


# Leaders -----------------------------------------------------------------------------------------


def test_assign_leaders_swaps_head_and_deputy(bloc_year, province_staff):
    head, deputy = bloc_year.deputy, bloc_year.head
    services.assign_leaders(bloc_year, head=head, deputy=deputy, actor=province_staff)
    bloc_year.refresh_from_db()
    assert (bloc_year.head, bloc_year.deputy) == (head, deputy)
    entry = AuditEntry.objects.for_object(bloc_year).get()
    assert entry.action == "blocs.bloc_year.leaders_assigned"
    assert entry.data["head"] == ["Sở Y tế", "Sở Giáo dục và Đào tạo"]


def test_assign_leaders_refuses_the_same_agency_twice(bloc_year, province_staff):
    with pytest.raises(ValidationError, match="hai đơn vị khác nhau"):
        services.assign_leaders(
            bloc_year, head=bloc_year.head, deputy=bloc_year.head, actor=province_staff
        )


def test_assign_leaders_refuses_a_non_member(bloc_year, province_staff, other_bloc_year):
    with pytest.raises(ValidationError, match="phải là thành viên"):
        services.assign_leaders(
            bloc_year, head=other_bloc_year.head, deputy=bloc_year.deputy, actor=province_staff
        )
    bloc_year.refresh_from_db()
    assert bloc_year.head.name == "Sở Y tế"


def test_assign_leaders_may_leave_the_deputy_empty(bloc_year, province_staff):
    services.assign_leaders(bloc_year, head=bloc_year.head, deputy=None, actor=province_staff)
    bloc_year.refresh_from_db()
    assert bloc_year.deputy is None


def test_set_elected_leaders_records_next_years_pair(bloc_year, province_staff):
    head = member(bloc_year, "Bảo hiểm xã hội tỉnh")
    deputy = member(bloc_year, "Sở Y tế")
    services.set_elected_leaders(
        bloc_year, next_head=head, next_deputy=deputy, actor=province_staff
    )
    bloc_year.refresh_from_db()
    assert (bloc_year.next_head, bloc_year.next_deputy) == (head, deputy)
    assert actions_for(bloc_year) == ["blocs.bloc_year.leaders_elected"]


def test_set_elected_leaders_refuses_a_pair_or_an_outsider(bloc_year, province_staff):
    head = member(bloc_year, "Sở Y tế")
    with pytest.raises(ValidationError):
        services.set_elected_leaders(
            bloc_year, next_head=head, next_deputy=head, actor=province_staff
        )
    with pytest.raises(ValidationError):
        services.set_elected_leaders(
            bloc_year, next_head=AgencyFactory(), next_deputy=None, actor=province_staff
        )


def test_services_refuse_without_side_effects(bloc_year, province_staff):
    """A refused call writes no audit entry and leaves the rows as they were."""
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.remove_member(bloc_year, bloc_year.head, actor=province_staff)
    assert AuditEntry.objects.count() == before
    assert BlocYear.objects.get(pk=bloc_year.pk).head_id == bloc_year.head_id
    assert Bloc.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_adding_one_agency_to_two_blocs_at_once_get_one_membership(monkeypatch):
    """The database constraint decides the race; the loser gets the Vietnamese explanation."""
    import threading

    from django.db import connection as default_connection
    from django.db import connections

    if default_connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run with DATABASE_URL=postgres://…")
    agency = AgencyFactory(name="Sở Ngoại vụ")
    targets = [BlocYearFactory(year=2024), BlocYearFactory(year=2024)]
    barrier = threading.Barrier(2, timeout=10)
    refusal = memberships._membership_refusal

    def both_checked(agency, year):
        barrier.wait()
        return refusal(agency, year)

    monkeypatch.setattr(memberships, "_membership_refusal", both_checked)
    outcomes = []

    def add(bloc_year):
        try:
            services.add_member(bloc_year, agency, actor=None)
            outcomes.append("added")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=[by]) for by in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("added") == 1
    [refused] = [outcome for outcome in outcomes if outcome != "added"]
    assert "mỗi đơn vị chỉ thuộc một khối trong một năm" in refused
    assert Membership.objects.filter(agency=agency, year=2024).count() == 1

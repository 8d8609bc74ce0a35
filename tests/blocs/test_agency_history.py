"""An agency reads as it stood in the year a page, document or ledger row belongs to: a rename
changes later years only, carries the short name and kind, and waits for its date; two active
agencies may not share a name."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awards.models import AwardRecord
from awards.pdf import conference_minutes_pdf
from blocs.models import Agency, AgencyChange, Membership, MembershipFlag
from blocs.services import covenants
from blocs.services import structure as services
from emulation.documents import sample_minutes_pdf
from emulation.models import AuditEntry
from portal.bench.measure import capture_queries
from tests.awards.voting_fixtures import make_session
from tests.factories import (
    AgencyFactory,
    AwardRecordFactory,
    BlocFactory,
    BlocYearFactory,
    MembershipFactory,
)
from tests.pdf_helpers import drawing_order_text
from tests.queries import assert_max_queries, assert_num_queries

OLD, NEW = "Ban Dân tộc tỉnh", "Sở Dân tộc và Tôn giáo"


@pytest.fixture
def renamed(bloc_year, province_staff):
    """Ban Dân tộc tỉnh, a member in 2024 and 2025, renamed from 01/03/2025 with a new short
    name and kind."""
    agency = AgencyFactory(name=OLD, short_name="BDT", kind=Agency.Kind.BOARD)
    MembershipFactory(bloc_year=bloc_year, agency=agency)
    next_year = BlocYearFactory(bloc=bloc_year.bloc, year=2025)
    MembershipFactory(bloc_year=next_year, agency=agency)
    services.rename_agency(
        agency,
        new_name=NEW,
        new_short_name="SDTTG",
        new_kind=Agency.Kind.DEPARTMENT,
        effective_on=datetime.date(2025, 3, 1),
        decision_ref="Quyết định số 12/QĐ-UBND ngày 20/02/2025",
        actor=province_staff,
    )
    agency.refresh_from_db()
    return agency, next_year


def test_the_rename_keeps_the_whole_identity_in_the_history(renamed):
    agency, _next_year = renamed
    assert (agency.name, agency.short_name, agency.kind) == (NEW, "SDTTG", "department")
    change = agency.changes.get(kind=AgencyChange.Kind.RENAME)
    assert (change.old_name, change.old_short_name, change.old_kind) == (OLD, "BDT", "board")
    assert (change.new_name, change.new_short_name, change.new_kind) == (NEW, "SDTTG", "department")


def test_the_2024_page_pdf_and_minutes_keep_the_2024_name(renamed, bloc_year, staff_client):
    agency, next_year = renamed
    page = staff_client.get(reverse("blocs:bloc_year_detail", args=[bloc_year.pk])).content
    assert OLD in page.decode() and NEW not in page.decode()
    later = staff_client.get(reverse("blocs:bloc_year_detail", args=[next_year.pk])).content
    assert NEW in later.decode() and OLD not in later.decode()
    minutes = drawing_order_text(sample_minutes_pdf(bloc_year)[2])
    assert OLD in minutes and NEW not in minutes
    assert NEW in drawing_order_text(sample_minutes_pdf(next_year)[2])
    session = make_session(bloc_year)
    conference = drawing_order_text(conference_minutes_pdf(session)[2])
    assert OLD in conference and NEW not in conference


def test_the_covenant_members_of_a_past_year_read_as_they_were(renamed, bloc_year):
    agency, next_year = renamed
    [then] = [m.agency for m in covenants.members_of(bloc_year) if m.agency_id == agency.pk]
    assert (then.name, then.short_name, then.kind) == (OLD, "BDT", "board")
    [now] = [m.agency for m in covenants.members_of(next_year) if m.agency_id == agency.pk]
    assert now.name == NEW


def test_an_agency_read_for_a_past_year_is_never_saved(renamed, bloc_year):
    agency, _next_year = renamed
    membership = bloc_year.memberships.as_of_year().get(agency=agency)
    with pytest.raises(RuntimeError):
        membership.agency.save()
    assert Agency.objects.get(pk=agency.pk).name == NEW


def test_the_ledger_shows_the_name_of_the_awards_year(renamed, staff_client):
    agency, _next_year = renamed
    AwardRecordFactory(agency=agency, year=2024)
    AwardRecordFactory(agency=agency, year=2025, award_type__code="BK_TINH")
    rows = {record.year: record.agency.name for record in AwardRecord.objects.as_of_year()}
    assert rows == {2024: OLD, 2025: NEW}
    page = staff_client.get(reverse("awards:ledger") + "?year=2024").content.decode()
    # The year's name, and what the agency is called now.
    assert f"{OLD} <span" in page and f"(nay là {NEW})" in page


def test_a_rename_dated_in_the_future_waits_for_its_date(bloc_year, province_staff):
    agency = AgencyFactory(name="Sở Tư pháp")
    this_year = BlocYearFactory(bloc=bloc_year.bloc, year=datetime.date.today().year)
    MembershipFactory(bloc_year=this_year, agency=agency)
    services.rename_agency(
        agency,
        new_name="Sở Tư pháp và Pháp chế",
        effective_on=datetime.date.today() + datetime.timedelta(days=400),
        actor=province_staff,
    )
    [membership] = this_year.memberships.as_of_year().filter(agency=agency)
    assert membership.agency.name == "Sở Tư pháp"


def test_the_bloc_year_page_makes_no_extra_query_for_the_names(renamed, bloc_year, staff_client):
    url = reverse("blocs:bloc_year_detail", args=[bloc_year.pk])
    staff_client.get(url)
    before = capture_queries(staff_client.get, url)
    for number in range(5):
        services.rename_agency(
            Agency.objects.get(pk=renamed[0].pk),
            new_name=f"{NEW} {number}",
            effective_on=datetime.date(2025, 4 + number, 1),
            actor=None,
        )
        MembershipFactory(bloc_year=bloc_year)
    with assert_num_queries(before):
        staff_client.get(url)


# A property: whatever the renames, a year reads the name in force on its last day (or today).

_DAYS = st.dates(min_value=datetime.date(2019, 1, 1), max_value=datetime.date(2030, 12, 31))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    days=st.lists(_DAYS, min_size=0, max_size=4, unique=True),
    year=st.integers(2019, 2030),
)
def test_a_year_reads_the_name_in_force_on_its_last_day(db, days, year):
    agency = AgencyFactory(name="Tên 0")
    membership = MembershipFactory(agency=agency, bloc_year=BlocYearFactory(year=year))
    for number, day in enumerate(sorted(days), start=1):
        AgencyChange.objects.create(
            agency=agency,
            kind=AgencyChange.Kind.RENAME,
            effective_on=day,
            old_name=f"Tên {number - 1}",
            new_name=f"Tên {number}",
        )
    agency.name = f"Tên {len(days)}"
    agency.save()
    cutoff = min(datetime.date(year, 12, 31), datetime.date.today())
    expected = f"Tên {sum(1 for day in days if day <= cutoff)}"
    assert Membership.objects.as_of_year().get(pk=membership.pk).agency.name == expected


# One registry: no second active agency of the same name.


@pytest.mark.parametrize(
    "typed",
    [
        unicodedata.normalize("NFD", "Sở Y tế"),
        "SỞ Y TẾ",
        "  Sở   Y tế ",
        "So Y te",
    ],
)
def test_a_second_agency_of_the_same_name_is_refused(bloc_year, typed):
    with pytest.raises(ValidationError, match="Đã có đơn vị đang hoạt động tên “Sở Y tế”"):
        services.create_agency(name=typed, kind=Agency.Kind.DEPARTMENT, actor=None)
    assert Agency.objects.filter(name="Sở Y tế").count() == 1


def test_a_name_that_only_starts_the_same_is_accepted(bloc_year):
    agency = services.create_agency(name="Sở Y tế dự phòng", kind="department", actor=None)
    assert agency.pk


def test_an_ended_agencys_name_may_be_used_again(bloc_year, province_staff):
    old = services.create_agency(name="Sở Ngoại vụ", kind="department", actor=None)
    services.dissolve_agency(old, effective_on=datetime.date(2025, 3, 1), actor=province_staff)
    assert services.create_agency(name="Sở Ngoại vụ", kind="department", actor=None).pk


def test_a_rename_onto_another_agencys_name_is_refused(bloc_year, province_staff):
    agency = Agency.objects.get(name="Bảo hiểm xã hội tỉnh")
    with pytest.raises(ValidationError) as caught:
        services.rename_agency(
            agency, new_name="Sở Y tế", effective_on=datetime.date(2025, 1, 1), actor=None
        )
    assert "new_name" in caught.value.message_dict


def test_the_rename_page_carries_the_short_name_and_kind(bloc_year, staff_client):
    agency = Agency.objects.get(name="Bảo hiểm xã hội tỉnh")
    url = reverse("blocs:agency_rename", args=[agency.pk])
    page = staff_client.get(url).content.decode()
    assert 'name="new_short_name"' in page and 'name="new_kind"' in page
    response = staff_client.post(
        url,
        {
            "new_name": "Bảo hiểm xã hội khu vực",
            "new_short_name": "BHXH KV",
            "new_kind": Agency.Kind.PUBLIC_SERVICE,
            "effective_on": "2025-07-01",
            "decision_ref": "Quyết định số 1/QĐ-BHXH",
        },
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.short_name, agency.kind) == ("BHXH KV", "public_service")
    duplicate = staff_client.post(url, {"new_name": "Sở Y tế", "effective_on": "2025-08-01"})
    assert "Đã có đơn vị đang hoạt động tên “Sở Y tế”" in duplicate.content.decode()


# Scheduled events: recorded ahead, in force on their date, cancellable until then.


@pytest.fixture
def scheduled_merger(db, province_staff):
    """Sở Tư pháp, a member of a 2025 and a 2026 bloc, merging into Sở Nội vụ on 01/07/2027."""
    justice = AgencyFactory(name="Sở Tư pháp")
    home = AgencyFactory(name="Sở Nội vụ")
    bloc = BlocFactory(name="Khối Nội chính", code="KNC")
    for year in (2025, 2026):
        bloc_year = BlocYearFactory(year=year, bloc=bloc)
        MembershipFactory(bloc_year=bloc_year, agency=justice)
        MembershipFactory(bloc_year=bloc_year, agency=home)
    services.merge_agency(
        justice,
        into=home,
        effective_on=datetime.date(2027, 7, 1),
        decision_ref="Nghị quyết số 5/NQ-HĐND",
        actor=province_staff,
    )
    justice.refresh_from_db()
    return justice, home


def test_a_merger_dated_ahead_leaves_the_agency_active_until_its_date(
    scheduled_merger, staff_client
):
    justice, home = scheduled_merger
    assert justice.is_active and justice.scheduled_end
    assert justice.status_on(datetime.date(2027, 6, 30)) == Agency.Status.ACTIVE
    assert justice.status_on(datetime.date(2027, 7, 1)) == Agency.Status.MERGED
    page = staff_client.get(reverse("blocs:agency_detail", args=[justice.pk])).content.decode()
    assert "sẽ hợp nhất vào Sở Nội vụ; hoạt động đến hết ngày 30/06/2027" in page
    assert 'data-testid="cancel-change"' in page
    listing = staff_client.get(reverse("blocs:agency_list") + "?q=tu+phap").content.decode()
    assert "kết thúc sau 30/06/2027" in listing


def test_the_rollover_keeps_an_agency_whose_merger_is_not_yet_in_force(scheduled_merger):
    justice, home = scheduled_merger
    plan = services.plan_rollover(2026)
    [item] = [item for item in plan.to_create if item.source.year == 2026]
    assert justice.pk in {planned.agency.pk for planned in item.members}
    assert not any(dropped.agency.pk == justice.pk for dropped in item.dropped)


def test_a_scheduled_merger_is_cancelled_with_a_reason_and_audited(
    scheduled_merger, province_staff, staff_client
):
    justice, home = scheduled_merger
    change = justice.changes.get(kind=AgencyChange.Kind.MERGE_INTO)
    url = reverse("blocs:agency_change_cancel", args=[justice.pk, change.pk])
    response = staff_client.post(url, {"reason": "   "}, follow=True)
    assert "Hãy ghi lý do hủy." in response.content.decode()
    staff_client.post(url, {"reason": "Nghị quyết bị thu hồi"})
    justice.refresh_from_db()
    assert justice.status == Agency.Status.ACTIVE and justice.successor is None
    assert not justice.changes.exists()
    entry = AuditEntry.objects.for_object(justice).get(action="blocs.agency.change_cancelled")
    assert entry.data["reason"] == "Nghị quyết bị thu hồi" and entry.data["kind"] == "merge_into"


def test_a_change_in_force_cannot_be_cancelled_and_others_may_not_try(
    renamed, staff_client, head_client
):
    agency, _next_year = renamed
    change = agency.changes.get(kind=AgencyChange.Kind.RENAME)
    url = reverse("blocs:agency_change_cancel", args=[agency.pk, change.pk])
    assert head_client.post(url, {"reason": "x"}).status_code == 403
    response = staff_client.post(url, {"reason": "Nhầm"}, follow=True)
    assert "Thay đổi đã có hiệu lực từ 01/03/2025: không hủy được." in response.content.decode()
    assert agency.changes.filter(pk=change.pk).exists()


def test_a_scheduled_rename_is_cancelled_back_to_the_old_identity(bloc_year, province_staff):
    agency = AgencyFactory(name="Sở Ngoại vụ", short_name="SNgV")
    services.rename_agency(
        agency,
        new_name="Sở Ngoại vụ và Hợp tác quốc tế",
        new_short_name="SNV-HTQT",
        effective_on=datetime.date.today() + datetime.timedelta(days=30),
        actor=province_staff,
    )
    change = agency.changes.get()
    services.cancel_agency_change(change, reason="Chưa ban hành", actor=province_staff)
    agency.refresh_from_db()
    assert (agency.name, agency.short_name) == ("Sở Ngoại vụ", "SNgV")


def test_the_merge_form_offers_only_other_active_agencies(bloc_year, staff_client):
    agency = Agency.objects.get(name="Sở Y tế")
    page = staff_client.get(reverse("blocs:agency_merge", args=[agency.pk])).content.decode()
    assert f'value="{agency.pk}"' not in page.split('name="into"')[1].split("</select>")[0]


def test_the_successors_page_lists_each_merger_into_it_with_its_decision(
    scheduled_merger, staff_client
):
    justice, home = scheduled_merger
    page = staff_client.get(reverse("blocs:agency_detail", args=[home.pk])).content.decode()
    received = page.split('data-testid="received"')[1].split("</ul>")[0]
    assert "01/07/2027" in received and "Sở Tư pháp" in received
    assert "Nghị quyết số 5/NQ-HĐND" in received and "Chưa đến ngày hiệu lực" in received


# Events recorded after a year is opened: flagged, nothing changes until staff act.


@pytest.fixture
def merged_in_open_year(bloc_year, province_staff):
    """Bảo hiểm xã hội tỉnh merges into Bảo hiểm xã hội khu vực from 01/10/2024, recorded while
    the 2024 bloc-year is open."""
    gone = Agency.objects.get(name="Bảo hiểm xã hội tỉnh")
    successor = AgencyFactory(name="Bảo hiểm xã hội khu vực")
    services.merge_agency(
        gone, into=successor, effective_on=datetime.date(2024, 10, 1), actor=province_staff
    )
    return gone, successor


def test_a_merger_into_an_open_year_raises_a_flag_and_changes_nothing(
    merged_in_open_year, bloc_year, staff_client
):
    gone, successor = merged_in_open_year
    assert bloc_year.memberships.filter(agency=gone).exists()
    assert not bloc_year.memberships.filter(agency=successor).exists()
    page = staff_client.get(reverse("blocs:bloc_year_detail", args=[bloc_year.pk])).content
    flags = page.decode().split('data-testid="membership-flags"')[1].split("</section>")[0]
    assert "Bảo hiểm xã hội tỉnh hợp nhất vào Bảo hiểm xã hội khu vực từ 01/10/2024" in flags
    assert "Thay bằng Bảo hiểm xã hội khu vực" in flags


@pytest.mark.parametrize(
    ("action", "members", "open_flags"),
    [
        ("replaced", {"Bảo hiểm xã hội khu vực"}, 0),
        ("kept", {"Bảo hiểm xã hội tỉnh"}, 0),
        ("ended", set(), 0),
    ],
)
def test_each_way_of_acting_on_a_flag_is_one_audited_action(
    merged_in_open_year, bloc_year, staff_client, action, members, open_flags
):
    gone, successor = merged_in_open_year
    [flag] = MembershipFlag.objects.filter(membership__bloc_year=bloc_year)
    url = reverse("blocs:membership_flag_resolve", args=[bloc_year.pk, flag.pk])
    staff_client.post(url, {"action": action})
    names = set(bloc_year.memberships.values_list("agency__name", flat=True))
    assert names & {"Bảo hiểm xã hội tỉnh", "Bảo hiểm xã hội khu vực"} == members
    assert MembershipFlag.objects.filter(resolution="").count() == open_flags
    entry = AuditEntry.objects.for_object(bloc_year).get(action="blocs.membership.flag_resolved")
    assert entry.data["agency"] == "Bảo hiểm xã hội tỉnh"


def test_only_staff_act_on_flags_and_a_flag_is_acted_on_once(
    merged_in_open_year, bloc_year, head_client, province_staff
):
    [flag] = MembershipFlag.objects.all()
    url = reverse("blocs:membership_flag_resolve", args=[bloc_year.pk, flag.pk])
    assert head_client.post(url, {"action": "ended"}).status_code == 403
    with pytest.raises(ValidationError, match="chọn một cách xử lý"):
        services.resolve_membership_flag(flag, "whatever", actor=province_staff)
    services.resolve_membership_flag(flag, "kept", actor=province_staff)
    with pytest.raises(ValidationError, match="đã được xử lý"):
        services.resolve_membership_flag(flag, "ended", actor=province_staff)


def test_cancelling_the_merger_withdraws_its_flags(merged_in_open_year, province_staff):
    gone, _successor = merged_in_open_year
    AgencyChange.objects.filter(agency=gone).update(effective_on=datetime.date(2030, 1, 1))
    services.cancel_agency_change(gone.changes.get(), reason="Nhầm", actor=province_staff)
    assert not MembershipFlag.objects.exists()


def test_the_heading_names_the_head_as_it_was_that_year(bloc_year, staff_client, province_staff):
    services.rename_agency(
        bloc_year.head,
        new_name="Sở Y tế tỉnh Ninh Bình",
        effective_on=datetime.date(2025, 7, 1),
        actor=province_staff,
    )
    page = staff_client.get(reverse("blocs:bloc_year_detail", args=[bloc_year.pk])).content
    head = page.decode().split('data-testid="head">')[1].split("</dd>")[0]
    assert head == "Sở Y tế"


def test_the_year_overview_counts_the_flags_waiting(merged_in_open_year, staff_client):
    page = staff_client.get(reverse("blocs:year_overview") + "?year=2024").content.decode()
    assert "Thay đổi thành viên cần xử lý" in page
    [flag] = MembershipFlag.objects.all()
    services.resolve_membership_flag(flag, "kept", actor=None)
    page = staff_client.get(reverse("blocs:year_overview") + "?year=2024").content.decode()
    assert "Thay đổi thành viên cần xử lý" not in page


def test_the_2024_request_letter_council_list_and_achievement_report_keep_the_2024_name(
    renamed, bloc_year
):
    from awards.achievement_report import achievement_report
    from awards.models import AwardProposal
    from awards.pdf import council_list_pdf, render_request_letter
    from tests.factories import AwardProposalFactory

    agency, next_year = renamed
    AwardProposalFactory(bloc_year=bloc_year, agency=agency, state=AwardProposal.State.ACCEPTED)
    AwardProposalFactory(bloc_year=next_year, agency=agency, state=AwardProposal.State.ACCEPTED)
    then = list(bloc_year.proposals.with_related())
    letter = drawing_order_text(render_request_letter(bloc_year, then))
    council = drawing_order_text(council_list_pdf(2024)[2])
    report = drawing_order_text(achievement_report(then[0])[2])
    for text in (letter, council, report):
        assert OLD in text and NEW not in text
    assert NEW in drawing_order_text(council_list_pdf(2025)[2])


def test_the_year_overview_names_each_years_head_as_it_was_called_then(
    renamed, bloc_year, staff_client
):
    agency, next_year = renamed
    for by in (bloc_year, next_year):
        by.head = agency
        by.save()
    with assert_max_queries(12):
        page = staff_client.get(reverse("blocs:year_overview") + "?year=2024")
    assert [row["head"] for row in page.context["rows"]] == [OLD]
    later = staff_client.get(reverse("blocs:year_overview") + "?year=2025")
    assert [row["head"] for row in later.context["rows"]] == [NEW]

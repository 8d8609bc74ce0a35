"""Excel imports: every row previewed with its status, nothing written before an all-or-nothing
commit that goes through the audited services."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from blocs.exports import year_structure
from blocs.imports import (
    AGENCY_COLUMNS,
    MEMBERSHIP_COLUMNS,
    ImportRefused,
    commit_import,
    preview_import,
)
from blocs.models import Agency, AgencyChange, Bloc, BlocYear, Membership
from blocs.services import structure
from emulation.excel import WorkbookError
from emulation.models import AuditEntry
from portal.bench.measure import capture_queries
from tests.factories import AgencyFactory, BlocFactory, BlocYearFactory, xlsx_bytes
from tests.queries import assert_same_queries

AGENCY_HEADERS = [column.header for column in AGENCY_COLUMNS]
MEMBERSHIP_HEADERS = [column.header for column in MEMBERSHIP_COLUMNS]
VHXH = ("Khối thi đua Văn hóa - Xã hội", "KTĐVHXH")


def agency_file(*rows):
    return xlsx_bytes(AGENCY_HEADERS, rows)


def membership_file(*rows):
    return xlsx_bytes(MEMBERSHIP_HEADERS, rows)


def state():
    """Counts of everything an import could touch, to show nothing changed."""
    return {
        model.__name__: model.objects.count()
        for model in (Agency, Bloc, BlocYear, Membership, AuditEntry)
    } | {
        "leaders": sorted(
            BlocYear.objects.values_list("pk", "head_id", "deputy_id").order_by("pk")
        ),
        "signatories": sorted(
            Membership.objects.values_list("pk", "signatory_name", "signatory_title")
        ),
    }


def statuses(plan):
    return [row.status for row in plan.rows]


def refused_without_changes(kind, data, actor):
    before = state()
    with pytest.raises((ImportRefused, WorkbookError)) as excinfo:
        commit_import(kind, data, actor=actor)
    assert state() == before
    return " ".join(excinfo.value.messages)


# --- Agencies -----------------------------------------------------------------------------


def test_new_agencies_are_previewed_without_writing_and_created_on_commit(db, province_staff):
    data = agency_file(
        ["Sở Tài nguyên và Môi trường", "STNMT", "Sở, ngành", ""],
        ["Hội Nông dân tỉnh", "", "mass_org", "Tổ chức chính trị - xã hội"],
    )
    before = state()
    plan = preview_import("agencies", data)
    assert statuses(plan) == ["new", "new"]
    assert state() == before

    plan = commit_import("agencies", data, actor=province_staff)
    assert plan.summary() == "2 dòng thêm mới, 0 dòng cập nhật, 0 dòng không đổi."
    created = Agency.objects.get(name="Hội Nông dân tỉnh")
    assert created.kind == Agency.Kind.MASS_ORGANISATION
    assert created.notes == "Tổ chức chính trị - xã hội"
    entries = AuditEntry.objects.filter(action="blocs.agency.created")
    assert entries.count() == 2
    assert {entry.actor_id for entry in entries} == {province_staff.pk}


@pytest.mark.parametrize(
    "typed", ["SO Y TE", unicodedata.normalize("NFD", "Sở Y tế"), "  sở  y tế "]
)
def test_an_agency_typed_without_accents_or_in_nfd_is_the_registrys_own(db, typed):
    existing = AgencyFactory(name="Sở Y tế", short_name="SYT", kind=Agency.Kind.DEPARTMENT)
    plan = preview_import("agencies", agency_file([typed, "", "Sở, ngành", ""]))
    assert statuses(plan) == ["unchanged"]
    assert plan.rows[0].agency_ref == ("db", existing.pk)
    assert Agency.objects.count() == 1


def test_existing_agencies_are_matched_by_name_and_only_changed_cells_update(db, province_staff):
    AgencyFactory(name="Sở Y tế", short_name="SYT", kind=Agency.Kind.DEPARTMENT, notes="cũ")
    AgencyFactory(name="Tỉnh đoàn", short_name="TĐ", kind=Agency.Kind.DEPARTMENT)
    data = agency_file(
        ["sở y tế", "", "Sở, ngành", ""],
        ["Tỉnh đoàn", "", "Tổ chức chính trị - xã hội, hội", "Đoàn TNCS Hồ Chí Minh"],
    )
    plan = preview_import("agencies", data)
    assert statuses(plan) == ["unchanged", "update"]
    assert "khác chữ hoa/thường" in plan.rows[0].notes[0]
    assert f"(mã {Agency.objects.get(name='Sở Y tế').pk})" in plan.rows[0].notes[0]
    assert plan.rows[1].changes == [
        "Loại hình: Sở, ngành → Tổ chức chính trị - xã hội, hội",
        "Ghi chú: — → Đoàn TNCS Hồ Chí Minh",
    ]
    commit_import("agencies", data, actor=province_staff)
    youth = Agency.objects.get(name="Tỉnh đoàn")
    assert (youth.kind, youth.short_name) == (Agency.Kind.MASS_ORGANISATION, "TĐ")
    health = Agency.objects.get(name="Sở Y tế")
    assert (health.short_name, health.notes) == ("SYT", "cũ")
    assert AuditEntry.objects.filter(action="blocs.agency.updated").count() == 1


def test_reimporting_the_same_agency_file_changes_nothing(db, province_staff):
    data = agency_file(["Sở Y tế", "SYT", "Sở, ngành", "ghi chú"])
    commit_import("agencies", data, actor=province_staff)
    before = state()
    plan = commit_import("agencies", data, actor=province_staff)
    assert statuses(plan) == ["unchanged"]
    assert not plan.has_changes
    assert state() == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "SYT", "Sở, ngành", ""], "Thiếu “Tên cơ quan, đơn vị”."),
        (["x" * 301, "", "Sở, ngành", ""], "dài 301 ký tự, tối đa 300"),
        (["Sở Y tế", "y" * 101, "Sở, ngành", ""], "dài 101 ký tự, tối đa 100"),
        (["Sở Y tế", "", "Bộ", ""], "Loại hình “Bộ” không có; chọn một trong: “Sở, ngành”"),
        (["Sở Y tế", "", "", ""], "Thiếu “Loại hình”."),
        (['=CONCAT("Sở","Y tế")', "", "Sở, ngành", ""], "Ô A2 chứa công thức"),
        (["Sở Y tế", "=1+1", "Sở, ngành", ""], "Ô B2 chứa công thức"),
    ],
    ids=[
        "empty-name",
        "long-name",
        "long-short-name",
        "unknown-kind",
        "no-kind",
        "formula",
        "formula-short-name",
    ],
)
def test_bad_agency_rows_are_errors_and_block_the_commit(db, province_staff, row, message):
    data = agency_file(row, ["Sở Tư pháp", "STP", "department", ""])
    plan = preview_import("agencies", data)
    assert statuses(plan) == ["error", "new"]
    assert any(message in error for error in plan.rows[0].errors), plan.rows[0].errors
    text = refused_without_changes("agencies", data, province_staff)
    assert "còn 1 dòng lỗi" in text


def test_the_same_agency_twice_in_a_file_marks_both_rows(db):
    plan = preview_import(
        "agencies",
        agency_file(
            ["Sở Y tế", "", "department", ""],
            ["Sở Tư pháp", "", "department", ""],
            ["SỞ Y TẾ", "", "department", ""],
        ),
    )
    assert statuses(plan) == ["error", "new", "error"]
    assert plan.rows[0].errors == ["“SỞ Y TẾ” có hai lần trong tệp (dòng 2 và dòng 4)."]
    assert plan.rows[2].errors == plan.rows[0].errors


def test_nfd_names_are_normalised_matched_and_reported(db, province_staff):
    AgencyFactory(name="Sở Văn hóa, Thể thao và Du lịch", short_name="SVHTTDL")
    nfd = unicodedata.normalize("NFD", "Sở Văn hóa, Thể thao và Du lịch")
    plan = preview_import("agencies", agency_file([nfd, "SVHTTDL", "department", ""]))
    assert statuses(plan) == ["unchanged"]
    assert plan.rows[0].notes == ["Ô A2 đã chuẩn hóa Unicode (NFD → NFC)."]
    new_nfd = unicodedata.normalize("NFD", "Sở Khoa học và Công nghệ")
    commit_import("agencies", agency_file([new_nfd, "", "department", ""]), actor=province_staff)
    assert Agency.objects.filter(name="Sở Khoa học và Công nghệ").exists()


def test_an_old_name_points_to_the_renamed_agency(db):
    agency = AgencyFactory(name="Sở Nội vụ mới")
    AgencyChange.objects.create(
        agency=agency,
        kind=AgencyChange.Kind.RENAME,
        effective_on=datetime.date(2025, 3, 1),
        old_name="Sở Nội vụ",
        new_name="Sở Nội vụ mới",
    )
    plan = preview_import("agencies", agency_file(["Sở Nội vụ", "", "department", ""]))
    assert plan.rows[0].errors == [
        "Đơn vị “Sở Nội vụ” đã đổi tên thành “Sở Nội vụ mới”; hãy dùng tên hiện tại."
    ]


def test_two_registry_agencies_with_one_name_are_an_error_unless_one_is_active(db):
    AgencyFactory(name="Sở Công Thương", status=Agency.Status.DISSOLVED)
    AgencyFactory(name="Sở Công Thương")
    assert statuses(
        preview_import("agencies", agency_file(["Sở Công Thương", "", "department", ""]))
    ) == ["unchanged"]
    AgencyFactory(name="Sở Công Thương")
    plan = preview_import("agencies", agency_file(["Sở Công Thương", "", "department", ""]))
    assert "Danh mục có 3 đơn vị cùng tên" in plan.rows[0].errors[0]


def test_html_in_cells_is_kept_as_text(db, province_staff):
    data = agency_file(["<script>alert(1)</script>", "<b>", "department", "<img src=x>"])
    commit_import("agencies", data, actor=province_staff)
    assert Agency.objects.filter(name="<script>alert(1)</script>", short_name="<b>").exists()


def test_a_service_refusal_mid_commit_rolls_everything_back_and_names_the_row(
    db, province_staff, monkeypatch
):
    real = structure.create_agency

    def refuse_third(**kwargs):
        if kwargs["name"] == "Đơn vị 3":
            raise ValidationError("Không được tạo.")
        return real(**kwargs)

    monkeypatch.setattr(structure, "create_agency", refuse_third)
    data = agency_file(*[[f"Đơn vị {n}", "", "department", ""] for n in range(1, 5)])
    text = refused_without_changes("agencies", data, province_staff)
    assert text == "Dòng 4: Không được tạo. Chưa có thay đổi nào được lưu."


def test_a_five_thousand_row_workbook_is_refused_whole_and_changes_nothing(db, province_staff):
    data = agency_file(*[[f"Đơn vị {n}", "", "department", ""] for n in range(5000)])
    text = refused_without_changes("agencies", data, province_staff)
    assert "vượt giới hạn 2.000 dòng" in text


def test_a_membership_workbook_in_the_agency_import_lists_the_wrong_columns(db, province_staff):
    text = refused_without_changes(
        "agencies", membership_file([2024, *VHXH, "Sở Y tế", "", "", ""]), province_staff
    )
    assert "Cột không nhận ra: “Năm”, “Khối thi đua”, “Mã khối”" in text
    assert "Thiếu cột: “Loại hình”" in text


def test_a_thousand_agencies_import_in_one_commit(db, province_staff):
    """Its duration is the bench's business (manage.py bench), never a test's."""
    data = agency_file(
        *[[f"Đơn vị thử nghiệm {n}", f"DV{n}", "Sở, ngành", ""] for n in range(1000)]
    )
    plan = preview_import("agencies", data)
    commit_import("agencies", data, actor=province_staff)
    assert plan.counts["new"] == 1000
    assert Agency.objects.count() == 1000


def test_the_agency_preview_query_count_does_not_grow_with_rows(db):
    small = agency_file(*[[f"Đơn vị {n}", "", "department", ""] for n in range(2)])
    large = agency_file(*[[f"Đơn vị {n}", "", "department", ""] for n in range(40)])
    AgencyFactory.create_batch(30)
    assert_same_queries(
        capture_queries(preview_import, "agencies", small),
        capture_queries(preview_import, "agencies", large),
        exactly=2,
    )


# --- One year's memberships ---------------------------------------------------------------


def test_a_years_export_reimports_with_every_row_unchanged(
    bloc_year, other_bloc_year, province_staff
):
    _name, _type, data = year_structure(2024)
    plan = preview_import("memberships", data)
    assert len(plan.rows) == 6
    assert set(statuses(plan)) == {"unchanged"}, [row.errors for row in plan.rows]
    assert not plan.has_changes
    before = state()
    commit_import("memberships", data, actor=province_staff)
    assert state() == before


def test_a_past_years_export_keeps_that_years_names_and_still_reimports(bloc_year, province_staff):
    agency = Agency.objects.get(name="Bảo hiểm xã hội tỉnh")
    structure.rename_agency(
        agency,
        new_name="Bảo hiểm xã hội khu vực",
        effective_on=datetime.date(2025, 7, 1),
        actor=province_staff,
    )
    _name, _type, data = year_structure(2024)
    plan = preview_import("memberships", data)
    [row] = [row for row in plan.rows if row.values["agency"] == "Bảo hiểm xã hội tỉnh"]
    assert row.status == "unchanged" and not row.errors
    assert "là tên năm 2024 của “Bảo hiểm xã hội khu vực”" in row.notes[0]
    later = membership_file([2026, *VHXH, "Bảo hiểm xã hội tỉnh", "", "", ""])
    [stale] = preview_import("memberships", later).rows
    assert "đã đổi tên thành" in stale.errors[0]


def test_the_first_year_creates_blocs_agencies_years_members_and_leaders(db, province_staff):
    health = AgencyFactory(name="Sở Y tế")
    data = membership_file(
        [2025, *VHXH, "Sở Y tế", "Nguyễn Thị Minh Hằng", "Giám đốc", "Trưởng khối"],
        [2025, *VHXH, "Sở Giáo dục và Đào tạo", "Phạm Văn Hùng", "Giám đốc", "Phó khối"],
        [2025, *VHXH, "Bảo hiểm xã hội tỉnh", "", "", ""],
        [2025, "Khối thi đua số 6", "KTĐ6", "Tỉnh đoàn", "Vũ Thanh Niên", "Bí thư", "khối trưởng"],
    )
    before = state()
    plan = preview_import("memberships", data)
    assert state() == before
    assert statuses(plan) == ["new"] * 4
    assert plan.year == 2025
    assert plan.notes == [
        "Sẽ tạo 2 khối mới: “Khối thi đua Văn hóa - Xã hội”, “Khối thi đua số 6”.",
        "Sẽ tạo 3 đơn vị mới (loại hình “Khác”): “Sở Giáo dục và Đào tạo”, "
        "“Bảo hiểm xã hội tỉnh”, “Tỉnh đoàn”.",
        "Sẽ mở năm 2025 cho 2 khối.",
        "Khối thi đua Văn hóa - Xã hội: trưởng khối — → Sở Y tế.",
        "Khối thi đua Văn hóa - Xã hội: phó khối — → Sở Giáo dục và Đào tạo.",
        "Khối thi đua số 6: trưởng khối — → Tỉnh đoàn.",
    ]
    assert "Khối mới: sẽ được tạo." in plan.rows[0].notes

    commit_import("memberships", data, actor=province_staff)
    vhxh = BlocYear.objects.get(bloc__code="KTĐVHXH", year=2025)
    assert vhxh.head == health
    assert vhxh.deputy.name == "Sở Giáo dục và Đào tạo"
    assert vhxh.memberships.count() == 3
    assert vhxh.memberships.get(agency=health).signatory_name == "Nguyễn Thị Minh Hằng"
    assert BlocYear.objects.get(bloc__code="KTĐ6", year=2025).head.name == "Tỉnh đoàn"
    assert Agency.objects.get(name="Tỉnh đoàn").kind == Agency.Kind.OTHER
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("blocs.bloc.created") == 2
    assert actions.count("blocs.bloc_year.created") == 2
    assert actions.count("blocs.agency.created") == 3
    assert actions.count("blocs.membership.added") == 4
    assert actions.count("blocs.bloc_year.leaders_assigned") == 2

    again = preview_import("memberships", data)
    assert set(statuses(again)) == {"unchanged"}
    assert not again.has_changes


def test_signatories_and_leaders_update_and_empty_cells_keep_values(bloc_year, province_staff):
    # The cast: Sở Y tế heads, Sở Giáo dục và Đào tạo is deputy in 2024.
    education = bloc_year.deputy
    health = bloc_year.head
    data = membership_file(
        [2024, *VHXH, "Sở Giáo dục và Đào tạo", "", "", "Trưởng khối"],
        [2024, *VHXH, "Sở Y tế", "Lê Văn Mới", "Phó Giám đốc phụ trách", ""],
    )
    plan = preview_import("memberships", data)
    assert statuses(plan) == ["update", "update"]
    assert plan.rows[0].changes == ["Vai trò: Phó khối → Trưởng khối"]
    assert plan.rows[1].changes[0] == "Vai trò: Trưởng khối → —"
    assert "Người ký:" in plan.rows[1].changes[1]
    old_signatory = bloc_year.memberships.get(agency=education).signatory_name
    commit_import("memberships", data, actor=province_staff)
    bloc_year.refresh_from_db()
    assert (bloc_year.head, bloc_year.deputy) == (education, None)
    assert bloc_year.memberships.get(agency=education).signatory_name == old_signatory
    assert bloc_year.memberships.get(agency=health).signatory_title == "Phó Giám đốc phụ trách"
    assert bloc_year.memberships.count() == 5
    assert AuditEntry.objects.filter(action="blocs.membership.signatory_updated").count() == 1


def test_an_agency_already_in_another_bloc_that_year_names_both_blocs(
    bloc_year, other_bloc_year, province_staff
):
    data = membership_file([2024, *VHXH, "Tỉnh đoàn", "", "", ""])
    plan = preview_import("memberships", data)
    assert statuses(plan) == ["error"]
    error = plan.rows[0].errors[0]
    assert "“Tỉnh đoàn” đã là thành viên “Khối thi đua số 6” năm 2024" in error
    assert "“Khối thi đua Văn hóa - Xã hội”" in error
    refused_without_changes("memberships", data, province_staff)


def test_a_new_member_after_the_conference_ended_is_an_error_in_the_preview(
    bloc_year, province_staff
):
    from awards.models import VotingSession
    from tests.awards.voting_fixtures import make_session

    session = make_session(bloc_year)
    VotingSession.objects.filter(pk=session.pk).update(state=VotingSession.State.FINALIZED)
    data = membership_file([2024, *VHXH, "Sở Khoa học và Công nghệ", "", "", ""])
    plan = preview_import("memberships", data)
    assert statuses(plan) == ["error"]
    assert plan.rows[0].errors == [
        "Hội nghị tổng kết năm 2024 của khối đã kết thúc; không thêm thành viên được nữa."
    ]
    refused_without_changes("memberships", data, province_staff)


def test_a_new_member_of_a_signed_covenant_is_told_it_will_sign(bloc_year, province_staff):
    from blocs.models import Covenant
    from tests.factories import covenant_for

    covenant = covenant_for(bloc_year, status="signed")
    data = membership_file([2024, *VHXH, "Sở Khoa học và Công nghệ", "Đỗ Văn Khoa", "", ""])
    plan = preview_import("memberships", data)
    assert statuses(plan) == ["new"]
    assert "Giao ước của khối đã ký đủ sẽ trở lại trạng thái đang ký kết" in " ".join(
        plan.rows[0].notes
    )
    commit_import("memberships", data, actor=province_staff)
    covenant.refresh_from_db()
    assert covenant.status == Covenant.Status.OPEN


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ([2024, "Khối lạ", "", "Sở Y tế", "", "", ""], "Khối “Khối lạ” chưa có; ghi “Mã khối”"),
        ([2024, "", "", "Sở Y tế", "", "", ""], "Thiếu khối thi đua"),
        ([2024, "", "KTĐMOI", "Sở Y tế", "", "", ""], "Mã khối “KTĐMOI” chưa có; ghi tên khối"),
        (
            [2024, "Khối thi đua số 6", "KTĐVHXH", "Sở Y tế", "", "", ""],
            "Mã khối “KTĐVHXH” là của “Khối thi đua Văn hóa - Xã hội”",
        ),
        (
            [2024, "Khối thi đua Văn hóa - Xã hội", "KHAC", "Sở Y tế", "", "", ""],
            "đã có mã “KTĐVHXH”, tệp ghi mã “KHAC”",
        ),
        ([2024, *VHXH, "", "", "", ""], "Thiếu “Đơn vị”."),
        ([2024, *VHXH, "x" * 301, "", "", ""], "dài 301 ký tự, tối đa 300"),
        ([2024, *VHXH, "Sở Y tế", "", "", "Chủ tịch"], "Vai trò “Chủ tịch” không hợp lệ"),
        ([1999, *VHXH, "Sở Y tế", "", "", ""], "Năm 1999 không hợp lệ"),
        (["năm nay", *VHXH, "Sở Y tế", "", "", ""], "không phải là số"),
        ([2024, *VHXH, "Sở Y tế", "=B2", "", ""], "Ô E2 chứa công thức"),
    ],
    ids=[
        "unknown-bloc",
        "no-bloc",
        "new-code-no-name",
        "code-name-mismatch",
        "name-other-code",
        "empty-agency",
        "long-agency",
        "bad-role",
        "bad-year",
        "text-year",
        "formula",
    ],
)
def test_bad_membership_rows_are_errors_and_change_nothing(
    bloc_year, other_bloc_year, province_staff, row, message
):
    data = membership_file(row)
    plan = preview_import("memberships", data)
    assert statuses(plan) == ["error"]
    assert any(message in error for error in plan.rows[0].errors), plan.rows[0].errors
    refused_without_changes("memberships", data, province_staff)


def test_a_second_year_in_one_file_is_an_error_on_that_row(bloc_year):
    plan = preview_import(
        "memberships",
        membership_file(
            [2024, *VHXH, "Sở Y tế", "", "", ""], [2025, *VHXH, "Sở Tư pháp", "", "", ""]
        ),
    )
    assert statuses(plan) == ["unchanged", "error"]
    assert plan.rows[1].errors == ["Năm 2025 khác năm của tệp (2024): mỗi tệp chỉ nhập một năm."]


def test_two_heads_or_one_agency_twice_are_errors_on_every_row_involved(db):
    plan = preview_import(
        "memberships",
        membership_file(
            [2025, *VHXH, "Sở Y tế", "", "", "Trưởng khối"],
            [2025, *VHXH, "Sở Tư pháp", "", "", "Trưởng khối"],
            [2025, *VHXH, "Sở Nội vụ", "", "", ""],
            [2025, "Khối thi đua số 6", "KTĐ6", "Sở Nội vụ", "", "", ""],
        ),
    )
    assert statuses(plan) == ["error"] * 4
    assert "Khối có 2 trưởng khối trong tệp: dòng 2, 3." in plan.rows[0].errors
    assert "Khối có 2 trưởng khối trong tệp: dòng 2, 3." in plan.rows[1].errors
    assert "“Sở Nội vụ” có hai lần trong tệp (dòng 4 và dòng 5)." in plan.rows[3].errors


def test_one_new_code_with_two_names_is_an_error(db):
    plan = preview_import(
        "memberships",
        membership_file(
            [2025, "Cụm thi đua số 1", "CUM1", "Xã A", "", "", ""],
            [2025, "Cụm thi đua số 2", "CUM1", "Xã B", "", "", ""],
        ),
    )
    assert statuses(plan) == ["new", "error"]
    assert plan.rows[1].errors == ["Mã khối “CUM1” đã dùng cho “Cụm thi đua số 1” ở dòng 2."]


def test_a_merged_agency_cannot_join_a_year_after_its_end(db, province_staff):
    successor = AgencyFactory(name="Sở Nội vụ")
    AgencyFactory(
        name="Sở Lao động - Thương binh và Xã hội",
        status=Agency.Status.MERGED,
        successor=successor,
        ended_on=datetime.date(2025, 2, 28),
    )
    data = membership_file([2026, *VHXH, "Sở Lao động - Thương binh và Xã hội", "", "", ""])
    plan = preview_import("memberships", data)
    assert "đã hợp nhất vào “Sở Nội vụ”" in plan.rows[0].errors[0]
    refused_without_changes("memberships", data, province_staff)
    assert statuses(
        preview_import(
            "memberships",
            membership_file([2025, *VHXH, "Sở Lao động - Thương binh và Xã hội", "", "", ""]),
        )
    ) == ["new"]


def test_an_inactive_bloc_cannot_open_a_new_year(db):
    BlocFactory(name=VHXH[0], code=VHXH[1], active=False)
    plan = preview_import("memberships", membership_file([2025, *VHXH, "Sở Y tế", "", "", ""]))
    assert "không còn hoạt động" in plan.rows[0].errors[0]


def test_a_five_thousand_row_membership_workbook_changes_nothing(bloc_year, province_staff):
    rows = [[2024, *VHXH, f"Đơn vị {n}", "", "", ""] for n in range(5000)]
    text = refused_without_changes("memberships", membership_file(*rows), province_staff)
    assert "Dòng 2002 vượt giới hạn 2.000 dòng" in text


def test_the_membership_preview_query_count_does_not_grow_with_rows(db):
    for n in range(3):
        bloc = BlocFactory(name=f"Khối {n}", code=f"K{n}")
        BlocYearFactory(bloc=bloc, year=2025)

    def workbook(count):
        return membership_file(
            *[[2025, f"Khối {n % 3}", f"K{n % 3}", f"Đơn vị {n}", "", "", ""] for n in range(count)]
        )

    small, large = workbook(2), workbook(40)
    assert_same_queries(
        capture_queries(preview_import, "memberships", small),
        capture_queries(preview_import, "memberships", large),
        exactly=5,
    )


def test_a_bloc_named_by_code_only_is_found_and_named_in_the_leader_note(bloc_year):
    plan = preview_import(
        "memberships",
        membership_file([2024, "", "KTĐVHXH", "Bảo hiểm xã hội tỉnh", "", "", "Phó khối"]),
    )
    assert statuses(plan) == ["update"]
    assert plan.notes == [
        "Khối thi đua Văn hóa - Xã hội: phó khối Sở Giáo dục và Đào tạo → Bảo hiểm xã hội tỉnh."
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_commits_of_one_file_create_each_agency_once(province_staff):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    data = agency_file(*[[f"Đơn vị đồng thời {n}", "", "department", ""] for n in range(30)])
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            commit_import("agencies", data, actor=province_staff)
        except Exception as error:  # collected and asserted empty below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Agency.objects.filter(name__startswith="Đơn vị đồng thời").count() == 30
    assert AuditEntry.objects.filter(action="blocs.agency.created").count() == 30

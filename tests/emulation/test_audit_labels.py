"""Readable history: every action code the source logs has a Vietnamese label, and an entry's
details read as people read them (labels, dates, booleans, lists, choices, names for ids)."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from hypothesis import given
from hypothesis import strategies as st

from emulation import audit_labels
from emulation.audit import log_action
from emulation.audit_display import EMPTY, SHORT_TEXT, readable_entries
from emulation.models import AuditEntry
from portal.bench.measure import capture_queries
from tests.emulation.audit_codes import CODE, logged_codes, logged_detail_keys
from tests.factories import AgencyFactory, AwardProposalFactory
from tests.queries import assert_same_queries


def test_every_action_code_the_services_log_has_a_label():
    codes, _unresolved = logged_codes()
    labelled = audit_labels.all_actions()
    missing = {code: where for code, where in codes.items() if code not in labelled}
    assert not missing, f"Codes without a label (add them to the app's audit_labels): {missing}"


def test_every_audit_call_leads_to_a_code_the_scan_can_read():
    _codes, unresolved = logged_codes()
    assert not unresolved, f"Audit calls whose code the scan cannot follow: {unresolved}"


def test_the_scan_follows_codes_built_at_run_time():
    codes, _unresolved = logged_codes()
    built = {
        "blocs.covenant.back_to_signing",  # a dict of verbs indexed by the new state
        "blocs.registration.resubmitted",  # a conditional inside that dict
        "awards.proposal.council_rejected",  # a parameter, through its call sites
        "blocs.bloc_year.election_applied",  # a positional argument
        "emulation.group.deleted",  # a class attribute in an f-string
        "emulation.user.password_changed",  # a parameter's default
        "awards.poll.counted",  # a comprehension's loop variable (the bench)
    }
    assert built <= set(codes)
    assert not any(code.startswith(".") for code in codes)


def test_every_detail_key_the_services_write_has_a_label():
    """A key is labelled by the registry or is a model field (its verbose name is used)."""
    from django.apps import apps

    fields = {f.name for model in apps.get_models() for f in model._meta.get_fields()}
    missing = {
        key: where
        for key, where in logged_detail_keys().items()
        if audit_labels.detail("", key) is None and key not in fields
    }
    assert not missing, f"Detail keys without a label: {missing}"


def test_every_registered_detail_points_at_a_real_field_or_model():
    from django.apps import apps

    for key, registered in audit_labels.all_details().items():
        if registered.field:
            app_label, model_name, name = registered.field.split(".")
            apps.get_model(app_label, model_name)._meta.get_field(name)
        if registered.model:
            model = apps.get_model(registered.model)
            assert registered.by == "pk" or model._meta.get_field(registered.by).unique, key
        assert registered.label or registered.field, key


def test_registered_codes_are_well_formed_and_translatable():
    for group in audit_labels.action_groups():
        for code, label in group.actions.items():
            assert CODE.fullmatch(code), code
            assert code.startswith(f"{group.prefix}."), code
            assert isinstance(label, Promise) and str(label).strip(), code


def test_labels_of_one_app_are_distinct_so_the_filter_can_tell_them_apart():
    for group in audit_labels.action_groups():
        labels = [str(label) for label in group.actions.values()]
        assert len(labels) == len(set(labels)), group.prefix


def test_an_unknown_code_reads_as_itself():
    assert audit_labels.action_label("blocs.something.new") == "blocs.something.new"
    assert audit_labels.action_label("") == ""


def _read(province_staff, data, *, action="blocs.agency.updated", obj=None):
    entry = log_action(action, obj, actor=province_staff, data=data)
    return readable_entries([AuditEntry.objects.get(pk=entry.pk)])[0]


def _texts(change):
    side = lambda shown: shown.lines or shown.text  # noqa: E731
    return (side(change.old) if change.old else None, side(change.new))


def test_a_field_change_reads_with_the_field_name_and_the_choice_labels(province_staff):
    agency = AgencyFactory(name="Sở Y tế")
    row = _read(province_staff, {"kind": ["department", "board"]}, obj=agency)
    assert row.action == "Sửa thông tin đơn vị"
    assert row.target_type == "Cơ quan, đơn vị"
    assert row.changes[0].label == "Loại hình"
    assert _texts(row.changes[0]) == ("Sở, ngành", "Ban, văn phòng")


def test_award_type_codes_read_as_their_names(province_staff, bloc_year):
    row = _read(
        province_staff,
        {"titles": [[], ["CO_TINH", "KHONG_CON"]]},
        action="blocs.registration.saved",
        obj=bloc_year,
    )
    old, new = _texts(row.changes[0])
    assert row.changes[0].old.empty and old == str(EMPTY)
    assert new[0] != "CO_TINH" and "Cờ thi đua" in new[0]
    assert new[1] == "KHONG_CON (không còn)"


def test_facts_read_as_single_values_and_lists_one_per_line(province_staff):
    row = _read(
        province_staff,
        {"candidates": ["Sở A; Sở B; Sở C"], "seats": [2], "reason": "Nhập nhầm"},
        action="awards.poll.created",
    )
    by_label = {change.label: change for change in row.changes}
    assert by_label["Danh sách bầu"].old is None
    assert by_label["Danh sách bầu"].new.lines == ["Sở A", "Sở B", "Sở C"]
    assert by_label["Số đơn vị được chọn"].new.text == "2"
    assert by_label["Lý do"].new.text == "Nhập nhầm"


def test_a_two_item_list_of_a_list_key_is_one_list_not_a_change(province_staff):
    row = _read(
        province_staff, {"merged": ["Sở A (Hà Nam)", "Sở B"]}, action="blocs.agency.sisters_merged"
    )
    assert row.changes[0].old is None
    assert row.changes[0].new.lines == ["Sở A (Hà Nam)", "Sở B"]


def test_ids_read_as_names_while_the_object_exists(province_staff):
    proposal = AwardProposalFactory()
    row = _read(
        province_staff,
        {"runoff_poll": [987654], "decision": ["QĐ 12"]},
        action="awards.poll.tie_resolved",
        obj=proposal,
    )
    by_label = {change.label: change for change in row.changes}
    assert by_label["Cuộc bỏ phiếu lại"].new.text == "987654 (không còn)"


def test_a_long_text_is_shortened_with_the_full_text_kept(province_staff):
    text = "Điều khoản rất dài " * 30
    row = _read(province_staff, {"reason": [text]})
    shown = row.changes[0].new
    assert len(shown.text) <= SHORT_TEXT and shown.text.endswith("…")
    assert shown.full == text


def test_an_aware_datetime_reads_in_local_time(province_staff):
    moment = datetime.datetime(2024, 3, 31, 17, 30, tzinfo=datetime.UTC)
    row = _read(
        province_staff, {"exported_at": [moment.isoformat()]}, action="awards.bundle.imported"
    )
    assert row.changes[0].new.text == "01/04/2024 00:30"


@given(st.dates(min_value=datetime.date(1, 1, 1)))
def test_every_date_reads_day_month_year(day):
    from emulation.audit_display import _date_text

    assert _date_text(day.isoformat()) == f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


@given(st.text(max_size=40).filter(lambda text: not text[:4].isdigit()))
def test_text_that_is_no_date_is_left_alone(text):
    from emulation.audit_display import _date_text

    assert _date_text(text) is None


@pytest.mark.django_db
@given(
    st.lists(
        st.one_of(st.booleans(), st.integers(-(10**30), 10**30), st.text(min_size=1, max_size=20)),
        min_size=3,
        max_size=12,
    )
)
def test_a_list_reads_one_item_per_line_and_booleans_as_co_khong(values):
    from emulation.audit_display import _Reading, _shown

    shown = _shown(values, _Reading(label="x", choices={}), {})
    expected = [
        ("Có" if value else "Không") if isinstance(value, bool) else value for value in values
    ]
    assert len(shown.lines) == len([v for v in values if v != ""])
    for line, value in zip(shown.lines, expected, strict=False):
        if isinstance(value, str) and value in ("Có", "Không"):
            assert line == value


def test_empty_values_read_as_trong(province_staff):
    row = _read(province_staff, {"notes": [None, ""], "title": []})
    for change in row.changes:
        assert change.new.empty and change.new.text == "(trống)"


def test_the_history_include_shows_labels_not_codes(province_staff):
    agency = AgencyFactory(name="Sở Nội vụ")
    log_action(
        "blocs.agency.updated",
        agency,
        actor=province_staff,
        data={"kind": ["department", "board"], "notes": ["", "<b>đậm</b>"]},
    )
    html = render_to_string(
        "includes/history.html", {"history": AuditEntry.objects.for_object(agency)}
    )
    assert "Sửa thông tin đơn vị" in html
    assert ">blocs.agency.updated<" not in html and "department" not in html
    assert 'title="blocs.agency.updated"' in html  # the code stays at hand for support
    assert "Sở, ngành" in html and "Ban, văn phòng" in html
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_the_history_include_costs_the_same_for_2_and_50_entries(province_staff):
    agency = AgencyFactory(name="Sở Tư pháp")
    AgencyFactory(name="Sở Công Thương")

    def add(count):
        for index in range(count):
            log_action(
                "blocs.agency.updated",
                agency,
                actor=province_staff,
                data={"successor": [None, index + 1], "notes": ["", f"lần {index}"]},
            )

    def render():
        render_to_string(
            "includes/history.html", {"history": AuditEntry.objects.for_object(agency)[:50]}
        )

    add(2)
    render()
    few = capture_queries(render)
    add(48)
    many = capture_queries(render)
    assert_same_queries(few, many, exactly=2)


def test_a_time_in_the_entry_is_shown_in_local_time(province_staff):
    entry = log_action("blocs.agency.updated", None, actor=province_staff, data={})
    html = render_to_string("includes/history.html", {"history": [entry]})
    assert timezone.localtime(entry.created_at).strftime("%d/%m/%Y %H:%M") in html


def test_numbers_too_big_to_be_ids_are_shown_as_they_are(province_staff):
    agency = AgencyFactory(name="Sở Xây dựng")
    row = _read(province_staff, {"successor": [10**30, "99999999999999999999999"]}, obj=agency)
    assert _texts(row.changes[0]) == (str(10**30), "99999999999999999999999")

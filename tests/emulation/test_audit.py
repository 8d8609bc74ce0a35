"""The append-only audit log: the one writing path, its refusals, and the province staff page."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from emulation.audit import diff, log_action, snapshot
from emulation.middleware import LoginRequiredMiddleware
from emulation.models import AuditEntry
from portal.bench.measure import capture_queries
from tests.factories import AgencyFactory
from tests.queries import assert_num_queries, assert_same_queries


def log_inside_a_request(user, remote_addr, **meta):
    """Run log_action from a view behind the portal's middleware, as a service would."""
    entries = []

    def view(request):
        entries.append(
            log_action(
                "blocs.agency.renamed",
                agency,
                actor=request.user,
                data=diff({"name": "Sở Lao động"}, {"name": "Sở Nội vụ"}),
            )
        )
        return HttpResponse("ok")

    agency = AgencyFactory(name="Sở Nội vụ")
    request = RequestFactory().post("/anything/", REMOTE_ADDR=remote_addr, **meta)
    request.user = user
    LoginRequiredMiddleware(view)(request)
    return entries[0], agency


def test_log_action_records_actor_ip_action_object_and_the_changed_fields(province_staff):
    entry, agency = log_inside_a_request(province_staff, "10.20.30.40")
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == province_staff
    assert entry.actor_name == "Lê Thị Cán Bộ"
    assert entry.ip_address == "10.20.30.40"
    assert entry.action == "blocs.agency.renamed"
    assert entry.content_type == ContentType.objects.get_for_model(agency)
    assert entry.object_id == str(agency.pk)
    assert entry.object_repr == "Sở Nội vụ"
    assert entry.data == {"name": ["Sở Lao động", "Sở Nội vụ"]}
    assert entry.created_at is not None


def test_the_real_ip_header_is_used_only_when_trusted(province_staff, settings):
    settings.TRUST_X_REAL_IP = False
    entry, _ = log_inside_a_request(province_staff, "127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    assert entry.ip_address == "127.0.0.1"
    settings.TRUST_X_REAL_IP = True
    entry, _ = log_inside_a_request(province_staff, "127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    assert entry.ip_address == "203.0.113.9"


def test_an_entry_written_after_a_request_does_not_inherit_its_ip(province_staff):
    log_inside_a_request(province_staff, "10.20.30.40")
    entry = log_action("emulation.demo.loaded", None, actor=None)
    assert entry.ip_address is None


def test_log_action_without_an_actor_is_written_as_the_system(db):
    entry = log_action("emulation.demo.loaded", None, actor=None, data={"agencies": 23})
    assert entry.actor is None
    assert entry.actor_name == "hệ thống"
    assert entry.content_type is None
    assert entry.data == {"agencies": 23}


def test_diff_keeps_only_changed_fields_as_json_values(db):
    import datetime
    from decimal import Decimal

    agency = AgencyFactory(name="Sở Y tế")
    before = {"name": "Sở Y tế", "ended_on": None, "score": Decimal("9.5"), "same": 1}
    after = {
        "name": "Sở Y tế",
        "ended_on": datetime.date(2025, 2, 28),
        "score": Decimal("9.75"),
        "same": 1,
        "successor": agency,
    }
    assert diff(before, after) == {
        "ended_on": [None, "2025-02-28"],
        "score": ["9.5", "9.75"],
        "successor": [None, "Sở Y tế"],
    }


def test_snapshot_reads_the_named_fields(db):
    agency = AgencyFactory(name="Sở Tư pháp", short_name="STP")
    assert snapshot(agency, ["name", "short_name"]) == {"name": "Sở Tư pháp", "short_name": "STP"}


def test_an_entry_cannot_be_saved_twice(db):
    entry = log_action("emulation.demo.loaded", None, actor=None)
    entry.action = "emulation.demo.hidden"
    with pytest.raises(PermissionError, match="append-only"):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "emulation.demo.loaded"


def test_an_entry_cannot_be_deleted(db):
    entry = log_action("emulation.demo.loaded", None, actor=None)
    with pytest.raises(PermissionError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_entries_cannot_be_updated_or_deleted_in_bulk(db):
    log_action("emulation.demo.loaded", None, actor=None)
    with pytest.raises(PermissionError, match="append-only"):
        AuditEntry.objects.update(action="x")
    with pytest.raises(PermissionError, match="append-only"):
        AuditEntry.objects.filter(action="emulation.demo.loaded").delete()
    assert AuditEntry.objects.filter(action="emulation.demo.loaded").count() == 1


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE emulation_auditentry SET action = 'x' WHERE id = %s",
        "DELETE FROM emulation_auditentry WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_postgresql_refuses_raw_updates_and_deletes(db, sql):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    entry = log_action("emulation.demo.loaded", None, actor=None)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "emulation.demo.loaded"


def test_for_object_lists_one_objects_history(province_staff):
    first, second = AgencyFactory(), AgencyFactory()
    log_action("blocs.agency.created", first, actor=province_staff)
    log_action("blocs.agency.created", second, actor=province_staff)
    log_action("blocs.agency.renamed", first, actor=province_staff, data={"name": ["A", "B"]})
    assert [entry.action for entry in AuditEntry.objects.for_object(first)] == [
        "blocs.agency.renamed",
        "blocs.agency.created",
    ]


def test_the_history_include_shows_who_did_what_and_the_change(province_staff):
    agency = AgencyFactory(name="Sở Nội vụ")
    log_action(
        "blocs.agency.renamed", agency, actor=province_staff, data={"name": ["Sở A", "Sở B"]}
    )
    html = render_to_string(
        "includes/history.html", {"history": AuditEntry.objects.for_object(agency)}
    )
    assert "Lịch sử thay đổi" in html
    assert "Lê Thị Cán Bộ" in html
    assert "Đổi tên đơn vị" in html and ">blocs.agency.renamed<" not in html
    assert "Sở A" in html and "→" in html and "Sở B" in html


def test_the_history_include_says_when_nothing_happened_yet():
    html = render_to_string("includes/history.html", {"history": []})
    assert "Chưa có thay đổi nào." in html


def make_entries(count: int, actor):
    agency = AgencyFactory(name="Sở Y tế")
    for index in range(count):
        log_action(
            "blocs.agency.updated" if index % 2 else "blocs.bloc_year.created",
            agency,
            actor=actor,
            data={"notes": ["", f"lần {index}"]},
        )


def test_the_audit_page_lists_entries_for_province_staff(staff_client, province_staff):
    make_entries(3, province_staff)
    response = staff_client.get(reverse("audit_log"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nhật ký hệ thống" in content
    # The three, and the sign-in the test client's force_login recorded.
    assert content.count('class="list-group-item audit-entry"') == 4
    assert content.count('title="emulation.login.succeeded"') == 1
    assert "Lê Thị Cán Bộ" in content


def test_the_audit_page_filters_by_action(staff_client, province_staff):
    make_entries(4, province_staff)
    content = staff_client.get(reverse("audit_log"), {"action": "blocs.agency"}).content.decode()
    assert content.count('title="blocs.agency.updated"') == 2
    assert 'title="blocs.bloc_year.created"' not in content


def test_the_audit_page_filters_by_actor_name(staff_client, province_staff, bloc_head):
    make_entries(2, province_staff)
    log_action("blocs.agency.updated", None, actor=bloc_head, data={})
    content = staff_client.get(reverse("audit_log"), {"actor": str(bloc_head)}).content.decode()
    assert content.count('class="list-group-item audit-entry"') == 1


def test_the_audit_page_survives_hostile_filters(staff_client, province_staff):
    make_entries(2, province_staff)
    response = staff_client.get(
        reverse("audit_log"), {"action": "<script>", "actor": "' OR 1=1 --", "page": "-1"}
    )
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]


@pytest.mark.parametrize("client_name", ["head_client", "deputy_client", "member_client"])
def test_the_audit_page_is_refused_to_bloc_users(request, client_name):
    assert request.getfixturevalue(client_name).get(reverse("audit_log")).status_code == 403


def test_the_audit_page_costs_a_fixed_number_of_queries(staff_client, province_staff):
    make_entries(5, province_staff)
    staff_client.get(reverse("audit_log"))  # warm the content-type cache
    # session, user, staff group, blocs (filter), object types with entries, count, entries.
    with assert_num_queries(7):
        staff_client.get(reverse("audit_log"))


def test_the_audit_page_does_not_grow_with_the_entries(staff_client, province_staff):
    make_entries(5, province_staff)
    staff_client.get(reverse("audit_log"))
    few = capture_queries(staff_client.get, reverse("audit_log"))
    make_entries(55, province_staff)
    many = capture_queries(staff_client.get, reverse("audit_log"))
    assert_same_queries(few, many)

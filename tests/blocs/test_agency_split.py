"""A split (chia tách) makes a new agency from a date: recorded ahead it waits for that date,
its award history reaches back to its parent, and it can be cancelled until then."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards.models import AwardRecord
from blocs.models import Agency, AgencyChange
from blocs.services import structure as services
from emulation.models import AuditEntry
from tests.factories import AgencyFactory, AwardRecordFactory, BlocYearFactory, MembershipFactory

TODAY = datetime.date.today()
NEXT_YEAR = datetime.date(TODAY.year + 1, 1, 1)


@pytest.fixture
def parent(db):
    agency = AgencyFactory(name="Sở Văn hóa, Thể thao và Du lịch", short_name="SVHTTDL")
    AwardRecordFactory(agency=agency, year=2023)
    return agency


def _split(parent, actor, *, on=NEXT_YEAR, name="Sở Du lịch"):
    return services.split_agency(
        parent,
        new_name=name,
        new_short_name="SDL",
        effective_on=on,
        decision_ref="Quyết định số 45/QĐ-UBND",
        actor=actor,
    )


def test_a_split_dated_ahead_waits_and_its_history_reaches_back(parent, province_staff):
    created = _split(parent, province_staff)
    assert created.established_on == NEXT_YEAR and created.established_later
    assert created.kind == parent.kind and parent.pk in created.lineage_ids()
    assert AwardRecord.objects.for_lineage(created).count() == 1
    change = created.changes.get()
    assert (change.kind, change.related_agency) == (AgencyChange.Kind.SPLIT_FROM, parent)
    assert AuditEntry.objects.get(action="blocs.agency.split").data["split_from"] == parent.name


def test_it_may_not_join_a_bloc_before_its_year(parent, province_staff):
    created = _split(parent, province_staff)
    this_year = BlocYearFactory(year=TODAY.year)
    with pytest.raises(ValidationError):
        services.add_member(this_year, created, actor=province_staff)
    later = BlocYearFactory(year=NEXT_YEAR.year)
    services.add_member(later, created, actor=province_staff)


def test_the_name_must_be_new_once_folded(parent, province_staff):
    AgencyFactory(name="Sở Du lịch")
    with pytest.raises(ValidationError, match="Đã có đơn vị đang hoạt động tên “Sở Du lịch”"):
        _split(parent, province_staff, name=unicodedata.normalize("NFD", "SỞ DU LỊCH"))
    with pytest.raises(ValidationError, match="Hãy nhập tên đơn vị mới"):
        _split(parent, province_staff, name="   ")


def test_cancelling_before_its_date_removes_the_new_agency(parent, province_staff):
    created = _split(parent, province_staff)
    source = services.cancel_agency_change(
        created.changes.get(), reason="Chưa có quyết định chính thức", actor=province_staff
    )
    assert source == parent and not Agency.objects.filter(pk=created.pk).exists()
    entry = AuditEntry.objects.get(action="blocs.agency.change_cancelled")
    assert entry.data["new_name"] == "Sở Du lịch"


def test_a_split_with_members_or_in_force_is_not_cancelled(parent, province_staff):
    created = _split(parent, province_staff)
    MembershipFactory(bloc_year=BlocYearFactory(year=NEXT_YEAR.year), agency=created)
    with pytest.raises(ValidationError, match="không hủy được"):
        services.cancel_agency_change(created.changes.get(), reason="x", actor=province_staff)
    past = _split(parent, province_staff, on=datetime.date(2025, 7, 1), name="Sở Thể thao")
    with pytest.raises(ValidationError, match="đã có hiệu lực"):
        services.cancel_agency_change(past.changes.get(), reason="x", actor=province_staff)


def test_the_pages_show_the_split_scheduled(parent, staff_client):
    response = staff_client.post(
        reverse("blocs:agency_split", args=[parent.pk]),
        {
            "new_name": "Sở Du lịch",
            "new_kind": "department",
            "effective_on": NEXT_YEAR.isoformat(),
        },
    )
    assert response.status_code == 302
    created = Agency.objects.get(name="Sở Du lịch")
    day = NEXT_YEAR.strftime("%d/%m/%Y")
    assert (
        f"Sẽ thành lập từ {day}"
        in staff_client.get(reverse("blocs:agency_detail", args=[created.pk])).content.decode()
    )
    source = staff_client.get(reverse("blocs:agency_detail", args=[parent.pk])).content.decode()
    assert "Đơn vị chia tách từ đơn vị này" in source and "Chưa đến ngày hiệu lực" in source
    registry = staff_client.get(reverse("blocs:agency_list") + "?q=du+lich").content.decode()
    assert f"thành lập từ {day}" in registry
    cancel = staff_client.post(
        reverse("blocs:agency_change_cancel", args=[created.pk, created.changes.get().pk]),
        {"reason": "Nhầm"},
    )
    assert cancel["Location"] == reverse("blocs:agency_detail", args=[parent.pk])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"new_name": ""}, "Vui lòng nhập tên đơn vị mới"),
        ({"new_name": "x" * 301}, "tối đa 300 ký tự"),
        ({"effective_on": "2020-01-01"}, "Ngày hiệu lực"),
    ],
)
def test_a_wrong_split_is_a_form_error(parent, staff_client, province_staff, data, message):
    services.rename_agency(
        parent,
        new_name="Sở Văn hóa và Thể thao",
        effective_on=datetime.date(2025, 3, 1),
        actor=province_staff,
    )
    post = {"new_name": "Sở Du lịch", "new_kind": "department", "effective_on": "2026-01-01"}
    response = staff_client.post(reverse("blocs:agency_split", args=[parent.pk]), {**post, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Agency.objects.filter(name="Sở Du lịch").exists()

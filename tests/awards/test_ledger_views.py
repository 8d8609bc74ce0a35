"""Ledger pages: the list, revocation through the page, and the agency page's awards panel."""

import datetime

from django.urls import reverse

from awards.models import AwardRecord
from blocs.services.structure import merge_agency, rename_agency
from portal.bench.measure import capture_queries
from tests.factories import AgencyFactory, AwardRecordFactory, award_type
from tests.queries import assert_num_queries, assert_same_queries

LEDGER = reverse("awards:ledger")


def test_the_ledger_lists_awards_with_filters_in_fixed_queries(staff_client, db):
    AwardRecordFactory(award_type=award_type("CO_TINH"), year=2023)
    few = capture_queries(staff_client.get, LEDGER)
    for _ in range(20):
        AwardRecordFactory(award_type=award_type("TTLDXS"), year=2022)
    with assert_num_queries(7):
        response = staff_client.get(LEDGER)
    assert_same_queries(capture_queries(staff_client.get, LEDGER), few)
    assert "Tập thể lao động xuất sắc" in response.content.decode()
    filtered = staff_client.get(LEDGER + "?year=2023").content.decode()
    assert "Tập thể lao động xuất sắc</td>" not in filtered


def test_staff_revoke_an_award_by_a_later_decision(staff_client, db):
    record = AwardRecordFactory()
    response = staff_client.post(
        reverse("awards:award_revoke", args=[record.pk]),
        {
            "number": "77/QĐ-UBND",
            "signed_on": "2025-10-01",
            "signer_name": "Nguyễn Văn Chủ",
            "reason": "Thành tích không đúng sự thật",
        },
        follow=True,
    )
    assert "Đã thu hồi khen thưởng." in response.content.decode()
    record.refresh_from_db()
    assert record.status == AwardRecord.Status.REVOKED


def test_revoking_without_a_reason_is_refused_and_keeps_what_was_typed(staff_client, db):
    record = AwardRecordFactory()
    response = staff_client.post(
        reverse("awards:award_revoke", args=[record.pk]),
        {"number": "77/QĐ-UBND", "signed_on": "2025-10-01", "reason": ""},
    )
    assert response.status_code == 400
    assert 'value="77/QĐ-UBND"' in response.content.decode()
    record.refresh_from_db()
    assert record.status == AwardRecord.Status.AWARDED


def test_the_revoke_page_shows_the_award_and_the_ledger_links_to_it(staff_client, db):
    record = AwardRecordFactory()
    url = reverse("awards:award_revoke", args=[record.pk])
    assert url in staff_client.get(reverse("awards:ledger")).content.decode()
    page = staff_client.get(url).content.decode()
    assert record.agency.name in page and record.decision.number in page


def test_a_revoked_award_cannot_be_revoked_twice(staff_client, db):
    record = AwardRecordFactory()
    data = {"number": "77/QĐ-UBND", "signed_on": "2025-10-01", "reason": "Không đúng sự thật"}
    url = reverse("awards:award_revoke", args=[record.pk])
    staff_client.post(url, data)
    again = staff_client.post(url, {**data, "number": "78/QĐ-UBND"})
    assert again.status_code == 400
    assert "Khen thưởng này đã bị thu hồi." in again.content.decode()
    record.refresh_from_db()
    assert record.revoked_by.number == "77/QĐ-UBND"


def test_only_staff_may_revoke(cast_clients, db):
    record = AwardRecordFactory()
    for role in ("head", "deputy", "member", "outsider"):
        response = cast_clients[role].post(reverse("awards:award_revoke", args=[record.pk]))
        assert response.status_code == 403, role


def test_the_agency_page_lists_awards_across_renames_and_mergers(staff_client, province_staff):
    labour = AgencyFactory(name="Sở Lao động - Thương binh và Xã hội")
    home = AgencyFactory(name="Sở Nội vụ")
    AwardRecordFactory(agency=labour, award_type=award_type("CO_TINH"), year=2022)
    AwardRecordFactory(agency=home, award_type=award_type("TTLDXS"), year=2023)
    merge_agency(labour, into=home, effective_on=datetime.date(2025, 3, 1), actor=province_staff)
    rename_agency(
        home,
        new_name="Sở Nội vụ tỉnh",
        effective_on=datetime.date(2025, 7, 1),
        actor=province_staff,
    )
    text = staff_client.get(reverse("blocs:agency_detail", args=[home.pk])).content.decode()
    assert 'data-testid="agency-awards"' in text
    assert "Cờ thi đua của UBND tỉnh" in text
    assert "Sở Lao động - Thương binh và Xã hội" in text
    assert "đơn vị tiền thân" in text
    assert "Tập thể lao động xuất sắc" in text

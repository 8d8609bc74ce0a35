"""Award type pages: staff list, add and edit types; codes never change."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards.models import AwardType
from awards.services.types import create_award_type, update_award_type
from emulation.models import AuditEntry
from tests.queries import assert_max_queries

NEW_TYPE = {
    "code": "BK_BO",
    "legal_name": "Bằng khen của Bộ trưởng",
    "label": "",
    "kind": "award",
    "recipient": "both",
    "deciding_level": "agency_head",
    "order": "200",
}


def test_the_seeded_types_are_listed_for_staff(staff_client):
    with assert_max_queries(8):
        page = staff_client.get(reverse("awards:award_type_list")).content.decode()
    for code in ("CO_CP", "CO_TINH", "TTLDXS", "CSTD_TINH", "BK_TINH", "HCLD_3"):
        assert code in page
    assert "Cờ thi đua của UBND tỉnh" in page


@pytest.mark.parametrize("client_name", ["head_client", "member_client"])
def test_only_staff_reach_the_award_type_pages(db, request, client_name):
    client = request.getfixturevalue(client_name)
    pk = AwardType.objects.get(code="CO_TINH").pk
    assert client.get(reverse("awards:award_type_list")).status_code == 403
    assert client.post(reverse("awards:award_type_create"), NEW_TYPE).status_code == 403
    response = client.post(reverse("awards:award_type_edit", args=[pk]), {"label": "X"})
    assert response.status_code == 403
    assert not AwardType.objects.filter(code="BK_BO").exists()


def test_staff_add_a_type_and_the_label_defaults_to_the_legal_name(staff_client):
    response = staff_client.post(reverse("awards:award_type_create"), NEW_TYPE)
    assert response.status_code == 302
    award_type = AwardType.objects.get(code="BK_BO")
    assert award_type.label == "Bằng khen của Bộ trưởng"
    assert (
        AuditEntry.objects.for_object(award_type)
        .filter(action="awards.award_type.created")
        .exists()
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [("CO_TINH", "đã được dùng"), ("bk bo", "Mã gồm"), ("Đ1", "Mã gồm"), ("", "Vui lòng nhập")],
    ids=["duplicate", "spaces", "accented", "missing"],
)
def test_a_bad_code_is_refused(staff_client, code, message):
    before = AwardType.objects.count()
    response = staff_client.post(reverse("awards:award_type_create"), {**NEW_TYPE, "code": code})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AwardType.objects.count() == before


def test_staff_edit_label_order_and_use_but_a_posted_code_is_ignored(staff_client):
    award_type = AwardType.objects.get(code="CO_TINH")
    response = staff_client.post(
        reverse("awards:award_type_edit", args=[award_type.pk]),
        {
            "code": "CO_MOI",
            "kind": "award",
            "legal_name": award_type.legal_name,
            "label": unicodedata.normalize("NFD", "Cờ thi đua của Ủy ban nhân dân tỉnh"),
            "order": "15",
        },
    )
    assert response.status_code == 302
    award_type.refresh_from_db()
    assert award_type.code == "CO_TINH"
    assert award_type.kind == "title"
    assert award_type.label == "Cờ thi đua của Ủy ban nhân dân tỉnh"
    assert award_type.order == 15 and award_type.active is False
    entry = AuditEntry.objects.for_object(award_type).get(action="awards.award_type.updated")
    assert set(entry.data) == {"label", "order", "active"}


def test_the_service_refuses_to_change_a_code(province_staff):
    award_type = AwardType.objects.get(code="CO_CP")
    with pytest.raises(ValidationError, match="Không được thay đổi code"):
        update_award_type(award_type, code="CO_CP2", actor=province_staff)
    with pytest.raises(ValidationError, match="Không được thay đổi kind"):
        update_award_type(award_type, kind="award", actor=province_staff)
    award_type.refresh_from_db()
    assert award_type.code == "CO_CP"


def test_an_empty_label_is_refused(province_staff):
    award_type = AwardType.objects.get(code="CO_CP")
    with pytest.raises(ValidationError):
        update_award_type(award_type, label="  ", actor=province_staff)


def test_codes_are_stored_upper_case(province_staff):
    award_type = create_award_type(
        code="bk_so",
        legal_name="Giấy khen của Giám đốc Sở",
        kind="award",
        recipient="both",
        deciding_level="agency_head",
        actor=province_staff,
    )
    assert award_type.code == "BK_SO"


def test_the_edit_page_shows_the_code_as_fixed_and_the_history(staff_client, province_staff):
    award_type = AwardType.objects.get(code="TTLDXS")
    update_award_type(award_type, label="Tập thể LĐXS", actor=province_staff)
    page = staff_client.get(
        reverse("awards:award_type_edit", args=[award_type.pk])
    ).content.decode()
    assert "Mã (cố định)" in page and 'name="code"' not in page
    assert "awards.award_type.updated" in page

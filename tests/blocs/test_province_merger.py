"""A merged province holds its former provinces: their agencies are tagged, a namesake of
another province is not a duplicate, sister agencies merge into one with their awards, and the
statistics count each former province apart."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards.models import AwardRecord
from blocs.models import Agency, AgencyChange, Bloc, FormerProvince
from blocs.panels import PROVINCE_PAGE_LINKS, PROVINCE_ROW_LINKS
from blocs.services import structure as services
from emulation.models import AuditEntry
from tests.factories import AgencyFactory, AwardRecordFactory, BlocFactory, BlocYearFactory
from tests.queries import assert_max_queries

MERGED_ON = datetime.date(2025, 7, 1)


@pytest.fixture
def provinces(db):
    return {
        name: FormerProvince.objects.create(name=name, merged_on=MERGED_ON)
        for name in ("Hà Nam", "Nam Định")
    }


@pytest.fixture
def health(provinces):
    """Sở Y tế of the province itself and of its two former provinces, each with an award."""
    own = AgencyFactory(name="Sở Y tế", short_name="SYT")
    hanam = AgencyFactory(name="Sở Y tế", former_province=provinces["Hà Nam"])
    namdinh = AgencyFactory(name="Sở Y tế", former_province=provinces["Nam Định"])
    for agency, year in ((own, 2024), (hanam, 2023), (namdinh, 2022)):
        AwardRecordFactory(agency=agency, year=year)
    return own, hanam, namdinh


def test_a_former_provinces_namesake_is_not_a_duplicate_but_a_second_one_is(
    provinces, province_staff
):
    AgencyFactory(name="Sở Y tế", former_province=provinces["Hà Nam"])
    own = services.create_agency(name="Sở Y tế", kind=Agency.Kind.DEPARTMENT, actor=province_staff)
    assert own.former_province is None
    with pytest.raises(ValidationError, match="Đã có đơn vị đang hoạt động tên “Sở Y tế”"):
        services.create_agency(name="SỞ Y TẾ", kind=Agency.Kind.DEPARTMENT, actor=province_staff)


def test_a_former_provinces_bloc_may_keep_its_name_and_code(provinces):
    BlocFactory(name="Khối thi đua Văn hóa - Xã hội", code="KTĐVHXH")
    BlocFactory(
        name="Khối thi đua Văn hóa - Xã hội", code="KTĐVHXH", former_province=provinces["Hà Nam"]
    )
    assert Bloc.objects.filter(code="KTĐVHXH").count() == 2


def test_a_former_province_is_recorded_once(db, province_staff):
    services.create_former_province(name="Hà Nam", merged_on=MERGED_ON, actor=province_staff)
    with pytest.raises(ValidationError, match="Đã có tỉnh cũ “Hà Nam”"):
        services.create_former_province(name="hà nam", merged_on=MERGED_ON, actor=province_staff)
    assert AuditEntry.objects.filter(action="blocs.former_province.created").count() == 1


def test_sister_groups_list_namesakes_across_provinces_own_first(health):
    own, hanam, namdinh = health
    AgencyFactory(name="Sở Tài chính")  # only the province's own: no group
    [group] = services.sister_agency_groups()
    assert group.agencies == [own, hanam, namdinh]
    assert group.own == own and group.merge_date == MERGED_ON


def test_merging_sisters_rolls_their_awards_up_into_the_successor(health, province_staff):
    own, hanam, namdinh = health
    services.merge_sister_agencies(
        [hanam, namdinh], into=own, effective_on=MERGED_ON, actor=province_staff
    )
    hanam.refresh_from_db()
    assert hanam.status == Agency.Status.MERGED and hanam.successor == own
    assert hanam.ended_on == datetime.date(2025, 6, 30)
    years = sorted(AwardRecord.objects.for_lineage(own).values_list("year", flat=True))
    assert years == [2022, 2023, 2024]
    assert AgencyChange.objects.filter(kind="merge_into", related_agency=own).count() == 2
    assert AuditEntry.objects.filter(action="blocs.agency.merged").count() == 2
    assert AuditEntry.objects.get(action="blocs.agency.sisters_merged").data["merged"] == [
        "Sở Y tế (tỉnh Hà Nam cũ)",
        "Sở Y tế (tỉnh Nam Định cũ)",
    ]
    assert services.sister_agency_groups() == []


def test_sisters_without_an_own_agency_merge_into_a_new_one(provinces, province_staff):
    hanam = AgencyFactory(name="Sở Y tế", former_province=provinces["Hà Nam"])
    namdinh = AgencyFactory(name="Sở Y tế", former_province=provinces["Nam Định"])
    into = services.merge_sister_agencies(
        [hanam, namdinh], into=None, effective_on=MERGED_ON, actor=province_staff
    )
    assert into.former_province is None and into.established_on == MERGED_ON
    assert set(into.merged_from.all()) == {hanam, namdinh}


def test_a_sister_that_sits_in_a_later_bloc_year_is_refused_and_nothing_merges(
    health, province_staff
):
    own, hanam, namdinh = health
    BlocYearFactory(year=2026).memberships.create(agency=namdinh)
    with pytest.raises(ValidationError, match="năm 2026"):
        services.merge_sister_agencies(
            [hanam, namdinh], into=own, effective_on=MERGED_ON, actor=province_staff
        )
    assert Agency.objects.filter(status=Agency.Status.MERGED).count() == 0


# --- Pages --------------------------------------------------------------------------------------


def test_the_sister_merge_page_merges_one_group(health, staff_client):
    own, hanam, namdinh = health
    page = staff_client.get(reverse("blocs:sister_merge")).content.decode()
    assert "Sở Y tế (tỉnh Hà Nam cũ)" in page and "Sở Y tế (tỉnh Nam Định cũ)" in page
    prefix = f"g{min(a.pk for a in health)}"
    response = staff_client.post(
        reverse("blocs:sister_merge"),
        {
            "group_key": "so y te",
            f"{prefix}-merged": [hanam.pk],
            f"{prefix}-into": own.pk,
            f"{prefix}-effective_on": "2025-07-01",
            f"{prefix}-decision_ref": "Nghị quyết số 202/2025/QH15",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("blocs:agency_detail", args=[own.pk])
    hanam.refresh_from_db()
    namdinh.refresh_from_db()
    assert hanam.successor == own and namdinh.status == Agency.Status.ACTIVE
    detail = staff_client.get(response["Location"]).content.decode()
    assert "tỉnh Hà Nam cũ" in detail  # the predecessor, and its award in the panel


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"-into": "own"}, "Hãy chọn ít nhất một đơn vị khác đơn vị tiếp nhận"),
        ({"-effective_on": ""}, "Vui lòng nhập ngày hiệu lực"),
        ({"-effective_on": "2025-13-01"}, "tháng phải từ 1 đến 12"),
    ],
)
def test_a_wrong_sister_merge_is_a_form_error_and_changes_nothing(
    health, staff_client, data, message
):
    own, hanam, _namdinh = health
    prefix = f"g{min(a.pk for a in health)}"
    post = {
        "group_key": "so y te",
        f"{prefix}-merged": [hanam.pk],
        f"{prefix}-into": hanam.pk if data.get("-into") == "own" else own.pk,
        f"{prefix}-effective_on": data.get("-effective_on", "2025-07-01"),
    }
    response = staff_client.post(reverse("blocs:sister_merge"), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Agency.objects.filter(status=Agency.Status.MERGED).count() == 0


def test_an_unknown_group_is_a_message_not_an_error(health, staff_client):
    response = staff_client.post(reverse("blocs:sister_merge"), {"group_key": "<script>"})
    assert response.status_code == 302


def test_the_profile_adds_a_former_province_and_counts_what_it_holds(health, staff_client):
    response = staff_client.post(
        reverse("blocs:province_profile"), {"name": "Ninh Bình", "merged_on": "2025-07-01"}
    )
    assert response.status_code == 302
    with assert_max_queries(12):
        page = staff_client.get(reverse("blocs:province_profile"))
    text = page.content.decode()
    assert "Tỉnh Ninh Bình cũ" in text and "Tỉnh Hà Nam cũ" in text
    missing = staff_client.post(reverse("blocs:province_profile"), {"name": ""})
    assert missing.status_code == 400
    assert "Vui lòng nhập tên tỉnh cũ" in missing.content.decode()


def test_statistics_count_awards_by_former_province(health, staff_client):
    own, hanam, namdinh = health
    AwardRecordFactory(agency=hanam, year=2024, person_name="Trần Văn A")
    page = staff_client.get(reverse("awards:province_statistics"))
    rows = {row["label"].capitalize(): row for row in page.context["rows"]}
    assert rows["Tỉnh hà nam cũ"]["total"] == 2
    assert rows["Tỉnh hà nam cũ"]["individual"] == 1
    assert page.context["years"] == [2022, 2023, 2024]
    assert page.context["grand_total"] == 4


def test_a_former_provinces_bloc_prints_its_own_provinces_heading(provinces, bloc_year):
    from emulation.documents import sample_minutes_pdf
    from tests.pdf_helpers import pdf_text

    own = pdf_text(sample_minutes_pdf(bloc_year)[2])
    assert "UBND TỈNH NINH BÌNH" in own and "Ninh Bình, ngày" in own
    bloc_year.bloc.former_province = provinces["Hà Nam"]
    bloc_year.bloc.save()
    bloc_year.refresh_from_db()
    hanam = pdf_text(sample_minutes_pdf(bloc_year)[2])
    assert "UBND TỈNH HÀ NAM" in hanam and "Hà Nam, ngày" in hanam
    assert "NINH BÌNH" not in hanam


def test_the_profile_offers_the_bundle_for_each_province_from_the_awards_app(health, staff_client):
    own, hanam, namdinh = health
    empty = FormerProvince.objects.create(name="Ninh Bình", merged_on=datetime.date(2025, 7, 1))
    text = staff_client.get(reverse("blocs:province_profile")).content.decode()
    export = reverse("awards:bundle_export")
    assert f'href="{export}"' in text
    assert f'href="{export}?province={hanam.former_province_id}"' in text
    assert f'data-testid="import-{empty.pk}"' in text
    assert f'href="{reverse("awards:bundle_import")}?province={empty.pk}"' in text
    assert reverse("awards:province_statistics") in text


def test_the_profile_stands_without_the_awards_links(health, staff_client):
    with PROVINCE_ROW_LINKS.only(), PROVINCE_PAGE_LINKS.only():
        response = staff_client.get(reverse("blocs:province_profile"))
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("awards:bundle_export", "awards:bundle_import", "awards:province_statistics"):
        assert reverse(name) not in text
    assert "Tỉnh Hà Nam cũ" in text

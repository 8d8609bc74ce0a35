"""The province bundle: a portal's history exported, imported into the merged province's portal
tagged with its former province, and exported again unchanged; a broken or hostile bundle is
refused whole with the row named."""

import copy
import datetime
import json
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awards.bundle import BundleError, bundle_bytes, export_bundle, import_bundle, plan_bundle
from awards.models import AwardRecord, Decision
from blocs.models import Agency, Bloc, BlocYear, FormerProvince, Membership
from blocs.services import structure as services
from emulation.models import AuditEntry
from emulation.text import fold
from tests.factories import (
    AgencyFactory,
    AwardRecordFactory,
    BlocFactory,
    BlocYearFactory,
    DecisionFactory,
    MembershipFactory,
    award_type,
)
from tests.queries import assert_max_queries

MERGED_ON = datetime.date(2025, 7, 1)


def _without_time(bundle: dict) -> dict:
    return {key: value for key, value in bundle.items() if key != "exported_at"}


@pytest.fixture
def hanam(db, settings, province_staff):
    """A small portal of Hà Nam: a renamed agency, a merged one, two years of a bloc, awards
    (one revoked, one to a person)."""
    settings.PROVINCE_NAME = "Hà Nam"
    health = AgencyFactory(name="Sở Y tế", short_name="SYT")
    school = AgencyFactory(name="Sở Giáo dục và Đào tạo", short_name="SGDĐT")
    labour = AgencyFactory(name="Sở Lao động - Thương binh và Xã hội", short_name="SLĐTBXH")
    ethnic = AgencyFactory(name="Ban Dân tộc tỉnh", kind=Agency.Kind.BOARD)
    bloc = BlocFactory(name="Khối thi đua Văn hóa - Xã hội", code="KTĐVHXH")
    for year, head, deputy in ((2023, school, health), (2024, health, school)):
        by = BlocYearFactory(bloc=bloc, year=year, head=None, deputy=None)
        for agency in (health, school, labour, ethnic):
            MembershipFactory(bloc_year=by, agency=agency)
        by.head, by.deputy = head, deputy
        by.save()
    services.rename_agency(
        ethnic,
        new_name="Sở Dân tộc và Tôn giáo",
        effective_on=datetime.date(2025, 3, 1),
        actor=province_staff,
    )
    services.merge_agency(
        labour, into=school, effective_on=datetime.date(2025, 3, 1), actor=province_staff
    )
    decision = DecisionFactory(number="123/QĐ-UBND", signed_on=datetime.date(2024, 2, 5))
    AwardRecordFactory(agency=health, year=2023, decision=decision)
    AwardRecordFactory(
        agency=health,
        year=2023,
        decision=decision,
        award_type=award_type("CSTD_TINH"),
        person_name="Nguyễn Thị Hằng",
        person_title="Giám đốc",
    )
    revoked = AwardRecordFactory(agency=labour, year=2023, decision=decision)
    revoked.status, revoked.revoked_by = AwardRecord.Status.REVOKED, DecisionFactory()
    revoked.revoke_reason = "Sai đối tượng"
    revoked.save()
    return {"health": health, "school": school, "labour": labour}


@pytest.fixture
def former(db):
    return FormerProvince.objects.create(name="Hà Nam", merged_on=MERGED_ON)


def test_a_bundle_exported_imported_and_exported_again_is_the_same(hanam, former, province_staff):
    bundle = export_bundle()
    assert [a["name"] for a in bundle["agencies"]][:2] == ["Sở Y tế", "Sở Giáo dục và Đào tạo"]
    plan = import_bundle(bundle_bytes(bundle), former, actor=province_staff)
    assert plan.counts == {
        "agencies": 4,
        "changes": 2,
        "blocs": 1,
        "bloc_years": 2,
        "memberships": 8,
        "decisions": 2,
        "awards": 3,
    }
    again = export_bundle(former)
    assert _without_time(again) == _without_time(bundle)
    # Tagged, and history kept: the merger's successor, the rename, the revoked award.
    labour = Agency.objects.get(former_province=former, name__startswith="Sở Lao động")
    assert labour.status == Agency.Status.MERGED
    assert labour.successor.former_province == former
    assert labour.successor.name == "Sở Giáo dục và Đào tạo"
    assert Bloc.objects.get(former_province=former).code == "KTĐVHXH"
    assert AwardRecord.objects.filter(agency__former_province=former).count() == 3
    assert Decision.objects.filter(former_province=former).count() == 2
    entry = AuditEntry.objects.get(action="awards.bundle.imported")
    assert entry.data["awards"] == 3


def test_imported_agencies_read_their_past_names_and_their_lineage_keeps_its_awards(
    hanam, former, province_staff
):
    import_bundle(bundle_bytes(export_bundle()), former, actor=province_staff)
    ethnic = Agency.objects.get(former_province=former, name="Sở Dân tộc và Tôn giáo")
    membership = Membership.objects.as_of_year().get(agency=ethnic, year=2024)
    assert membership.agency.name == "Ban Dân tộc tỉnh"
    school = Agency.objects.get(former_province=former, name="Sở Giáo dục và Đào tạo")
    assert AwardRecord.objects.for_lineage(school).filter(status="revoked").count() == 1


def test_a_broken_row_is_named_and_nothing_is_imported(hanam, former, province_staff):
    bundle = export_bundle()
    bundle["bloc_years"][1]["members"][3]["agency"] = "A99"
    before = Agency.objects.count(), BlocYear.objects.count(), AwardRecord.objects.count()
    plan = plan_bundle(bundle_bytes(bundle), former)
    assert plan.errors == [
        "Khối-năm thứ 2 (Khối thi đua Văn hóa - Xã hội 2024), thành viên thứ 4: “agency” trỏ "
        "tới 'A99', không có trong gói."
    ]
    with pytest.raises(BundleError, match="Gói có 1 lỗi; chưa nhập gì"):
        import_bundle(bundle_bytes(bundle), former, actor=province_staff)
    assert (Agency.objects.count(), BlocYear.objects.count(), AwardRecord.objects.count()) == before


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b["agencies"][0].update(kind="bogus"), "Đơn vị thứ 1 (“Sở Y tế”): “kind”"),
        (lambda b: b["agencies"][0].update(name=""), "Đơn vị thứ 1: thiếu “name”."),
        (lambda b: b["agencies"][0].update(name="x" * 301), "dài quá 300 ký tự"),
        (lambda b: b["agencies"][0].update(name=["Sở Y tế"]), "“name” phải là chữ."),
        (lambda b: b["agencies"][1].update(name="SỞ Y TẾ"), "trùng tên với Đơn vị thứ 1"),
        (lambda b: b["agencies"][0].update(ended_on="31/12/2024"), "không phải ngày dạng"),
        (lambda b: b["agencies"].append(7), "Đơn vị thứ 5: không phải một bản ghi."),
        (lambda b: b["blocs"][0].update(code=""), "Khối thứ 1 (“Khối thi đua Văn hóa - Xã hội”)"),
        (lambda b: b["bloc_years"][0].update(year="2023"), "năm phải là số từ 2000 đến 2100"),
        (lambda b: b["bloc_years"][1].update(year=2023), "khối này đã có năm 2023"),
        (lambda b: b["bloc_years"][0].update(head="A4", deputy="A4"), "cùng một đơn vị"),
        (lambda b: b["awards"][0].update(award_type="KHONG_CO"), "chưa có ở cổng này"),
        (lambda b: b["awards"].append(dict(b["awards"][0])), "ở dòng khác của gói"),
        (lambda b: b.update(province="Nam Định"), "Gói là dữ liệu của tỉnh “Nam Định”"),
    ],
)
def test_each_kind_of_broken_row_is_refused_with_a_message(hanam, former, mutate, message):
    bundle = copy.deepcopy(export_bundle())
    mutate(bundle)
    plan = plan_bundle(bundle_bytes(bundle), former)
    assert plan.has_errors
    assert any(message in error for error in plan.errors), plan.errors


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00garbage", "không phải văn bản UTF-8"),
        (b"<xml/>", "không phải JSON hợp lệ"),
        (b"[" * 100_000 + b"]" * 100_000, "không phải JSON hợp lệ"),
        (b'{"format": "other"}', "không phải gói dữ liệu của cổng khối thi đua"),
        (b'{"format": "khoi-thi-dua/bundle", "version": 9}', "phiên bản 9"),
        (b'{"format": "khoi-thi-dua/bundle", "version": 1, "agencies": {}}', "“agencies”"),
    ],
)
def test_a_file_that_is_not_a_bundle_is_refused_as_a_whole(former, data, message):
    with pytest.raises(BundleError, match=message):
        plan_bundle(data, former)


def test_nfd_text_is_stored_nfc_and_a_second_import_is_refused(hanam, former, province_staff):
    bundle = export_bundle()
    bundle["agencies"][0]["name"] = unicodedata.normalize("NFD", "Sở Y tế  tỉnh")
    import_bundle(bundle_bytes(bundle), former, actor=province_staff)
    assert Agency.objects.filter(former_province=former, name="Sở Y tế tỉnh").exists()
    plan = plan_bundle(bundle_bytes(bundle), former)
    assert any("đã được nhập (4 đơn vị)" in error for error in plan.errors)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(
        st.text(
            st.characters(codec="utf-8", exclude_categories=["C", "Z"]), min_size=1, max_size=40
        ),
        min_size=1,
        max_size=5,
        unique_by=lambda n: n.casefold(),
    ),
    year=st.integers(2000, 2100),
)
def test_any_names_and_years_survive_the_round_trip(former, province_staff, names, year):
    bundle = {
        "format": "khoi-thi-dua/bundle",
        "version": 1,
        "province": "Hà Nam",
        "agencies": [
            {"key": f"A{i}", "name": name, "kind": "other", "status": "active"}
            for i, name in enumerate(names, 1)
        ],
        "blocs": [{"key": "B1", "name": "Khối", "code": "K", "kind": "khoi"}],
        "bloc_years": [
            {
                "bloc": "B1",
                "year": year,
                "members": [{"agency": f"A{i}"} for i in range(1, len(names) + 1)],
            }
        ],
    }
    plan = plan_bundle(bundle_bytes(bundle), former)
    folded = {fold(unicodedata.normalize("NFC", n).strip()) for n in names}
    if plan.has_errors:
        # Only names that read the same once folded, or blank once trimmed, may be refused.
        assert len(folded) < len(names) or not all(n.strip() for n in names), plan.errors
        return
    import_bundle(bundle_bytes(bundle), former, actor=province_staff)
    exported = export_bundle(former)
    assert [a["name"] for a in exported["agencies"]] == [a.name for a in plan.agencies]
    assert exported["bloc_years"][0]["year"] == year
    assert len(exported["bloc_years"][0]["members"]) == len(names)
    Membership.objects.filter(agency__former_province=former).delete()
    BlocYear.objects.filter(bloc__former_province=former).delete()
    Bloc.objects.filter(former_province=former).delete()
    Agency.objects.filter(former_province=former).delete()


# --- Pages --------------------------------------------------------------------------------------


def _upload(client, data: bytes, former, name="goi.json"):
    return client.post(
        reverse("awards:bundle_import"),
        {"former_province": former.pk, "file": SimpleUploadedFile(name, data)},
    )


def test_upload_preview_and_commit(hanam, former, staff_client):
    data = bundle_bytes(export_bundle())
    response = _upload(staff_client, data, former)
    assert response.status_code == 302
    with assert_max_queries(20):
        page = staff_client.get(reverse("awards:bundle_import"))
    text = page.content.decode()
    assert "Xác nhận nhập" in text and "Hà Nam cũ" in text
    assert Agency.objects.filter(former_province=former).count() == 0
    response = staff_client.post(reverse("awards:bundle_commit"))
    assert response.status_code == 302
    assert Agency.objects.filter(former_province=former).count() == 4
    profile = staff_client.get(reverse("blocs:province_profile")).content.decode()
    assert "Đã nhập dữ liệu tỉnh Hà Nam cũ: 4 đơn vị" in profile


def test_a_preview_with_errors_offers_no_commit(hanam, former, staff_client):
    bundle = export_bundle()
    bundle["awards"][0]["award_type"] = "KHONG_CO"
    _upload(staff_client, bundle_bytes(bundle), former)
    page = staff_client.get(reverse("awards:bundle_import")).content.decode()
    assert "chưa có ở cổng này" in page and "Xác nhận nhập" not in page
    response = staff_client.post(reverse("awards:bundle_commit"))
    assert response.status_code == 302
    assert Agency.objects.filter(former_province=former).count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "Tệp rỗng"), (b"not json", "không phải JSON hợp lệ")],
)
def test_a_bad_upload_is_a_form_error(former, staff_client, data, message):
    response = _upload(staff_client, data, former)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_oversized_upload_is_refused(former, staff_client, settings):
    settings.BUNDLE_MAX_MB = 1
    response = _upload(staff_client, b" " * (1024 * 1024 + 1), former)
    assert response.status_code == 400
    assert "vượt giới hạn 1 MB" in response.content.decode()


@pytest.mark.parametrize("name", ["bundle_commit", "bundle_cancel"])
def test_only_staff_may_commit_or_cancel(client, head_client, name):
    assert head_client.post(reverse(f"awards:{name}")).status_code == 403
    assert client.post(reverse(f"awards:{name}")).status_code == 302


def test_the_export_downloads_the_bundle(hanam, staff_client):
    response = staff_client.get(reverse("awards:bundle_export"))
    assert response["Content-Disposition"].startswith('attachment; filename="goi-du-lieu-ha-nam-')
    assert json.loads(response.content)["agencies"][0]["name"] == "Sở Y tế"

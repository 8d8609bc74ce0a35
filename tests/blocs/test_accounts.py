"""Account services: create, edit, (de)activate, links, readers of a bloc-year, the import."""

import io
import unicodedata

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from blocs.imports.accounts import ACCOUNT_COLUMNS, apply_accounts, preview_accounts
from blocs.services import accounts as services
from emulation.models import AuditEntry, User
from tests.factories import AgencyFactory, UserFactory

OFFICER = services.AccountKind.OFFICER


def _create(actor, **fields):
    values = {"username": "syt.nguyenvana", "full_name": "Nguyễn Văn A", "kind": OFFICER}
    return services.create_account(actor=actor, **{**values, **fields})


def test_a_new_officer_account_has_no_usable_password_and_must_change_it(province_staff, bloc_year):
    user = _create(province_staff, agency=bloc_year.head, email="a@example.vn")
    assert not user.has_usable_password()
    assert user.must_change_password
    entry = AuditEntry.objects.get(action="emulation.user.created")
    assert entry.data["username"] == [None, "syt.nguyenvana"]
    assert "password" not in entry.data


def test_usernames_are_lower_cased_and_duplicates_refused_whatever_the_case(
    province_staff, bloc_year
):
    _create(province_staff, username="SYT.NguyenVanA", agency=bloc_year.head)
    assert User.objects.filter(username="syt.nguyenvana").exists()
    with pytest.raises(ValidationError, match="đã có người dùng"):
        _create(province_staff, username="syt.NGUYENVANA", agency=bloc_year.head)


@pytest.mark.parametrize(
    "username",
    [unicodedata.normalize("NFD", "hòa"), "hoà", "a\x00b", "<b>x</b>", "x" * 151, "   "],
)
def test_hostile_usernames_are_refused_with_a_vietnamese_message(province_staff, username):
    with pytest.raises(ValidationError) as error:
        _create(province_staff, username=username, kind=services.AccountKind.READER)
    assert "tên đăng nhập" in " ".join(error.value.messages).lower()
    assert User.objects.filter(full_name="Nguyễn Văn A").count() == 0


def test_an_nfd_full_name_is_stored_in_nfc(province_staff, bloc_year):
    user = _create(
        province_staff,
        full_name=unicodedata.normalize("NFD", "Trần  Thị Hòa"),
        kind=services.AccountKind.READER,
    )
    user.refresh_from_db()
    assert user.full_name == "Trần Thị Hòa"


def test_an_officer_needs_an_agency_and_a_reader_has_none(province_staff, bloc_year):
    with pytest.raises(ValidationError, match="phải thuộc một cơ quan"):
        _create(province_staff)
    with pytest.raises(ValidationError, match="không thuộc đơn vị nào"):
        _create(province_staff, kind=services.AccountKind.READER, agency=bloc_year.head)


def test_staff_cannot_deactivate_themselves(province_staff):
    with pytest.raises(ValidationError, match="tự khóa"):
        services.set_account_active(province_staff, False, actor=province_staff)


def test_the_last_staff_member_cannot_be_deactivated_or_demoted(province_staff, bloc_year):
    other = UserFactory(username="canbo2", province_staff=True)
    services.set_account_active(other, False, actor=province_staff)
    with pytest.raises(ValidationError, match="cuối cùng"):
        services.set_account_active(province_staff, False, actor=other)
    with pytest.raises(ValidationError, match="cuối cùng"):
        services.update_account(province_staff, actor=other, kind=OFFICER, agency=bloc_year.head)
    assert province_staff.groups.filter(name="province_staff").exists()


def test_deactivating_keeps_the_account_and_its_history(province_staff, bloc_head):
    services.set_account_active(bloc_head, False, actor=province_staff)
    bloc_head.refresh_from_db()
    assert not bloc_head.is_active
    services.set_account_active(bloc_head, True, actor=province_staff)
    actions = list(
        AuditEntry.objects.for_object(bloc_head).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["emulation.user.deactivated", "emulation.user.reactivated"]


def test_changing_the_kind_to_staff_adds_the_group_and_one_audit_entry(province_staff, bloc_head):
    changed = services.update_account(
        bloc_head, actor=province_staff, kind=services.AccountKind.STAFF, position="Chuyên viên"
    )
    assert changed["kind"] == ["officer", "staff"]
    assert User.objects.get(pk=bloc_head.pk).is_province_staff
    assert AuditEntry.objects.for_object(bloc_head).count() == 1


def test_a_password_link_is_audited_without_the_token(province_staff, bloc_head):
    link = services.issue_password_link(bloc_head, actor=province_staff)
    assert "/password/set/" in link
    entry = AuditEntry.objects.get(action="emulation.user.password_link_created")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in str(entry.data)


def test_links_are_mailed_only_to_active_accounts_with_an_address(province_staff, bloc_year):
    with_mail = UserFactory(username="co-thu", email="co@example.vn")
    without = UserFactory(username="khong-thu")
    result = services.email_password_links([with_mail, without], actor=province_staff)
    assert [user.username for user in result.sent] == ["co-thu"]
    assert [user.username for user in result.skipped] == ["khong-thu"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["co@example.vn"]
    assert "/password/set/" in mail.outbox[0].body


def test_the_reset_throttle_counts_per_address_and_per_ip(db):
    for _ in range(services.RESETS_PER_ADDRESS):
        assert services.reset_allowed("A@example.vn", "10.0.0.1")
        services.record_reset_request("a@example.vn")
    assert not services.reset_allowed("a@EXAMPLE.vn", "10.0.0.2")
    assert services.reset_allowed("b@example.vn", None)


def test_observers_and_the_liaison_are_added_removed_and_audited(
    province_staff, bloc_year, outsider
):
    services.add_observer(bloc_year, "NguoiNgoai", actor=province_staff)
    assert bloc_year.observers.filter(pk=outsider.pk).exists()
    with pytest.raises(ValidationError, match="đã là người theo dõi"):
        services.add_observer(bloc_year, "nguoingoai", actor=province_staff)
    services.remove_observer(bloc_year, outsider, actor=province_staff)
    services.set_liaison_user(bloc_year, "nguoingoai", actor=province_staff)
    bloc_year.refresh_from_db()
    assert bloc_year.liaison_user == outsider
    services.set_liaison_user(bloc_year, "", actor=province_staff)
    bloc_year.refresh_from_db()
    assert bloc_year.liaison_user is None
    with pytest.raises(ValidationError, match="Không có tài khoản"):
        services.add_observer(bloc_year, "khong-co", actor=province_staff)
    actions = set(AuditEntry.objects.for_object(bloc_year).values_list("action", flat=True))
    assert actions == {
        "blocs.bloc_year.observer_added",
        "blocs.bloc_year.observer_removed",
        "blocs.bloc_year.liaison_changed",
    }


# --- The import ----------------------------------------------------------------------------


def workbook(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([column.header for column in ACCOUNT_COLUMNS])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_import_previews_then_creates_accounts_without_passwords(province_staff, bloc_year):
    AgencyFactory(name="Sở Tài chính", short_name="STC")
    data = workbook(
        ("syt.an", "Nguyễn Văn An", "Chánh Văn phòng", "an@example.vn", "so y te", ""),
        ("stc.binh", "Lê Bình", "", "", "STC", "Cán bộ đơn vị"),
        ("lanhdao", "Trần Văn Liên", "Phó Chủ tịch", "", "", "Theo dõi"),
    )
    plan = preview_accounts(data)
    assert [row.status for row in plan.rows] == ["new", "new", "new"]
    assert User.objects.filter(username="syt.an").count() == 0
    created = apply_accounts(data, actor=province_staff)
    assert [user.username for user in created] == ["syt.an", "stc.binh", "lanhdao"]
    assert all(not user.has_usable_password() and user.must_change_password for user in created)
    assert created[0].agency == bloc_year.head
    assert created[2].agency is None
    assert [row.status for row in preview_accounts(data).rows] == ["unchanged"] * 3


def test_import_errors_name_the_row_in_vietnamese(province_staff, bloc_year):
    UserFactory(username="da-co")
    data = workbook(
        ("hòa", "Tên", "", "", "Sở Y tế", ""),
        ("x", "Tên", "", "khong-phai-thu", "Không có đơn vị này", ""),
        ("y", "Tên", "", "", "", "Quản trị"),
        ("dup", "A", "", "", "", ""),
        ("DUP", "B", "", "", "", ""),
        ("da-co", "Tên", "", "", "", "Cán bộ tỉnh"),
        ("z", "<script>alert(1)</script>", "", "", "", ""),
    )
    plan = preview_accounts(data)
    errors = [" ".join(row.errors) for row in plan.rows]
    assert "chữ cái không dấu" in errors[0]
    assert "không hợp lệ" in errors[1] and "Không có đơn vị" in errors[1]
    assert "Loại tài khoản" in errors[2]
    assert "hai lần" in errors[3] and "hai lần" in errors[4]
    assert "đổi loại tài khoản ở trang tài khoản" in errors[5]
    assert plan.rows[6].status == "new"
    with pytest.raises(ValidationError, match="dòng lỗi"):
        apply_accounts(data, actor=province_staff)
    assert not User.objects.filter(username="z").exists()


def test_re_importing_updates_only_the_filled_cells(province_staff, bloc_head):
    bloc_head.full_name, bloc_head.position = "Cũ", "Giữ nguyên"
    bloc_head.save()
    apply_accounts(workbook(("truongkhoi", "Tên Mới", "", "", "", "")), actor=province_staff)
    bloc_head.refresh_from_db()
    assert (bloc_head.full_name, bloc_head.position) == ("Tên Mới", "Giữ nguyên")


def test_an_older_account_with_capitals_is_matched_not_duplicated(province_staff, bloc_year):
    UserFactory(username="TruongPhong", agency=bloc_year.head)
    plan = preview_accounts(workbook(("truongphong", "Tên", "", "", "", "")))
    assert plan.rows[0].status == "update"

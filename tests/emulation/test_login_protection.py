"""Login protection (django-axes, emulation.login_protection): per account and address, per
address, cool-offs that double, the admin reachable only through the portal's login, every sign-in
and failure audited, and a burst of guesses that tests no more passwords than the limit."""

import threading
import unicodedata
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from emulation import login_protection
from emulation.models import AuditEntry, User
from tests.conftest import PASSWORD
from tests.factories import UserFactory

COOLED_OFF = "tạm dừng"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"
OFFICE, ELSEWHERE = "10.0.0.5", "203.0.113.9"


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def fail(client: Client, username: str, times: int):
    for _ in range(times):
        assert log_in(client, username, "sai-mat-khau").status_code in (200, 429)


def cooled_off(response) -> bool:
    return response.status_code == 429 and COOLED_OFF in response.content.decode()


def let_time_pass(minutes: int):
    """Every recorded attempt, its expiry and the failure log `minutes` earlier."""
    earlier = timedelta(minutes=minutes)
    for failure in AccessFailureLog.objects.all():
        AccessFailureLog.objects.filter(pk=failure.pk).update(
            attempt_time=failure.attempt_time - earlier
        )
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - earlier
        )
    for expiration in AccessAttemptExpiration.objects.all():
        AccessAttemptExpiration.objects.filter(pk=expiration.pk).update(
            expires_at=expiration.expires_at - earlier
        )


@pytest.fixture
def limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_IP_FAILURE_LIMIT = 7
    settings.LOGIN_COOLOFF_MINUTES = 5
    settings.LOGIN_COOLOFF_MAX_MINUTES = 60
    return settings


def test_a_wrong_password_says_so_and_is_counted_for_the_account_and_address(bloc_head, limits):
    response = log_in(client_at(OFFICE), "truongkhoi", "sai-mat-khau")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "truongkhoi",
        OFFICE,
        1,
    )
    assert "sai-mat-khau" not in attempt.post_data


def test_the_limit_starts_a_cool_off_that_refuses_even_the_right_password(bloc_head, limits):
    office = client_at(OFFICE)
    fail(office, "truongkhoi", limits.LOGIN_FAILURE_LIMIT)
    response = log_in(office, "truongkhoi", PASSWORD)
    assert cooled_off(response)
    assert f"{limits.LOGIN_COOLOFF_MINUTES} phút" in response.content.decode()
    assert "_auth_user_id" not in office.session


def test_one_failure_less_than_the_limit_still_signs_in_and_clears_the_count(bloc_head, limits):
    office = client_at(OFFICE)
    fail(office, "truongkhoi", limits.LOGIN_FAILURE_LIMIT - 1)
    assert log_in(office, "truongkhoi", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="truongkhoi").exists()


def test_a_stranger_guessing_from_elsewhere_does_not_lock_the_head_out(bloc_head, limits):
    fail(client_at(ELSEWHERE), "truongkhoi", limits.LOGIN_FAILURE_LIMIT * 2)
    assert cooled_off(log_in(client_at(ELSEWHERE), "truongkhoi", PASSWORD))
    assert log_in(client_at(OFFICE), "truongkhoi", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_held_at_the_address_limit(bloc_head, member, limits):
    sprayer = client_at(ELSEWHERE)
    for index in range(limits.LOGIN_IP_FAILURE_LIMIT):
        log_in(sprayer, f"khong-co-{index}", "sai")
    assert cooled_off(log_in(sprayer, "thanhvien", PASSWORD))
    assert log_in(client_at(OFFICE), "thanhvien", PASSWORD).status_code == 302


def test_an_office_below_the_address_limit_is_not_held(bloc_head, member, limits):
    office = client_at(OFFICE)
    for index in range(limits.LOGIN_IP_FAILURE_LIMIT - 1):
        log_in(office, f"go-nham-{index}", "sai")
    assert log_in(office, "thanhvien", PASSWORD).status_code == 302


def test_the_cool_off_ends_and_each_next_one_is_twice_as_long_up_to_the_maximum(bloc_head, limits):
    office = client_at(OFFICE)
    expected = [5, 10, 20, 40, 60, 60]
    for minutes in expected:
        fail(office, "truongkhoi", limits.LOGIN_FAILURE_LIMIT)
        response = log_in(office, "truongkhoi", PASSWORD)
        assert cooled_off(response)
        assert f"{minutes} phút" in response.content.decode()
        let_time_pass(minutes - 1)
        assert cooled_off(log_in(office, "truongkhoi", PASSWORD)), minutes
        let_time_pass(2)
    assert log_in(office, "truongkhoi", PASSWORD).status_code == 302


def test_failures_during_a_cool_off_neither_count_nor_lengthen_it(bloc_head, limits):
    office = client_at(OFFICE)
    fail(office, "truongkhoi", limits.LOGIN_FAILURE_LIMIT)
    fail(office, "truongkhoi", 20)
    assert AccessAttempt.objects.get().failures_since_start == limits.LOGIN_FAILURE_LIMIT
    let_time_pass(limits.LOGIN_COOLOFF_MINUTES + 1)
    assert log_in(office, "truongkhoi", PASSWORD).status_code == 302


def test_letter_case_spaces_and_nfd_count_as_one_account(db, limits):
    UserFactory(username="tùng.nv")
    office = client_at(OFFICE)
    typed = ["Tùng.NV", " tùng.nv", unicodedata.normalize("NFD", "tùng.nv")]
    for username in typed[: limits.LOGIN_FAILURE_LIMIT]:
        log_in(office, username, "sai")
    assert cooled_off(log_in(office, "tùng.nv", PASSWORD))


@pytest.mark.parametrize(
    "username", ["truong\x00khoi", "a" * 10_000, "'; DROP TABLE axes_accessattempt; --", ""]
)
def test_hostile_usernames_are_refused_without_an_error_page(bloc_head, limits, username):
    response = log_in(client_at(OFFICE), username, "sai")
    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session


def test_a_set_password_link_ends_the_owners_cool_off(bloc_head, limits):
    office = client_at(OFFICE)
    fail(office, "truongkhoi", limits.LOGIN_FAILURE_LIMIT)
    login_protection.forget_failures("TruongKhoi")
    assert log_in(office, "truongkhoi", PASSWORD).status_code == 302


# The admin ------------------------------------------------------------------------------------


def test_the_admin_login_is_the_portals_login(db):
    User.objects.create_superuser("quantri", "qt@example.vn", PASSWORD)
    client = Client()
    response = client.get("/admin/login/?next=/admin/emulation/user/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/?next=")
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"username": "quantri", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/emulation/user/"
    assert response.status_code == 200


def test_the_admin_login_sends_nobody_to_another_site(db):
    admin = User.objects.create_superuser("quantri", "qt@example.vn", PASSWORD)
    client = Client()
    client.force_login(admin)
    response = client.get("/admin/login/?next=https://example.com/")
    assert response["Location"] == "/admin/"


def test_a_password_posted_to_the_admin_login_is_never_tested(db, limits):
    admin = User.objects.create_superuser("quantri", "qt@example.vn", PASSWORD)
    client = client_at(ELSEWHERE)
    for _ in range(limits.LOGIN_FAILURE_LIMIT * 3):
        response = client.post("/admin/login/", {"username": "quantri", "password": "sai"})
        assert response.status_code == 302
    response = client.post("/admin/login/", {"username": "quantri", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    # The portal's login counts and cools off the superuser like anyone.
    fail(client, admin.username, limits.LOGIN_FAILURE_LIMIT)
    assert cooled_off(log_in(client, admin.username, PASSWORD))


def test_a_signed_in_user_without_admin_access_is_refused_not_looped(member_client):
    assert member_client.get("/admin/login/").status_code == 403


# The audit log --------------------------------------------------------------------------------


def test_sign_in_failure_cool_off_refusal_and_sign_out_are_audited(bloc_head, limits):
    office = client_at(OFFICE)
    assert log_in(office, "truongkhoi", PASSWORD).status_code == 302
    office.post(reverse("logout"))
    fail(office, "TruongKhoi", limits.LOGIN_FAILURE_LIMIT)
    log_in(office, "truongkhoi", PASSWORD)
    log_in(office, "khong-co-ai", "sai")
    entries = list(AuditEntry.objects.filter(action__startswith="emulation.login").order_by("pk"))
    actions = [entry.action for entry in entries]
    assert actions == [
        "emulation.login.succeeded",
        "emulation.login.signed_out",
        *["emulation.login.failed"] * limits.LOGIN_FAILURE_LIMIT,
        "emulation.login.cooled_off",
        "emulation.login.refused",
        "emulation.login.failed",
    ]
    assert entries[0].actor == bloc_head
    assert {entry.ip_address for entry in entries} == {OFFICE}
    failed = entries[2]
    assert failed.actor is None
    assert failed.object_id == str(bloc_head.pk)
    assert failed.data == {"username": "truongkhoi"}
    assert entries[actions.index("emulation.login.cooled_off")].data == {
        "username": "truongkhoi",
        "minutes": limits.LOGIN_COOLOFF_MINUTES,
    }
    assert entries[-1].object_id in ("", None)
    assert all("sai" not in str(entry.data.values()) for entry in entries)


def test_an_admin_change_to_a_cool_off_record_is_audited(bloc_head, limits):
    fail(client_at(OFFICE), "truongkhoi", limits.LOGIN_FAILURE_LIMIT)
    admin = User.objects.create_superuser("quantri", "qt@example.vn", PASSWORD)
    client = Client()
    client.force_login(admin)
    attempt = AccessAttempt.objects.get()
    response = client.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}, follow=False
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="emulation.admin.changed")
    assert entry.actor == admin
    assert entry.data["object"] == str(attempt)


def test_the_failure_log_remembers_cool_offs_for_a_day_only(bloc_head, limits):
    office = client_at(OFFICE)
    fail(office, "truongkhoi", limits.LOGIN_FAILURE_LIMIT)
    let_time_pass(limits.LOGIN_COOLOFF_MINUTES + 1)
    AccessFailureLog.objects.update(attempt_time=timezone.now() - timedelta(days=1, minutes=1))
    fail(office, "truongkhoi", limits.LOGIN_FAILURE_LIMIT)
    response = log_in(office, "truongkhoi", PASSWORD)
    assert f"{limits.LOGIN_COOLOFF_MINUTES} phút" in response.content.decode()


# A burst ----------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_guesses_at_once_tests_no_more_passwords_than_the_limit(limits, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock and real concurrency need PostgreSQL")
    UserFactory(username="truongkhoi")
    tested = []
    check_password = User.check_password

    def counting(self, raw):
        tested.append(raw)
        return check_password(self, raw)

    monkeypatch.setattr(User, "check_password", counting)
    burst = 12
    barrier = threading.Barrier(burst)
    statuses = []

    def guess(index):
        try:
            client = client_at(ELSEWHERE)
            barrier.wait()
            statuses.append(log_in(client, "truongkhoi", f"doan-{index}").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(index,)) for index in range(burst)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tested) == limits.LOGIN_FAILURE_LIMIT
    assert sorted(statuses) == [200] * (limits.LOGIN_FAILURE_LIMIT - 1) + [429] * (
        burst - limits.LOGIN_FAILURE_LIMIT + 1
    )
    assert AccessAttempt.objects.get().failures_since_start == limits.LOGIN_FAILURE_LIMIT

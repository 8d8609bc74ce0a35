"""The second factor: turning it on, the code step of signing in, its throttle, the staff rule."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from emulation import two_factor
from emulation.models import AuditEntry
from tests.factories import UserFactory

PASSWORD = "mat-khau-dai-9381"


def _code(device, offset=0) -> str:
    device.refresh_from_db()
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset)
    return f"{code:06d}"


def _confirmed(user) -> TOTPDevice:
    device = two_factor.pending_device(user)
    return two_factor.confirm_device(device, _code(device), user=user)


@pytest.fixture
def officer(db):
    user = UserFactory(username="canbo")
    user.set_password(PASSWORD)
    user.save()
    return user


def _password_step(client, user, next_url=""):
    return client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD, "next": next_url}
    )


def test_turning_it_on_needs_the_first_code_and_is_audited(officer):
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("two_factor"))
    text = page.content.decode()
    assert page.status_code == 200 and "<svg" in text and 'data-testid="two-factor-secret"' in text
    assert "no-store" in page["Cache-Control"]  # the secret is on the page
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    wrong = client.post(reverse("two_factor"), {"code": "000000"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    time.sleep(1.1)  # the throttle's one second after a wrong code
    response = client.post(reverse("two_factor"), {"code": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    actions = list(AuditEntry.objects.filter(object_id=str(officer.pk)).values_list("action"))
    assert ("emulation.two_factor.code_failed",) in actions
    assert ("emulation.two_factor.enabled",) in actions
    assert device.key not in str(list(AuditEntry.objects.values_list("data", flat=True)))
    assert 'data-testid="two-factor-on"' in client.get(reverse("two_factor")).content.decode()


def test_the_secret_shown_for_typing_is_the_devices_key_in_base32(officer):
    import base64

    device = two_factor.pending_device(officer)
    typed = two_factor.secret_for_typing(device).replace(" ", "")
    assert base64.b32decode(typed + "=" * (-len(typed) % 8)) == device.bin_key


def test_with_a_device_the_password_alone_does_not_sign_in(officer):
    _confirmed(officer)
    client = Client()
    response = _password_step(client, officer, next_url="/notifications/")
    assert response.status_code == 302 and response["Location"] == reverse("login_code")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # still signed out
    page = client.get(reverse("login_code"))
    assert page.status_code == 200 and "mã 6 chữ số" in page.content.decode()


def test_the_right_code_signs_in_once_and_a_replay_is_refused(officer):
    device = _confirmed(officer)
    time.sleep(1.1)
    client = Client()
    _password_step(client, officer, next_url="/notifications/")
    code = _code(device, offset=1)  # the next step's code: the current one was used to confirm
    response = client.post(reverse("login_code"), {"code": code})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert client.get(reverse("home")).status_code == 200
    assert AuditEntry.objects.filter(action="emulation.login.succeeded").count() == 1
    other = Client()
    _password_step(other, officer)
    replay = other.post(reverse("login_code"), {"code": code})
    assert replay.status_code == 200 and "_auth_user_id" not in other.session


def test_wrong_codes_make_the_next_try_wait_longer(officer):
    device = _confirmed(officer)
    client = Client()
    _password_step(client, officer)
    first = client.post(reverse("login_code"), {"code": "123456"})
    assert "Mã xác thực không đúng" in first.content.decode()
    right_too_soon = client.post(reverse("login_code"), {"code": _code(device, offset=1)})
    assert "Vui lòng chờ" in right_too_soon.content.decode()
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a refused-while-waiting try is not counted


def test_an_offsite_next_is_not_followed_after_the_code(officer):
    device = _confirmed(officer)
    time.sleep(1.1)
    client = Client()
    _password_step(client, officer, next_url="https://example.com/")
    response = client.post(reverse("login_code"), {"code": _code(device, offset=1)})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_code_page_without_a_password_step_sends_back_to_login(db):
    response = Client().get(reverse("login_code"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_a_password_step_left_waiting_too_long_is_forgotten(officer, monkeypatch):
    device = _confirmed(officer)
    client = Client()
    _password_step(client, officer)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 301)
    response = client.post(reverse("login_code"), {"code": _code(device, offset=1)})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("code", ["", "abc", "1" * 13, "12345\x00", "１２３４５６", "<b>1</b>"])
def test_hostile_codes_are_refused_with_a_message(officer, code):
    _confirmed(officer)
    client = Client()
    _password_step(client, officer)
    response = client.post(reverse("login_code"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "<b>1</b>" not in response.content.decode()


def test_province_staff_must_set_it_up_when_the_setting_says_so(province_staff, settings):
    settings.STAFF_TOTP_REQUIRED = True
    client = Client()
    client.force_login(province_staff)
    response = client.get(reverse("blocs:year_overview"))
    assert response.status_code == 302 and response["Location"] == reverse("two_factor")
    page = client.get(reverse("two_factor")).content.decode()
    assert 'data-testid="two-factor-required"' in page
    device = TOTPDevice.objects.get(user=province_staff)
    client.post(reverse("two_factor"), {"code": _code(device)})
    assert client.get(reverse("blocs:year_overview")).status_code == 200
    refused = client.post(reverse("two_factor_off"), follow=True)
    assert "không tắt được" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=province_staff, confirmed=True).exists()


def test_a_staff_session_signed_in_before_the_rule_is_asked_for_the_code(province_staff, settings):
    device = _confirmed(province_staff)
    settings.STAFF_TOTP_REQUIRED = True
    client = Client()
    client.force_login(province_staff)
    response = client.get(reverse("blocs:year_overview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login_code"))
    time.sleep(1.1)
    client.post(response["Location"], {"code": _code(device, offset=1)})
    assert client.get(reverse("blocs:year_overview")).status_code == 200


def test_the_rule_leaves_members_alone_and_members_may_turn_it_off(member_client, member, settings):
    settings.STAFF_TOTP_REQUIRED = True
    assert member_client.get(reverse("home")).status_code == 200
    _confirmed(member)
    member_client.post(reverse("two_factor_off"))
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert AuditEntry.objects.filter(action="emulation.two_factor.disabled").count() == 1


def test_the_rule_costs_a_member_no_more_than_one_query(member_client, settings):
    def queries_for_a_page():
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get(reverse("notification_list")).status_code == 200
        return len(captured)

    member_client.get(reverse("home"))
    settings.STAFF_TOTP_REQUIRED = False
    without_rule = queries_for_a_page()
    settings.STAFF_TOTP_REQUIRED = True
    assert queries_for_a_page() <= without_rule + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_codes_sent_at_once_are_checked_one_after_another(officer):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    device = _confirmed(officer)
    time.sleep(1.1)
    results = []

    def guess():
        try:
            two_factor.check_code(device, "000000", user=officer)
        except Exception as error:
            results.append(getattr(error, "code", "error"))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    device.refresh_from_db()
    assert results.count("wrong_code") == 1, results
    assert device.throttling_failure_count == 1

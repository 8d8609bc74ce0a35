"""Settings come from the environment and a bad value stops start-up with a clear message."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.settings import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SIGNING_PKCS12_PATH",
    "LOGIN_FAILURE_LIMIT",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    # Set for the browser tests; `check --deploy` rightly refuses it in production.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh interpreter with the given settings variables."""
    environment = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**env: str) -> dict:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "thidua.example.gov.vn",
        "CSRF_TRUSTED_ORIGINS": "https://thidua.example.gov.vn",
        **env,
    }


def test_a_wrong_debug_value_stops_start_up_naming_the_variable():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean: use 1/0, true/false, yes/no or on/off." in result.stderr


def test_secret_key_is_required_when_debug_is_off():
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_a_bad_number_stops_start_up_naming_the_variable():
    result = manage("check", **production(LOGIN_FAILURE_LIMIT="five"))
    assert result.returncode != 0
    assert "LOGIN_FAILURE_LIMIT='five' is not a whole number." in result.stderr


def test_a_missing_certificate_file_stops_start_up(tmp_path):
    result = manage("check", SIGNING_PKCS12_PATH=str(tmp_path / "missing.p12"))
    assert result.returncode != 0
    assert "is not a file" in result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_warns_when_https_redirect_is_switched_off():
    """The deploy test above would pass vacuously if `check --deploy` never complained."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **production(SECURE_SSL_REDIRECT="0")
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


@pytest.mark.parametrize("raw", ["1", "true", "YES", " on "])
def test_env_bool_reads_true(monkeypatch, raw):
    monkeypatch.setenv("PORTAL_FLAG", raw)
    assert env_bool("PORTAL_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_reads_false(monkeypatch, raw):
    monkeypatch.setenv("PORTAL_FLAG", raw)
    assert env_bool("PORTAL_FLAG", True) is False


def test_env_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("PORTAL_FLAG", raising=False)
    assert env_bool("PORTAL_FLAG", True) is True


@pytest.mark.parametrize("raw", ["maybe", "2", "truee", "đúng"])
def test_env_bool_rejects_anything_else(monkeypatch, raw):
    monkeypatch.setenv("PORTAL_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="PORTAL_FLAG"):
        env_bool("PORTAL_FLAG", True)


def test_env_int_reads_a_whole_number_and_defaults_when_unset_or_blank(monkeypatch):
    monkeypatch.setenv("PORTAL_NUMBER", " 42 ")
    assert env_int("PORTAL_NUMBER", 5) == 42
    monkeypatch.setenv("PORTAL_NUMBER", "")
    assert env_int("PORTAL_NUMBER", 5) == 5
    monkeypatch.delenv("PORTAL_NUMBER")
    assert env_int("PORTAL_NUMBER", 5) == 5


@pytest.mark.parametrize("raw", ["abc", "1.5", "5 phút", "0x10", "1e3"])
def test_env_int_rejects_what_is_not_a_whole_number(monkeypatch, raw):
    monkeypatch.setenv("PORTAL_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="PORTAL_NUMBER=.* is not a whole number"):
        env_int("PORTAL_NUMBER", 5)


@pytest.mark.parametrize("raw", ["0", "-3"])
def test_env_int_rejects_values_below_the_minimum(monkeypatch, raw):
    monkeypatch.setenv("PORTAL_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="must be at least 1"):
        env_int("PORTAL_NUMBER", 5, minimum=1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("PORTAL_HOSTS", " a.vn, ,b.vn ,")
    assert env_list("PORTAL_HOSTS", ["x"]) == ["a.vn", "b.vn"]
    monkeypatch.delenv("PORTAL_HOSTS")
    assert env_list("PORTAL_HOSTS", ["x"]) == ["x"]


def test_env_str_trims(monkeypatch):
    monkeypatch.setenv("PORTAL_NAME", "  Hà Nam ")
    assert env_str("PORTAL_NAME") == "Hà Nam"


def test_the_portal_speaks_vietnamese_in_vietnam_time(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


def test_sessions_end_with_the_browser_and_after_a_working_day_by_default():
    from django.conf import settings

    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 10 * 3600


def test_session_hours_come_from_the_environment():
    shown = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)",
        SESSION_HOURS="2",
    )
    assert shown.stdout.strip().splitlines()[-1] == "7200"
    assert "SESSION_HOURS=0" in manage("check", SESSION_HOURS="0").stderr


def test_stored_files_are_readable_by_the_portal_and_its_group_only(settings, tmp_path):
    import stat

    from django.core.files.storage import default_storage

    from emulation.uploads import store_private_file

    settings.MEDIA_ROOT = tmp_path
    name = store_private_file(b"%PDF-1.4 test", folder="proposals/test")
    path = default_storage.path(name)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o750

"""Login throttling: after N failures for one account, refuse further tries for M minutes.

Counted per username in the database (shared by every app server), not per IP, because the
attack to stop is guessing one official's password from many addresses.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from emulation.models import LoginFailure


def _window_start():
    return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def is_locked_out(username: str) -> bool:
    recent = LoginFailure.objects.filter(username=_key(username), created_at__gte=_window_start())
    return recent.count() >= settings.LOGIN_FAILURE_LIMIT


def record_login_failure(username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=_key(username), ip_address=ip_address)
    # Old rows are useless once outside the window; keep the table small.
    LoginFailure.objects.filter(created_at__lt=_window_start() - timedelta(days=1)).delete()


def clear_login_failures(username: str) -> None:
    LoginFailure.objects.filter(username=_key(username)).delete()

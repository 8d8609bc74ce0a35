"""Login protection on django-axes: what axes is told to count, and how long a cool-off lasts.

Failures count per account and address together, so a stranger guessing the bloc head's
password from elsewhere cannot lock the head out on conference day, and per address alone,
with a higher limit, against one address trying many accounts (an office behind one NAT
address shares it, hence the higher limit). Each cool-off is twice the one before for the same
account and address within a day, from LOGIN_COOLOFF_MINUTES up to LOGIN_COOLOFF_MAX_MINUTES: a
person who mistypes waits minutes, a script guessing one password waits an hour. An address
spraying many accounts is held LOGIN_COOLOFF_MINUTES per LOGIN_IP_FAILURE_LIMIT failures.

Attempts for one username are serialised (`serialised_login`): the check, the password test and
the recorded failure happen one request at a time, so a burst cannot test more passwords than
the limit allows.
"""

from contextlib import contextmanager
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from axes.utils import reset
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from emulation.text import nfc

ADDRESS_AND_ACCOUNT, ADDRESS = ["username", "ip_address"], "ip_address"
LOCKOUT_PARAMETERS = [ADDRESS_AND_ACCOUNT, ADDRESS]
# Cool-offs are remembered this long for the doubling.
MEMORY = timedelta(days=1)
# 2 ** 10 × the base is far past any sensible maximum: stop doubling there.
_MAX_DOUBLINGS = 10


def username_key(request, credentials=None) -> str:
    """The username as the login form reads it: NFC, trimmed, case-insensitive."""
    if credentials:
        raw = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        raw = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    return nfc(raw or "").replace("\x00", "").strip().lower()[:150]


def _failures(request, credentials) -> tuple[int, int]:
    """Recent failures (this account from this address, this address for any account)."""
    per_account, per_address = AxesProxyHandler.get_implementation().get_user_attempts(
        request, credentials
    )
    total = "failures_since_start"
    return (
        per_account.aggregate(n=Sum(total))["n"] or 0,
        per_address.aggregate(n=Sum(total))["n"] or 0,
    )


def failure_limit(request, credentials) -> int:
    """Axes compares one number, the larger of the two counts (the address's), with one limit.
    Returning the account limit once this account has reached it, the address limit otherwise,
    applies both limits."""
    per_account, _ = _failures(request, credentials)
    if per_account >= settings.LOGIN_FAILURE_LIMIT:
        return settings.LOGIN_FAILURE_LIMIT
    return settings.LOGIN_IP_FAILURE_LIMIT


def cool_off(request) -> timedelta:
    """The base cool-off, doubled for every earlier cool-off of this account and address within
    a day. The failure that starts a cool-off is logged with `locked_out` just after the
    attempt's time, so a cool-off in force, and one being started, counts only those before."""
    address = getattr(request, "axes_ip_address", None)
    username = get_client_username(request)
    latest = AccessAttempt.objects.filter(username=username, ip_address=address).aggregate(
        at=Max("attempt_time")
    )["at"]
    earlier = AccessFailureLog.objects.filter(
        locked_out=True,
        ip_address=address,
        username=username,
        attempt_time__gte=timezone.now() - MEMORY,
    )
    if latest is not None:
        earlier = earlier.filter(attempt_time__lt=latest)
    minutes = settings.LOGIN_COOLOFF_MINUTES * 2 ** min(_MAX_DOUBLINGS, earlier.count())
    return timedelta(minutes=min(minutes, settings.LOGIN_COOLOFF_MAX_MINUTES))


def cool_off_minutes(request) -> int:
    """The cool-off this request met or started, in whole minutes."""
    return -(-int(cool_off(request).total_seconds()) // 60)


@contextmanager
def serialised_login(username: str):
    """One login attempt at a time per username (a transaction-scoped advisory lock on
    PostgreSQL; SQLite already runs one writer at a time)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["login:" + username])
        yield


def lockout_response(request, original_response, credentials=None):
    """The login page the form already rendered, with the cool-off message, as status 429."""
    original_response.status_code = 429
    return original_response


def forget_failures(username: str) -> int:
    """End this account's cool-offs (its owner proved itself by a set-password link)."""
    return reset(username=username_key(None, {settings.AXES_USERNAME_FORM_FIELD: username}))

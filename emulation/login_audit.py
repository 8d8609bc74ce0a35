"""Sign-ins, failed sign-ins, cool-offs and sign-outs in the audit log.

They come from Django's auth signals, so every way in is recorded, through the one audit path.
django-axes' receivers are connected when `axes.signals` is imported, which this module does
first, so ours run after them and see whether the failure was counted or started a cool-off.
A failed sign-in names the account it tried, when one exists, as the entry's object; the typed
username is kept either way, the password never.
"""

import axes.signals  # noqa: F401 (connects django-axes' receivers before ours)
from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from emulation.audit import log_action
from emulation.login_protection import cool_off_minutes, username_key
from emulation.models import User


def _account(username: str) -> User | None:
    return User.objects.filter(username__iexact=username).first() if username else None


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    log_action("emulation.login.succeeded", user, actor=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        log_action("emulation.login.signed_out", user, actor=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    """After django-axes' own receiver: a failure it counted, one that started a cool-off
    (counted, and now locked out), or one refused during a cool-off (not counted)."""
    username = username_key(request, credentials)
    account = _account(username)
    locked = bool(getattr(request, "axes_locked_out", False))
    counted = getattr(request, "axes_failures_since_start", None) is not None
    if locked and not counted:
        log_action("emulation.login.refused", account, actor=None, data={"username": username})
        return
    log_action("emulation.login.failed", account, actor=None, data={"username": username})
    if locked:
        log_action(
            "emulation.login.cooled_off",
            account,
            actor=None,
            data={"username": username, "minutes": cool_off_minutes(request)},
        )

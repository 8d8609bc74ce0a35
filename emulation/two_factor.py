"""A second factor for sign-in: a six-digit code from an authenticator app (TOTP, django-otp).

Any account may turn it on; province staff must when `STAFF_TOTP_REQUIRED` is set. A user with
a confirmed device signs in in two steps: the password (django-axes counts its failures), then
the code, which django-otp checks with its own growing delay after each wrong one. Turning it
on, off, and every wrong code are in the audit log; the secret never is.
"""

import base64
import math
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from emulation.audit import log_action

DEVICE_NAME = "Ứng dụng xác thực"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def required_for(user) -> bool:
    return bool(settings.STAFF_TOTP_REQUIRED) and user.is_province_staff


def pending_device(user) -> TOTPDevice:
    """The device being set up: its secret is shown until the first good code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code, drawn here (no image service, works offline)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def check_code(device: TOTPDevice, code: str, *, user) -> TOTPDevice:
    """Accept the current code once; a wrong or replayed one is refused, audited, and makes the
    next try wait twice as long (django-otp's throttle, read and written under a row lock so
    codes sent at once cannot skip the wait). The refusal is raised after the commit, so the
    counted failure stays."""
    digits = "".join(character for character in str(code) if character.isdigit())[:12]
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        verified = allowed and device.verify_token(digits)
        if allowed and not verified:
            log_action("emulation.two_factor.code_failed", user, actor=user)
    if not allowed:
        seconds = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
        raise ValidationError(
            _("Đã nhập sai mã nhiều lần. Vui lòng chờ %(seconds)s giây rồi nhập mã mới.")
            % {"seconds": seconds},
            code="throttled",
        )
    if not verified:
        raise ValidationError(
            _("Mã xác thực không đúng hoặc đã hết hạn. Nhập mã đang hiện trong ứng dụng."),
            code="wrong_code",
        )
    return device


def confirm_device(device: TOTPDevice, code: str, *, user) -> TOTPDevice:
    """Turn the second factor on with the first good code; any older device goes."""
    device = check_code(device, code, user=user)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        log_action("emulation.two_factor.enabled", user, actor=user)
    return device


@transaction.atomic
def turn_off(user, *, actor) -> None:
    """Remove the user's devices. Refused to a staff member on their own while the province
    requires it; another province staff member may do it for a lost phone."""
    if actor == user and required_for(user):
        raise ValidationError(
            _("Cán bộ của tỉnh phải dùng xác thực hai bước; không tắt được."), code="required"
        )
    deleted, _detail = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        log_action("emulation.two_factor.disabled", user, actor=actor)


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret as an app asks for it when the code cannot be scanned: base32, in fours."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))

"""Second-factor pages: turning it on or off for oneself, and the code step of signing in.

The password step (`emulation.views.LoginView`) leaves the account waiting in the session for a
few minutes; `login_code` signs it in once the code is right. A signed-in staff member whom the
province requires to use a code comes here too (`SecondFactorMiddleware`).
"""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from . import two_factor
from .forms import PortalForm
from .models import User
from .params import local_url

PENDING = "two_factor_pending"
# The code must follow the password within this time, or the password is asked again.
PENDING_SECONDS = 300


class CodeForm(PortalForm):
    form_tag = False
    code = forms.CharField(
        label=gettext_lazy("Mã xác thực (6 chữ số)"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


def remember_password_step(request, user, next_url: str):
    """Called by the login view when the password was right and the account has a device."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "at": time.time(),
        "next": next_url,
    }
    return redirect("login_code")


def _waiting_account(request):
    """(user, backend, next) of the password step still waiting, or None."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return (user, pending.get("backend"), pending.get("next") or "/") if user else None


@never_cache
def login_code(request):
    """The second step: after the password, or for a signed-in staff member not yet verified."""
    signed_in = request.user.is_authenticated
    if signed_in:
        user, backend, next_url = request.user, None, request.GET.get("next") or "/"
        if request.user.is_verified():
            return redirect(local_url(request, next_url))
    else:
        waiting = _waiting_account(request)
        if waiting is None:
            messages.info(request, _("Vui lòng đăng nhập lại bằng mật khẩu."))
            return redirect("login")
        user, backend, next_url = waiting
    device = two_factor.confirmed_device(user)
    if device is None:
        return redirect("two_factor") if signed_in else redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.check_code(device, form.cleaned_data["code"], user=user)
        except ValidationError as error:
            form.add_error("code", error)
        else:
            if not signed_in:
                request.session.pop(PENDING, None)
                login(request, user, backend=backend)
            otp_login(request, device)
            return redirect(local_url(request, next_url))
    return render(request, "registration/login_code.html", {"form": form, "account": user})


@never_cache
def two_factor_settings(request):
    """Turn the second factor on (scan, then type the first code) or see that it is on. Never
    cached: the page shows the secret until it is confirmed."""
    user = request.user
    device = two_factor.confirmed_device(user)
    form = CodeForm(request.POST or None)
    if device is None:
        device_to_confirm = two_factor.pending_device(user)
        if request.method == "POST" and form.is_valid():
            try:
                device = two_factor.confirm_device(
                    device_to_confirm, form.cleaned_data["code"], user=user
                )
            except ValidationError as error:
                form.add_error("code", error)
            else:
                otp_login(request, device)
                messages.success(request, _("Đã bật xác thực hai bước."))
                return redirect("two_factor")
    context = {
        "device": device,
        "form": form,
        "required": two_factor.required_for(user),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    if device is None:
        context.update(
            qr_svg=two_factor.qr_code_svg(device_to_confirm),
            secret=two_factor.secret_for_typing(device_to_confirm),
        )
    return render(request, "emulation/two_factor.html", context)


@require_POST
def two_factor_off(request):
    try:
        two_factor.turn_off(request.user, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã tắt xác thực hai bước."))
    return redirect(reverse("two_factor"))

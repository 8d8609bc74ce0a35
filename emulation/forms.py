from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from emulation.accounts import clear_login_failures, is_locked_out, record_login_failure
from emulation.middleware import client_ip
from emulation.text import nfc


class NFCFormMixin:
    """Normalise every submitted text value to NFC before any field sees it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and hasattr(self.data, "lists"):
            data = self.data.copy()
            for key, values in self.data.lists():
                data.setlist(key, [nfc(v) if isinstance(v, str) else v for v in values])
            self.data = data
        elif self.is_bound and isinstance(self.data, dict):
            self.data = {key: nfc(value) for key, value in self.data.items()}


class ThrottledAuthenticationForm(NFCFormMixin, AuthenticationForm):
    """The login form, refusing an account after repeated failures (see emulation.accounts)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "locked_out": _(
            "Tài khoản tạm thời bị khóa đăng nhập %(minutes)s phút do nhập sai mật khẩu "
            "%(limit)s lần liên tiếp. Vui lòng thử lại sau hoặc liên hệ Ban Thi đua - Khen thưởng."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username", "")
        if username and is_locked_out(username):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={
                    "minutes": settings.LOGIN_LOCKOUT_MINUTES,
                    "limit": settings.LOGIN_FAILURE_LIMIT,
                },
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                record_login_failure(username, client_ip(self.request) if self.request else None)
            raise
        clear_login_failures(username)
        return cleaned

"""Forms of the account pages and of the password pages (set from a link, reset, change)."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from blocs.forms.structure import AgencyChoiceField
from blocs.models import Agency
from blocs.services import accounts as services
from emulation.forms import NFCFormMixin, PortalForm
from emulation.middleware import client_ip
from emulation.models import User


class AccountForm(PortalForm):
    """Create or edit an account; the service checks uniqueness, kind and the last staff."""

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=services.USERNAME_MAX,
        help_text=_("Chữ cái không dấu, chữ số và . _ - @; không phân biệt chữ hoa, thường."),
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    email = forms.CharField(
        label=_("Thư điện tử"),
        max_length=254,
        required=False,
        help_text=_("Để gửi đường dẫn đặt mật khẩu và thông báo."),
    )
    kind = forms.ChoiceField(
        label=_("Loại tài khoản"),
        choices=[(k.value, label) for k, label in services.KIND_LABELS.items()],
    )
    agency = AgencyChoiceField(
        label=_("Cơ quan, đơn vị"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("— Không thuộc đơn vị nào —"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = (
            Agency.objects.filter(status=Agency.Status.ACTIVE)
            .select_related("former_province")
            .in_vietnamese_order()
        )
        self.fields["agency"].error_messages["invalid_choice"] = _(
            "Hãy chọn một đơn vị đang hoạt động trong danh sách."
        )
        self.fields["kind"].error_messages["invalid_choice"] = _(
            "Hãy chọn loại tài khoản trong danh sách."
        )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["kind"] = services.AccountKind(data["kind"])
        return data


class ReaderForm(PortalForm):
    """One account by username: an observer to add, or the liaison to link."""

    form_tag = False
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=services.USERNAME_MAX)


class LiaisonUserForm(ReaderForm):
    username = forms.CharField(
        label=_("Tên đăng nhập của lãnh đạo phụ trách"),
        max_length=services.USERNAME_MAX,
        required=False,
        help_text=_("Để trống để bỏ liên kết."),
    )


class ThrottledPasswordResetForm(NFCFormMixin, auth_forms.PasswordResetForm):
    """Django's reset form, throttled per address and per client address. It answers the same
    whether or not the address belongs to an account."""

    email = forms.EmailField(
        label=_("Thư điện tử của tài khoản"),
        max_length=254,
        error_messages={
            "required": _("Vui lòng nhập địa chỉ thư điện tử."),
            "invalid": _("Địa chỉ thư điện tử không hợp lệ."),
        },
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self):
        email = self.cleaned_data["email"]
        ip = client_ip(self.request) if self.request else None
        if not services.reset_allowed(email, ip):
            raise forms.ValidationError(
                _("Đã có nhiều yêu cầu đặt lại mật khẩu; hãy thử lại sau một giờ."),
                code="throttled",
            )
        return email

    def get_users(self, email):
        """Active accounts with this address, including new ones that have no password yet
        (their owner never used the staff's link): Django skips those."""
        return User.objects.filter(email__iexact=email, is_active=True)

    def save(self, *args, **kwargs):
        services.record_reset_request(self.cleaned_data["email"])
        return super().save(*args, **kwargs)


class LinkSetPasswordForm(NFCFormMixin, auth_forms.SetPasswordForm):
    """Set a password from a one-time link; the forced change is then over."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        services.record_password_set(user, actor=user, action="emulation.user.password_set")
        return user


class AuditedPasswordChangeForm(NFCFormMixin, auth_forms.PasswordChangeForm):
    """Change the password while signed in; clears a forced change and is audited."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        services.record_password_set(user, actor=user)
        return user

import datetime
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from emulation import login_protection
from emulation.text import nfc
from emulation.uploads import check_pdf


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


# Dates: typed as a Vietnamese writes them, whatever the browser's language (an en-US
# <input type="date"> shows mm/dd/yyyy, and Django's default input formats read 03/04 as March 4).
DATE_DISPLAY_FORMAT = "%d/%m/%Y"
# dd/mm/yyyy and d/m/yyyy (also with "-" or "."), and ISO yyyy-mm-dd for old links and tests.
# Eight digits at most for a year: a longer number is not a year, and never a huge int to parse.
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{1,8})", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
MIN_YEAR, MAX_YEAR = 1900, 2100
DATE_INVALID = _("%(field)s không hợp lệ: nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2025.")
DATE_NO_SUCH_DAY = _("%(field)s không hợp lệ: tháng %(month)d/%(year)d không có ngày %(day)d.")
DATE_NO_SUCH_MONTH = _("%(field)s không hợp lệ: tháng phải từ 1 đến 12 (đã nhập %(month)d).")
DATE_YEAR_RANGE = _("%(field)s không hợp lệ: năm phải từ %(min)d đến %(max)d (đã nhập %(year)d).")


class VietnameseDateInput(forms.TextInput):
    """A text box for dd/mm/yyyy: the numeric keypad on a phone, the format in the placeholder."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime(DATE_DISPLAY_FORMAT)
        return super().format_value(value)


class VietnameseDateField(forms.DateField):
    """A date typed dd/mm/yyyy (or d/m/yyyy, or ISO), each mistake named in Vietnamese: a day the
    month does not have, a thirteenth month, a year outside the portal's range."""

    widget = VietnameseDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        if match := _DAY_MONTH_YEAR.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
        elif match := _ISO.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
        else:
            raise self._error(DATE_INVALID)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise self._error(DATE_YEAR_RANGE, year=year, min=MIN_YEAR, max=MAX_YEAR)
        if not 1 <= month <= 12:
            raise self._error(DATE_NO_SUCH_MONTH, month=month)
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise self._error(DATE_NO_SUCH_DAY, year=year, month=month, day=day) from None

    def _error(self, message, **params) -> forms.ValidationError:
        text = str(message).replace("%(field)s", str(self.label or _("Ngày")))
        return forms.ValidationError(text, code="invalid", params=params)


def vietnamese_date_field(field: forms.DateField) -> VietnameseDateField:
    """The same field as a `VietnameseDateField` (label, required, initial, help text kept)."""
    return VietnameseDateField(
        required=field.required,
        label=field.label,
        initial=field.initial,
        help_text=field.help_text,
        disabled=field.disabled,
        validators=field.validators,
    )


REQUIRED = _("Vui lòng nhập %(field)s.")
REQUIRED_FILE = _("Vui lòng chọn %(field)s.")
TOO_LONG = _("%(field)s quá dài: tối đa %(limit_value)d ký tự (hiện có %(show_value)d).")


class PortalForm(NFCFormMixin, forms.Form):
    """The one base form: NFC input, Vietnamese required/too-long messages naming the field, every
    date field a `VietnameseDateField` (dd/mm/yyyy), and a crispy helper that renders its own
    <form> with `submit_label`, or only the fields when `form_tag` is False (the template writes
    the <form> and its buttons)."""

    submit_label = _("Lưu")
    form_tag = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField) and not isinstance(field, VietnameseDateField):
                self.fields[name] = field = vietnamese_date_field(field)
            label = str(field.label or "")
            required = REQUIRED_FILE if isinstance(field, forms.FileField) else REQUIRED
            field.error_messages["required"] = required % {"field": label.lower()}
            if getattr(field, "max_length", None):
                field.error_messages["max_length"] = str(TOO_LONG).replace("%(field)s", label)
        self.helper = FormHelper()
        self.helper.form_tag = self.form_tag
        if self.form_tag:
            self.helper.add_input(Submit("submit", self.submit_label))


def show_errors(request, error: ValidationError, form=None, *, general_as_message=False) -> None:
    """Put a service's refusal where the person will read it: on the form's field when the
    error names one of its fields, on the form as a whole otherwise, or as page messages when
    there is no form to redisplay. With `general_as_message`, a refusal naming no field is a page
    message even beside a form (the conference pages show such refusals above the page)."""
    if form is not None and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif form is not None and not general_as_message:
        form.add_error(None, error)
    else:
        for message in error.messages:
            messages.error(request, message)


def form_errors_as_messages(request, form, *, labelled: bool = False) -> None:
    """A form posted from another page (a button on a list) that failed: its errors as page
    messages on the page the view goes back to, each after its field's label if `labelled`."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if labelled and name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


class ThrottledAuthenticationForm(NFCFormMixin, AuthenticationForm):
    """The login form; django-axes counts the failures and refuses during a cool-off
    (emulation.login_protection), one attempt per username at a time."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "locked_out": _(
            "Đăng nhập bằng tài khoản này từ máy của bạn tạm dừng %(minutes)s phút do nhập sai "
            "mật khẩu nhiều lần. Vui lòng thử lại sau hoặc liên hệ cán bộ thi đua, khen thưởng "
            "của tỉnh."
        ),
    }

    def clean(self):
        username = login_protection.username_key(
            self.request, {"username": self.cleaned_data.get("username")}
        )
        # The refusal is raised after the block: raised inside, it would roll back the failure
        # django-axes just recorded.
        with login_protection.serialised_login(username):
            try:
                return super().clean()
            except forms.ValidationError as error:
                refusal = error
        if getattr(self.request, "axes_locked_out", False):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": login_protection.cool_off_minutes(self.request)},
            )
        raise refusal


class VerifyDocumentForm(NFCFormMixin, forms.Form):
    """/verify/: an uploaded PDF and/or a pasted SHA-256 hash or verification code."""

    file = forms.FileField(
        label=_("Tệp PDF cần kiểm tra"),
        required=False,
        error_messages={
            "empty": _("Tệp rỗng, không có nội dung."),
            "invalid": _("Không nhận được tệp. Vui lòng chọn lại tệp PDF."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    q = forms.CharField(
        label=_("Hoặc mã xác thực / mã băm SHA-256"),
        required=False,
        max_length=200,
        help_text=_(
            "Mã xác thực in ở chân trang văn bản (dạng XXXX-XXXX-XXXX) hoặc mã băm 64 ký tự."
        ),
        error_messages={
            "max_length": _("Mã quá dài: mã xác thực có 12 ký tự, mã băm có 64 ký tự.")
        },
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        try:
            return check_pdf(upload).data
        except forms.ValidationError as error:
            # A damaged PDF is still worth looking up: it is simply not what the portal issued.
            if error.code != "broken":
                raise
        upload.seek(0)
        data = upload.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(
                _("Tệp không phải là PDF. Chỉ chấp nhận tệp PDF (.pdf)."), code="not_pdf"
            )
        return data

    def clean_q(self):
        raw = self.cleaned_data.get("q") or ""
        compact = "".join(raw.split()).replace("-", "")
        if not compact:
            return ("", "")
        if len(compact) == 64 and all(ch in "0123456789abcdefABCDEF" for ch in compact):
            return ("sha256", compact.lower())
        if len(compact) == 12 and compact.isascii() and compact.isalnum():
            code = compact.upper()
            return ("code", f"{code[:4]}-{code[4:8]}-{code[8:]}")
        raise forms.ValidationError(
            _(
                "Không nhận ra mã này. Mã xác thực có dạng XXXX-XXXX-XXXX; mã băm SHA-256 gồm "
                "64 ký tự 0-9, a-f."
            ),
            code="bad_lookup",
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file") and not cleaned.get("q", ("", ""))[1]:
            raise forms.ValidationError(
                _("Vui lòng chọn tệp PDF hoặc nhập mã xác thực / mã băm."), code="required"
            )
        return cleaned

"""Forms for covenants, signatures and registrations. They validate input only; services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocs.models import AwardType, CovenantSignature
from emulation.forms import NFCFormMixin, PortalForm
from emulation.uploads import PdfUploadField


class CovenantBaseForm(PortalForm):
    """Covenant forms render only their fields: the page writes the <form> and its buttons."""

    form_tag = False


def _text(label, *, max_length=300, required=True, rows=None, **kwargs):
    widget = forms.Textarea({"rows": rows}) if rows else None
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=widget, **kwargs
    )


# Registrations -----------------------------------------------------------------------------------


class TitleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class RegistrationForm(CovenantBaseForm):
    titles = TitleChoiceField(
        label=_("Danh hiệu, hình thức khen thưởng đăng ký"),
        queryset=AwardType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = _text(_("Ghi chú"), max_length=2000, required=False, rows=2)

    def __init__(self, *args, on_behalf=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["titles"].queryset = AwardType.objects.active().collective()
        if on_behalf:
            self.fields["reason"] = _text(
                _("Lý do sửa thay đơn vị"),
                max_length=1000,
                rows=2,
                help_text=_("Bắt buộc khi trưởng khối sửa bản đăng ký; được ghi vào nhật ký."),
            )
            self.fields["reason"].error_messages["required"] = _(
                "Nhập lý do khi trưởng khối sửa bản đăng ký."
            )


class TableRowForm(NFCFormMixin, forms.Form):
    """A formset row rendered as table cells: Bootstrap classes and the label as aria-label."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            css = (
                "form-check-input" if isinstance(form_field, forms.BooleanField) else "form-control"
            )
            form_field.widget.attrs.setdefault("class", css)
            form_field.widget.attrs.setdefault("aria-label", str(form_field.label))


class TargetForm(TableRowForm):
    indicator = _text(_("Chỉ tiêu"), required=False)
    value = _text(_("Giá trị"), max_length=100, required=False)
    unit = _text(_("Đơn vị tính"), max_length=100, required=False)
    note = _text(_("Ghi chú"), required=False)

    def clean(self):
        cleaned = super().clean()
        filled = any(cleaned.get(key) for key in ("value", "unit", "note"))
        if filled and not cleaned.get("indicator"):
            self.add_error("indicator", _("Nhập tên chỉ tiêu (ví dụ: Doanh thu)."))
        return cleaned


class TableFormSet(forms.BaseFormSet):
    """Styles the ORDER and DELETE fields the formset adds after each row form is built."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        labels = {"ORDER": _("Thứ tự"), "DELETE": _("Xóa")}
        for name, label in labels.items():
            if name in form.fields:
                widget = form.fields[name].widget
                css = "form-check-input" if name == "DELETE" else "form-control"
                widget.attrs.update({"class": css, "aria-label": str(label)})


TargetFormSet = forms.formset_factory(
    TargetForm, formset=TableFormSet, extra=3, max_num=50, validate_max=True, can_delete=True
)


def target_rows(formset) -> list[dict]:
    """The filled, not deleted target rows of a valid formset, in page order."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and form.cleaned_data.get("indicator")
    ]


class ReasonForm(CovenantBaseForm):
    reason = _text(_("Lý do"), max_length=1000, rows=2)


class ReturnRegistrationForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Lý do trả lại")
        self.fields["reason"].error_messages["required"] = _("Nhập lý do trả lại bản đăng ký.")


class VoidSignatureForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Lý do hủy chữ ký")
        self.fields["reason"].error_messages["required"] = _("Nhập lý do hủy chữ ký.")


class OnBehalfSubmitForm(CovenantBaseForm):
    reason = _text(_("Lý do gửi thay"), max_length=1000, required=False, rows=1)


class DeadlineForm(CovenantBaseForm):
    registration_deadline = forms.DateField(label=_("Hạn đăng ký thi đua"), required=False)


# Covenant text -----------------------------------------------------------------------------------


class CovenantForm(CovenantBaseForm):
    title = _text(_("Tiêu đề"))
    conference_date = forms.DateField(label=_("Ngày hội nghị ký kết"), required=False)
    conference_place = _text(_("Địa điểm hội nghị"), required=False)
    preamble = _text(_("Lời mở đầu"), max_length=5000, required=False, rows=4)


class CovenantTemplateForm(CovenantBaseForm):
    title_pattern = _text(
        _("Mẫu tiêu đề"), max_length=200, help_text=_("{year} được thay bằng năm thi đua.")
    )
    preamble = _text(
        _("Lời mở đầu"),
        max_length=5000,
        required=False,
        rows=4,
        help_text=_("{year}: năm thi đua; {bloc}: tên khối."),
    )


class ClauseForm(TableRowForm):
    text = _text(_("Nội dung điều khoản"), max_length=5000, required=False, rows=3)


ClauseFormSet = forms.formset_factory(
    ClauseForm,
    formset=TableFormSet,
    extra=2,
    max_num=60,
    validate_max=True,
    can_order=True,
    can_delete=True,
)


def clause_texts(formset) -> list[str]:
    """The kept clauses of a valid formset in the order the user set (ORDER, then page order)."""
    return [
        form.cleaned_data["text"] for form in formset.ordered_forms if form.cleaned_data.get("text")
    ]


def clause_initial(clauses) -> list[dict]:
    return [{"text": clause.text, "ORDER": index} for index, clause in enumerate(clauses, start=1)]


# Signatures --------------------------------------------------------------------------------------


class SignatureForm(CovenantBaseForm):
    """One member's signature. Members upload a signed page (scanned or digitally signed); the
    head may also record a paper signature from the conference."""

    method = forms.ChoiceField(label=_("Hình thức ký"), widget=forms.RadioSelect)
    signer_name = _text(_("Họ tên người ký"), max_length=150)
    signer_title = _text(_("Chức vụ"), max_length=200, required=False)
    signed_on = forms.DateField(label=_("Ngày ký"))
    file = PdfUploadField(label=_("Trang giao ước đã ký (PDF)"), required=False)

    def __init__(self, *args, allow_paper=False, **kwargs):
        super().__init__(*args, **kwargs)
        methods = CovenantSignature.Method
        choices = [(methods.UPLOAD, methods.UPLOAD.label), (methods.DIGITAL, methods.DIGITAL.label)]
        if allow_paper:
            choices.insert(0, (methods.PAPER, methods.PAPER.label))
        self.fields["method"].choices = choices
        self.fields["method"].error_messages["invalid_choice"] = _(
            "Hình thức ký không hợp lệ với vai trò của bạn."
        )
        self.fields["signed_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        needs_file = method in (CovenantSignature.Method.UPLOAD, CovenantSignature.Method.DIGITAL)
        if needs_file and not cleaned.get("file") and "file" not in self.errors:
            self.add_error("file", _("Tải lên trang giao ước đã ký (tệp PDF)."))
        return cleaned


class AgencyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PaperSignaturesForm(CovenantBaseForm):
    agencies = AgencyMultipleChoiceField(
        label=_("Đơn vị đã ký trên giấy tại hội nghị"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn ít nhất một đơn vị đã ký.")},
    )
    signed_on = forms.DateField(label=_("Ngày ký"))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies
        self.fields["agencies"].error_messages["required"] = _("Chọn ít nhất một đơn vị đã ký.")

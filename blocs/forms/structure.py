"""Forms for the structure pages: agencies and their changes, blocs, bloc-years and members.

Each form only validates input; the view passes `cleaned_data` to one service, which enforces
the rules that involve other rows (one bloc per year, head and deputy among the members).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.models import Agency, Bloc
from emulation.forms import PortalForm
from emulation.widgets import QuickSelect


class AgencyChoiceField(forms.ModelChoiceField):
    """Agencies by name; a former province's (its Sở Y tế beside the province's own) says so.
    Written in one pass (`QuickSelect`): the list may be the whole registry."""

    widget = QuickSelect

    def label_from_instance(self, obj):
        if obj.former_province_id:
            return f"{obj.name} ({obj.former_province.label})"
        return obj.name


class AgencyForm(PortalForm):
    name = forms.CharField(label=_("Tên chính thức"), max_length=300)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Loại hình"), choices=Agency.Kind.choices)
    established_on = forms.DateField(label=_("Ngày thành lập"), required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea({"rows": 3}))


class AgencyEditForm(PortalForm):
    """Everything but the name, which changes only by a dated rename."""

    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Loại hình"), choices=Agency.Kind.choices)
    established_on = forms.DateField(label=_("Ngày thành lập"), required=False)
    ended_on = forms.DateField(label=_("Ngày kết thúc hoạt động"), required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea({"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("established_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("Ngày kết thúc hoạt động không thể trước ngày thành lập."))
        return cleaned


class AgencyChangeForm(PortalForm):
    """The common part of a dated change: effective date, decision and reason."""

    effective_on = forms.DateField(label=_("Ngày hiệu lực"))
    decision_ref = forms.CharField(
        label=_("Văn bản, quyết định"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: Quyết định số 123/QĐ-UBND ngày 28/02/2025 của UBND tỉnh."),
    )
    reason = forms.CharField(label=_("Lý do"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, agency: Agency, **kwargs):
        self.agency = agency
        super().__init__(*args, **kwargs)

    def clean_effective_on(self):
        value = self.cleaned_data["effective_on"]
        if self.agency.established_on and value < self.agency.established_on:
            raise forms.ValidationError(
                _("Ngày hiệu lực không thể trước ngày thành lập của đơn vị (%(day)s)."),
                params={"day": self.agency.established_on.strftime("%d/%m/%Y")},
            )
        return value


class RenameAgencyForm(AgencyChangeForm):
    new_name = forms.CharField(label=_("Tên mới"), max_length=300)
    new_short_name = forms.CharField(label=_("Tên viết tắt mới"), max_length=100, required=False)
    new_kind = forms.ChoiceField(
        label=_("Loại hình mới"), choices=Agency.Kind.choices, required=False
    )
    submit_label = _("Đổi tên")
    field_order = [
        "new_name",
        "new_short_name",
        "new_kind",
        "effective_on",
        "decision_ref",
        "reason",
    ]

    def __init__(self, *args, agency: Agency, **kwargs):
        kwargs.setdefault("initial", {"new_short_name": agency.short_name, "new_kind": agency.kind})
        super().__init__(*args, agency=agency, **kwargs)

    def clean_new_short_name(self):
        """A form sent without the field (not the page's) keeps the short name."""
        if "new_short_name" not in self.data:
            return None
        return self.cleaned_data["new_short_name"]

    def clean_new_name(self):
        value = self.cleaned_data["new_name"]
        if value == self.agency.name:
            raise forms.ValidationError(_("Tên mới trùng với tên hiện tại."))
        return value


class MergeAgencyForm(AgencyChangeForm):
    into = AgencyChoiceField(label=_("Hợp nhất, sáp nhập vào"), queryset=Agency.objects.none())
    submit_label = _("Hợp nhất")
    field_order = ["into", "effective_on", "decision_ref", "reason"]

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, agency=agency, **kwargs)
        # Only valid targets: active agencies other than this one.
        self.fields["into"].queryset = (
            Agency.objects.filter(status=Agency.Status.ACTIVE)
            .select_related("former_province")
            .exclude(pk=agency.pk)
            .in_vietnamese_order()
        )
        self.fields["into"].error_messages["invalid_choice"] = _(
            "Đơn vị tiếp nhận phải là một đơn vị khác, đang hoạt động."
        )

    def clean_into(self):
        into = self.cleaned_data["into"]
        if into.pk == self.agency.pk:
            raise forms.ValidationError(_("Không thể hợp nhất một đơn vị vào chính nó."))
        return into


class SplitAgencyForm(AgencyChangeForm):
    new_name = forms.CharField(label=_("Tên đơn vị mới"), max_length=300)
    new_short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    new_kind = forms.ChoiceField(label=_("Loại hình"), choices=Agency.Kind.choices)
    submit_label = _("Chia tách")
    field_order = [
        "new_name",
        "new_short_name",
        "new_kind",
        "effective_on",
        "decision_ref",
        "reason",
    ]

    def __init__(self, *args, agency: Agency, **kwargs):
        kwargs.setdefault("initial", {"new_kind": agency.kind})
        super().__init__(*args, agency=agency, **kwargs)


class DissolveAgencyForm(AgencyChangeForm):
    submit_label = _("Giải thể")


class BlocForm(PortalForm):
    name = forms.CharField(label=_("Tên khối"), max_length=300)
    code = forms.CharField(
        label=_("Mã khối"),
        max_length=30,
        help_text=_("Dùng trong số văn bản, ví dụ KTĐVHXH trong “05/BB-KTĐVHXH”."),
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=Bloc.Kind.choices)
    description = forms.CharField(
        label=_("Mô tả"), required=False, widget=forms.Textarea({"rows": 2})
    )
    submit_label = _("Tạo khối")


class BlocActiveForm(PortalForm):
    active = forms.BooleanField(label=_("Đang hoạt động"), required=False)


class BlocYearCreateForm(PortalForm):
    bloc = forms.ModelChoiceField(label=_("Khối"), queryset=Bloc.objects.none())
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    submit_label = _("Mở năm cho khối")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bloc"].queryset = Bloc.objects.filter(
            active=True, former_province__isnull=True
        ).in_vietnamese_order()
        self.fields["bloc"].empty_label = _("— Chọn khối —")
        self.fields["year"].error_messages["min_value"] = _("Năm phải từ 2000 đến 2100.")
        self.fields["year"].error_messages["max_value"] = _("Năm phải từ 2000 đến 2100.")


class AddMemberForm(PortalForm):
    agency = AgencyChoiceField(label=_("Đơn vị"), queryset=Agency.objects.none())
    signatory_name = forms.CharField(label=_("Người ký"), max_length=150, required=False)
    signatory_title = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False)
    submit_label = _("Thêm thành viên")

    def __init__(self, *args, bloc_year, **kwargs):
        super().__init__(*args, **kwargs)
        # Agencies in no bloc that year; the service still refuses races and ended agencies.
        self.fields["agency"].queryset = (
            Agency.objects.filter(status=Agency.Status.ACTIVE)
            .select_related("former_province")
            .exclude(memberships__year=bloc_year.year)
            .in_vietnamese_order()
        )
        self.fields["agency"].error_messages["invalid_choice"] = _(
            "Đơn vị này không thể thêm: có thể đã thuộc một khối khác trong năm %(year)s."
        ) % {"year": bloc_year.year}
        self.fields["agency"].empty_label = _("— Chọn đơn vị —")


class SignatoryForm(PortalForm):
    signatory_name = forms.CharField(label=_("Người ký"), max_length=150, required=False)
    signatory_title = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False)


class LiaisonForm(PortalForm):
    liaison_name = forms.CharField(
        label=_("Lãnh đạo phụ trách khối"), max_length=150, required=False
    )
    liaison_title = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea({"rows": 2}))


class LeadersForm(PortalForm):
    head = AgencyChoiceField(label=_("Trưởng khối"), queryset=Agency.objects.none())
    deputy = AgencyChoiceField(label=_("Phó khối"), queryset=Agency.objects.none(), required=False)
    submit_label = _("Phân công")

    def __init__(self, *args, bloc_year, names=None, **kwargs):
        """`names`: {agency id: name as it stood in the bloc-year}, from the page's members, in
        the page's order; both selects then list them without reading the members again (the
        queryset still checks what is posted)."""
        super().__init__(*args, **kwargs)
        members = Agency.objects.filter(memberships__bloc_year=bloc_year).in_vietnamese_order()
        for name in ("head", "deputy"):
            self.fields[name].queryset = members
            self.fields[name].error_messages["invalid_choice"] = _(
                "Hãy chọn một thành viên của khối năm %(year)s."
            ) % {"year": bloc_year.year}
        self.fields["deputy"].empty_label = _("— Chưa phân công —")
        if names is not None:
            listed = list(names.items())
            for name in ("head", "deputy"):
                empty = self.fields[name].empty_label
                self.fields[name].widget.choices = [*([("", empty)] if empty else []), *listed]

    def clean(self):
        cleaned = super().clean()
        head, deputy = cleaned.get("head"), cleaned.get("deputy")
        if head and deputy and head.pk == deputy.pk:
            self.add_error("deputy", _("Trưởng khối và phó khối phải là hai đơn vị khác nhau."))
        return cleaned


class RolloverForm(PortalForm):
    """The commit step of "open year Y+1": the source year travels in a hidden field."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2099)
    submit_label = _("Xác nhận mở năm")


def agency_filter_choices():
    return [("", _("Tất cả loại hình")), *Agency.Kind.choices]


def status_filter_choices():
    return [("", _("Tất cả trạng thái")), *Agency.Status.choices]

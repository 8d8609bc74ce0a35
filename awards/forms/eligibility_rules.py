"""The eligibility rule form: one version of a rule, validated in Vietnamese.

The service checks the same numbers again and refuses changes to reviewed years; the form only
parses, says what is missing for the chosen kind, and locks the fields a mode may not change.
"""

import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards.models import AwardType, EligibilityRule
from awards.services.eligibility_rules import (
    RULE_FIELDS,
    UNUSED_VALUES,
    rule_errors,
    unused_fields,
)
from emulation.forms import NFCFormMixin, VietnameseDateField

FIRST_YEAR = 2000
LAST_YEAR = 2100
SCOPE_FIELDS = ["kind", "award_type", "required_award_type"]
WORDING_FIELDS = ["legal_basis", "explanation"]


class PercentField(forms.DecimalField):
    """A percentage typed the Vietnamese way ("12,5") or the other ("12.5")."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("%", "").replace(",", ".")
        return super().to_python(value)


class EligibilityRuleForm(NFCFormMixin, forms.ModelForm):
    """Add a rule, add a new version of one (`base`), or edit one (`locked`: wording only)."""

    percent = PercentField(
        label=_("Tỷ lệ (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("Chỉ cho quy tắc hạn mức, ví dụ 20 hoặc 12,5."),
        error_messages={
            "invalid": _("Nhập một số, ví dụ 20 hoặc 12,5."),
            # Django formats these two with %-parameters, hence "%%".
            "max_digits": _("Tỷ lệ phải lớn hơn 0 và không quá 100%%."),
            "max_whole_digits": _("Tỷ lệ phải lớn hơn 0 và không quá 100%%."),
            "max_decimal_places": _("Tỷ lệ chỉ ghi tối đa 2 chữ số thập phân."),
        },
    )
    min_points = PercentField(
        label=_("Điểm tối thiểu"),
        required=False,
        max_digits=6,
        decimal_places=2,
        help_text=_("Chỉ cho quy tắc điểm chấm thi đua tối thiểu, ví dụ 90 hoặc 92,5."),
        error_messages={"invalid": _("Nhập một số, ví dụ 90 hoặc 92,5.")},
    )
    years = forms.IntegerField(
        label=_("Số năm (N hoặc W)"),
        required=False,
        help_text=_("N năm liên tục, hoặc W năm của khoảng xét."),
        error_messages={"invalid": _("Nhập một số nguyên.")},
    )
    times = forms.IntegerField(
        label=_("Số lần (k)"),
        required=False,
        help_text=_("Chỉ cho quy tắc “Ít nhất k lần trong W năm”."),
        error_messages={"invalid": _("Nhập một số nguyên.")},
    )

    class Meta:
        model = EligibilityRule
        fields = RULE_FIELDS
        field_classes = {"effective_from": VietnameseDateField}
        widgets = {
            "explanation": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "required_award_type": _("Chỉ cho quy tắc về lịch sử khen thưởng."),
            "includes_achievement_year": _(
                "Đánh dấu nếu năm đang đề nghị cũng được tính vào số năm, số lần."
            ),
            "effective_from": _("Áp dụng cho năm thành tích kết thúc từ ngày này trở đi."),
            "enabled": _(
                "Bỏ đánh dấu: từ ngày hiệu lực của phiên bản này, quy tắc không còn áp dụng."
            ),
        }
        error_messages = {
            "effective_from": {"required": _("Nhập ngày hiệu lực.")},
            "kind": {"required": _("Chọn loại quy tắc.")},
            "award_type": {"required": _("Chọn danh hiệu, hình thức áp dụng.")},
        }

    def __init__(self, *args, base=None, locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.base = base
        ids = [self.instance.award_type_id, self.instance.required_award_type_id]
        types = AwardType.objects.filter(Q(active=True) | Q(pk__in=[i for i in ids if i]))
        self.fields["award_type"].queryset = types
        self.fields["required_award_type"].queryset = types
        if self.instance.pk:
            del self.fields["enabled"]
        if base is not None:
            for name in SCOPE_FIELDS:
                self.fields[name].disabled = True
        if locked:
            for name, field in self.fields.items():
                field.disabled = name not in WORDING_FIELDS

    def clean_effective_from(self):
        value = self.cleaned_data["effective_from"]
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Năm hiệu lực phải từ %(first)s đến %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        if self.base is not None and value <= self.base.effective_from:
            raise forms.ValidationError(
                _("Phiên bản mới phải có hiệu lực sau ngày %(date)s của phiên bản đang dùng.")
                % {"date": self.base.effective_from.strftime("%d/%m/%Y")}
            )
        return value

    def clean(self):
        data = super().clean()
        if "kind" not in data:
            return data
        errors = rule_errors(
            data["kind"],
            percent=data.get("percent"),
            years=data.get("years"),
            times=data.get("times"),
            required_award_type=data.get("required_award_type"),
            min_points=data.get("min_points"),
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        for name in unused_fields(data["kind"]):
            if not self.fields[name].disabled:
                self.errors.pop(name, None)
                data[name] = UNUSED_VALUES[name]
        return data


def version_of(base: EligibilityRule, effective_from: datetime.date) -> EligibilityRule:
    """An unsaved copy of `base` starting on `effective_from`: the new version's first values."""
    return EligibilityRule(
        kind=base.kind,
        award_type=base.award_type,
        required_award_type=base.required_award_type,
        percent=base.percent,
        rounding=base.rounding,
        min_points=base.min_points,
        years=base.years,
        times=base.times,
        includes_achievement_year=base.includes_achievement_year,
        effective_from=effective_from,
        enabled=True,
        legal_basis=base.legal_basis,
        explanation=base.explanation,
    )

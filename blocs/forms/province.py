"""Forms of the province profile: a former province, and one group of sister agencies to merge."""

import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from emulation.forms import PortalForm

NEW_AGENCY = "new"


class FormerProvinceForm(PortalForm):
    name = forms.CharField(label=_("Tên tỉnh cũ"), max_length=100)
    merged_on = forms.DateField(label=_("Ngày hợp nhất"), initial=datetime.date(2025, 7, 1))
    decision_ref = forms.CharField(
        label=_("Văn bản, nghị quyết"),
        max_length=300,
        required=False,
        initial="Nghị quyết số 202/2025/QH15 của Quốc hội",
    )
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea({"rows": 2}))
    submit_label = _("Thêm tỉnh cũ")


class SisterMergeForm(PortalForm):
    """One group: which agencies merge, into which (one of them or a new agency), from when."""

    merged = forms.MultipleChoiceField(
        label=_("Các đơn vị hợp nhất"), widget=forms.CheckboxSelectMultiple
    )
    into = forms.ChoiceField(label=_("Đơn vị tiếp nhận"), widget=forms.RadioSelect)
    effective_on = forms.DateField(label=_("Ngày hiệu lực"))
    decision_ref = forms.CharField(label=_("Văn bản, quyết định"), max_length=300, required=False)
    submit_label = _("Hợp nhất các đơn vị đã chọn")

    def __init__(self, *args, group, **kwargs):
        kwargs.setdefault("prefix", f"g{min(a.pk for a in group.agencies)}")
        super().__init__(*args, **kwargs)
        self.group = group
        choices = [(str(a.pk), _agency_label(a)) for a in group.agencies]
        self.fields["merged"].choices = choices
        into_choices = list(choices)
        if group.own is None:
            into_choices.insert(
                0, (NEW_AGENCY, _("Đơn vị mới của tỉnh %(p)s") % {"p": settings.PROVINCE_NAME})
            )
        self.fields["into"].choices = into_choices
        self.initial.setdefault("merged", [str(a.pk) for a in group.agencies])
        self.initial.setdefault("into", str(group.own.pk) if group.own else NEW_AGENCY)
        self.initial.setdefault("effective_on", group.merge_date)
        self.helper.form_tag = False
        self.helper.inputs = []

    def clean(self):
        data = super().clean()
        merged, into = data.get("merged") or [], data.get("into")
        if into and [pk for pk in merged if pk != into] == []:
            raise forms.ValidationError(
                _("Hãy chọn ít nhất một đơn vị khác đơn vị tiếp nhận để hợp nhất.")
            )
        return data

    def chosen(self):
        """(the agencies merged, the receiving agency or None for a new one)."""
        by_pk = {str(a.pk): a for a in self.group.agencies}
        into = self.cleaned_data["into"]
        merged = [by_pk[pk] for pk in self.cleaned_data["merged"]]
        if into == NEW_AGENCY:
            return merged, None
        return [*merged, by_pk[into]], by_pk[into]


def _agency_label(agency) -> str:
    if agency.former_province_id:
        return f"{agency.name} ({agency.former_province.label})"
    return _("%(name)s (tỉnh %(province)s)") % {
        "name": agency.name,
        "province": settings.PROVINCE_NAME,
    }

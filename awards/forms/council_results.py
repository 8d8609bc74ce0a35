"""The province workspace's council sheet: one row per accepted proposal, typed in one go.

Each row is its own small form (prefix `p<pk>`), so a wrong row keeps what was typed in every
row and its error names the proposal. A row left blank is skipped.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emulation.forms import PortalForm

APPROVED, REJECTED = "1", "0"


class CouncilResultRowForm(PortalForm):
    form_tag = False

    result = forms.ChoiceField(
        label=gettext_lazy("Kết quả"),
        choices=[
            ("", "—"),
            (APPROVED, gettext_lazy("Thống nhất")),
            (REJECTED, gettext_lazy("Không thống nhất")),
        ],
        required=False,
    )
    percent = forms.DecimalField(
        label=gettext_lazy("Tỷ lệ tán thành (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": gettext_lazy("Tỷ lệ tán thành phải là một số từ 0 đến 100."),
            "min_value": gettext_lazy("Tỷ lệ tán thành phải từ 0 đến 100%%."),
            "max_value": gettext_lazy("Tỷ lệ tán thành phải từ 0 đến 100%%."),
            "max_digits": gettext_lazy("Tỷ lệ tán thành phải từ 0 đến 100%%."),
            "max_whole_digits": gettext_lazy("Tỷ lệ tán thành phải từ 0 đến 100%%."),
            "max_decimal_places": gettext_lazy("Tỷ lệ tán thành có tối đa 2 chữ số thập phân."),
        },
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=1000, required=False)

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, prefix=f"p{proposal.pk}", **kwargs)
        self.proposal = proposal
        label = f"{proposal.award_type.label} – {proposal.recipient_label}"
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label}: {label}"
            field.widget.attrs["class"] = "form-control form-control-sm"
        self.fields["result"].widget.attrs["class"] = "form-select form-select-sm"

    @property
    def entered(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("result")) or data.get("percent") is not None

    def clean(self):
        data = super().clean()
        if data.get("result") and data.get("percent") is None and "percent" not in self.errors:
            self.add_error("percent", _("Nhập tỷ lệ tán thành của Hội đồng."))
        if not data.get("result") and data.get("percent") is not None:
            self.add_error("result", _("Chọn kết quả: thống nhất hay không thống nhất."))
        return data

"""Forms for award types. The edit form has no code field at all: a posted code is ignored."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import AwardType
from emulation.forms import PortalForm


class AwardTypeBaseForm(PortalForm):
    legal_name = forms.CharField(label=_("Tên theo quy định"), max_length=300)
    label = forms.CharField(
        label=_("Tên hiển thị"),
        max_length=300,
        required=False,
        help_text=_("Tên in trên giấy tờ của tỉnh, ví dụ “Cờ thi đua của UBND tỉnh”."),
    )
    order = forms.IntegerField(label=_("Thứ tự"), min_value=0, max_value=32000, initial=0)


class AwardTypeCreateForm(AwardTypeBaseForm):
    code = forms.CharField(
        label=_("Mã"),
        max_length=30,
        help_text=_("Mã cố định, không sửa được sau khi tạo (ví dụ: BK_BO)."),
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=AwardType.Kind.choices)
    recipient = forms.ChoiceField(label=_("Đối tượng"), choices=AwardType.Recipient.choices)
    deciding_level = forms.ChoiceField(label=_("Cấp quyết định"), choices=AwardType.Level.choices)

    field_order = ["code", "legal_name", "label", "kind", "recipient", "deciding_level", "order"]
    submit_label = _("Thêm")


class AwardTypeEditForm(AwardTypeBaseForm):
    active = forms.BooleanField(label=_("Đang sử dụng"), required=False)

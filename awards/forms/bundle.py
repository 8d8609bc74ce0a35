"""The upload of a former province's bundle: which province it is, and the JSON file."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from awards.bundle import BundleError, read_bundle
from blocs.forms.structure import PortalForm
from blocs.models import FormerProvince


class BundleUploadForm(PortalForm):
    former_province = forms.ModelChoiceField(
        label=_("Tỉnh cũ"),
        queryset=FormerProvince.objects.all(),
        empty_label=_("— Chọn tỉnh cũ —"),
    )
    file = forms.FileField(
        label=_("Gói dữ liệu (.json)"),
        error_messages={
            "required": _("Hãy chọn tệp gói dữ liệu (.json) để tải lên."),
            "empty": _("Tệp rỗng (0 byte): hãy chọn gói dữ liệu xuất từ cổng của tỉnh cũ."),
            "invalid": _("Không nhận được tệp; hãy chọn lại."),
        },
    )
    submit_label = _("Tải lên và xem trước")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".json,application/json"
        self.fields["file"].help_text = _(
            "Tệp xuất từ trang “Tỉnh và các tỉnh cũ” của cổng tỉnh cũ; tối đa %(max)s MB. Tải lên "
            "chưa nhập gì: bạn xem trước rồi mới xác nhận."
        ) % {"max": settings.BUNDLE_MAX_MB}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.BUNDLE_MAX_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp lớn %(size)s MB, vượt giới hạn %(max)s MB.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}", "max": settings.BUNDLE_MAX_MB}
            )
        data = upload.read()
        try:
            read_bundle(data)
        except BundleError as error:
            raise forms.ValidationError(str(error)) from error
        self.cleaned_data["data"] = data
        return upload

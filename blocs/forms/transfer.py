"""The upload form of the Excel imports: one workbook, checked as a whole before any preview."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from emulation.excel import WorkbookError, read_sheet
from emulation.forms import NFCFormMixin


class WorkbookUploadForm(NFCFormMixin, forms.Form):
    """Accepts an .xlsx whose columns match `columns`; file-level problems are field errors.

    Row-level problems are not errors here: they are shown in the preview.
    """

    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        error_messages={
            "required": _("Hãy chọn tệp Excel (.xlsx) để tải lên."),
            "empty": _("Tệp rỗng (0 byte). Hãy chọn tệp Excel (.xlsx) có dữ liệu."),
            "invalid": _("Không nhận được tệp; hãy chọn lại."),
        },
    )

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        self.fields["file"].widget.attrs["accept"] = (
            ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        self.fields["file"].help_text = _(
            "Dùng tệp mẫu; tối đa %(max)s MB. Tải lên chưa thay đổi gì: bạn xem trước rồi mới "
            "xác nhận nhập."
        ) % {"max": settings.UPLOAD_MAX_MB}
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.add_input(Submit("upload", _("Tải lên và xem trước")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp lớn %(size)s MB, vượt giới hạn %(max)s MB.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}", "max": settings.UPLOAD_MAX_MB}
            )
        data = upload.read()
        try:
            read_sheet(data, self.columns)
        except WorkbookError as error:
            raise forms.ValidationError(error.messages) from error
        self.cleaned_data["data"] = data
        return upload

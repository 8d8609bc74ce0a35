"""Forms for proposals, dossiers, province review, decisions and the past-decisions import.

Dossier uploads are checked by content: a PDF through `emulation.uploads.check_pdf`, a DOCX as a
real Word package (a zip holding [Content_Types].xml and word/document.xml with the Word main
content type), both size-limited. Nothing is written to disk while validating.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.models import AwardType, ProposalDocument
from emulation.forms import NFCFormMixin, VietnameseDateField
from emulation.text import nfc
from emulation.uploads import limit_help_text

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOCM_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"
_MAX_DOCX_ENTRIES = 1000
_MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded dossier file that passed every check, still only in memory."""

    data: bytes
    original_name: str
    sha256: str
    suffix: str
    content_type: str


def _read_limited(upload) -> bytes:
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    size = getattr(upload, "size", None)
    message = _("Tệp quá lớn; dung lượng tối đa là %(limit)s MB.") % {
        "limit": settings.UPLOAD_MAX_MB
    }
    if size is not None and size > limit:
        raise ValidationError(message, code="too_large")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(message, code="too_large")
    if not data.strip():
        raise ValidationError(_("Tệp rỗng, không có nội dung."), code="empty")
    return data


def check_docx(data: bytes) -> None:
    """Raise ValidationError unless `data` is a Word .docx package (not .docm, not another zip)."""
    not_docx = ValidationError(_("Tệp không phải là văn bản Word (.docx) hợp lệ."), code="not_docx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise not_docx from error
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise not_docx
    if any(entry.flag_bits & 0x1 for entry in entries) or "EncryptedPackage" in names:
        raise ValidationError(
            _("Tệp Word đang được đặt mật khẩu. Vui lòng gỡ mật khẩu rồi tải lên lại."),
            code="encrypted",
        )
    if len(entries) > _MAX_DOCX_ENTRIES or (
        sum(entry.file_size for entry in entries) > _MAX_DOCX_UNCOMPRESSED
    ):
        raise ValidationError(_("Nội dung tệp Word quá lớn khi giải nén."), code="too_large")
    try:
        with archive.open("[Content_Types].xml") as member:
            content_types = member.read(1024 * 1024)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise not_docx from error
    if _DOCM_MAIN in content_types:
        raise ValidationError(
            _("Tệp Word có macro (.docm) không được chấp nhận. Hãy lưu lại dưới dạng .docx."),
            code="macro",
        )
    if _DOCX_MAIN not in content_types:
        raise not_docx


def check_dossier_file(upload) -> CheckedFile:
    """Validate a dossier upload as a PDF or a DOCX by its content (the name does not count)."""
    from emulation.uploads import check_pdf

    data = _read_limited(upload)
    name = nfc(Path(str(getattr(upload, "name", "") or "tai-lieu")).name)[:255]
    if b"%PDF-" in data[:1024]:
        checked = check_pdf(io.BytesIO(data))
        return CheckedFile(checked.data, name, checked.sha256, ".pdf", "application/pdf")
    if data.startswith(b"PK\x03\x04"):
        check_docx(data)
        return CheckedFile(data, name, hashlib.sha256(data).hexdigest(), ".docx", DOCX_CONTENT_TYPE)
    raise ValidationError(
        _("Chỉ chấp nhận tệp PDF (.pdf) hoặc Word (.docx); tệp này không phải cả hai."),
        code="wrong_type",
    )


class DossierFileField(forms.FileField):
    """A form field whose cleaned value is a `CheckedFile` (PDF or DOCX, content-checked)."""

    default_error_messages = {
        "required": gettext_lazy("Vui lòng chọn tệp PDF hoặc Word (.docx)."),
        "empty": gettext_lazy("Tệp rỗng, không có nội dung."),
        "invalid": gettext_lazy("Không nhận được tệp. Vui lòng chọn lại."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "help_text",
            limit_help_text(
                gettext_lazy("PDF hoặc Word (.docx), không đặt mật khẩu, tối đa %(limit)s MB.")
            ),
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", f"application/pdf,.pdf,{DOCX_CONTENT_TYPE},.docx")

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload in (None, False, ""):
            return None
        return check_dossier_file(upload)


class ProposalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.award_type.label} – {obj.recipient_label}"


class ProposalMultipleChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.award_type.label} – {obj.recipient_label}"


class ManualProposalForm(NFCFormMixin, forms.Form):
    """A proposal entered by hand: a member agency, or a person of a member agency."""

    award_type = forms.ModelChoiceField(
        label=gettext_lazy("Danh hiệu, hình thức"), queryset=AwardType.objects.active()
    )
    agency = forms.ModelChoiceField(label=gettext_lazy("Cơ quan, đơn vị"), queryset=None)
    person_name = forms.CharField(
        label=gettext_lazy("Họ và tên (nếu đề nghị cá nhân)"), max_length=150, required=False
    )
    person_title = forms.CharField(
        label=gettext_lazy("Chức vụ (cá nhân)"), max_length=200, required=False
    )
    votes = forms.IntegerField(label=gettext_lazy("Số phiếu"), min_value=0, required=False)
    percent = forms.DecimalField(
        label=gettext_lazy("Tỷ lệ phiếu (%)"),
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=2,
        required=False,
    )
    basis = forms.CharField(
        label=gettext_lazy("Căn cứ đề nghị"),
        max_length=300,
        help_text=gettext_lazy(
            "Đề nghị không qua bỏ phiếu tại hội nghị tổng kết: ghi căn cứ (ví dụ “Biên bản họp "
            "bình xét ngày 15/12/2024 của Sở Y tế”). Tờ trình in căn cứ này."
        ),
        error_messages={"required": gettext_lazy("Ghi căn cứ của đề nghị nhập tay.")},
    )

    def __init__(self, *args, bloc_year, **kwargs):
        super().__init__(*args, **kwargs)
        from blocs.models import Agency

        self.fields["agency"].queryset = Agency.objects.filter(
            memberships__bloc_year=bloc_year
        ).order_by("sort_name")


class DocumentUploadForm(NFCFormMixin, forms.Form):
    proposal = ProposalChoiceField(label=gettext_lazy("Đề nghị"), queryset=None)
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại tài liệu"),
        choices=[
            (kind.value, kind.label)
            for kind in (
                ProposalDocument.Kind.ACHIEVEMENT_REPORT,
                ProposalDocument.Kind.INITIATIVE,
                ProposalDocument.Kind.MINUTES,
                ProposalDocument.Kind.OTHER,
            )
        ],
    )
    file = DossierFileField(label=gettext_lazy("Tệp"))

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals


class ProposalSelectionForm(forms.Form):
    """A set of proposals chosen with checkboxes for a bulk move.

    `form_id` ties the rendered inputs to a <form> elsewhere on the page (the workspace's
    checkboxes sit in the table, the bulk buttons and fields below it).
    """

    proposals = ProposalMultipleChoiceField(label=gettext_lazy("Đề nghị"), queryset=None)

    def __init__(self, *args, proposals, form_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = proposals
        if form_id:
            for field in self.fields.values():
                field.widget.attrs["form"] = form_id


class ReturnForm(NFCFormMixin, forms.Form):
    proposal = ProposalChoiceField(label=gettext_lazy("Đề nghị"), queryset=None)
    reason = forms.CharField(
        label=gettext_lazy("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals


class CouncilOutcomeForm(NFCFormMixin, forms.Form):
    proposal = ProposalChoiceField(label=gettext_lazy("Đề nghị"), queryset=None)
    approved = forms.TypedChoiceField(
        label=gettext_lazy("Kết quả"),
        choices=[
            ("1", gettext_lazy("Hội đồng thống nhất")),
            ("0", gettext_lazy("Không thống nhất")),
        ],
        coerce=lambda value: value == "1",
    )
    percent = forms.DecimalField(
        label=gettext_lazy("Tỷ lệ tán thành (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=1000, required=False)

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals


class DecisionForm(NFCFormMixin, ProposalSelectionForm):
    number = forms.CharField(label=gettext_lazy("Số quyết định"), max_length=60)
    signed_on = VietnameseDateField(label=gettext_lazy("Ngày ký"))
    signer_name = forms.CharField(label=gettext_lazy("Người ký"), max_length=150)
    signer_title = forms.CharField(
        label=gettext_lazy("Chức vụ người ký"), max_length=200, required=False
    )
    deciding_level = forms.ChoiceField(
        label=gettext_lazy("Cấp quyết định"),
        choices=AwardType.Level.choices,
        initial=AwardType.Level.PROVINCE_CHAIRMAN,
    )


class ForwardForm(NFCFormMixin, ProposalSelectionForm):
    letter_number = forms.CharField(label=gettext_lazy("Số tờ trình của tỉnh"), max_length=60)
    forwarded_on = VietnameseDateField(label=gettext_lazy("Ngày trình"))


class RevokeForm(NFCFormMixin, forms.Form):
    number = forms.CharField(label=gettext_lazy("Số quyết định thu hồi"), max_length=60)
    signed_on = VietnameseDateField(label=gettext_lazy("Ngày ký"))
    signer_name = forms.CharField(label=gettext_lazy("Người ký"), max_length=150, required=False)
    reason = forms.CharField(
        label=gettext_lazy("Lý do thu hồi"), widget=forms.Textarea(attrs={"rows": 2})
    )


class LeadingUnitsForm(forms.Form):
    """The head names the bloc-year's leading units, with the basis."""

    agencies = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Đơn vị dẫn đầu khối"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=gettext_lazy("Căn cứ"),
        max_length=1000,
        help_text=gettext_lazy("Ví dụ: “Biên bản hội nghị tổng kết ngày 20/12/2024”."),
    )

    def __init__(self, *args, bloc_year, **kwargs):
        super().__init__(*args, **kwargs)
        from blocs.models import Agency

        self.fields["agencies"].queryset = Agency.objects.filter(
            memberships__bloc_year=bloc_year
        ).in_vietnamese_order()
        self.fields["agencies"].label_from_instance = lambda agency: agency.name

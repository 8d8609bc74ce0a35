"""Uploaded PDFs: checked by content, size-limited, stored under unguessable names, served by views.

`PdfUploadField` validates in a form (nothing is written to disk by validation); a service then
calls `store_private_file` inside its transaction and `discard_private_file` if it fails. Files
live under MEDIA_ROOT/private/, which no URL serves: a scoped view returns them with
`private_file_response` after checking who asks.
"""

import hashlib
import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emulation.pdf import pdf_response
from emulation.text import nfc

PRIVATE_ROOT = "private"
# A conforming reader accepts the header anywhere in the first kilobyte.
_HEADER_WINDOW = 1024


@dataclass(frozen=True)
class CheckedPdf:
    """An uploaded PDF that passed every check, still only in memory."""

    data: bytes
    original_name: str
    sha256: str
    page_count: int

    @property
    def size(self) -> int:
        return len(self.data)


def max_upload_bytes() -> int:
    return settings.UPLOAD_MAX_MB * 1024 * 1024


# Actions a reader runs or opens by itself: refused in uploads (PDF 2.0, 12.6.4).
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/RichMediaExecute",
    "/GoToE",
    "/Rendition",
}


def _broken(message):
    return ValidationError(message, code="broken")


def _runs_something(action, seen: set) -> bool:
    """Whether an action dictionary, or one chained after it by /Next, runs something."""
    import pikepdf

    if not isinstance(action, pikepdf.Dictionary):
        return False
    if action.is_indirect:
        if action.objgen in seen:  # a /Next chain that loops
            return False
        seen.add(action.objgen)
    if str(action.get("/S", "")) in _ACTIVE_ACTIONS:
        return True
    following = action.get("/Next")
    chain = list(following) if isinstance(following, pikepdf.Array) else [following]
    return any(_runs_something(item, seen) for item in chain)


def _has_active_content(pdf) -> bool:
    """JavaScript, launch and similar actions, embedded files or XFA forms anywhere a reader
    would act on them: the document, its pages and their annotations."""
    import pikepdf

    root = pdf.Root
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and (
        "/JavaScript" in names or "/EmbeddedFiles" in names
    ):
        return True
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        return True
    triggers = [root.get("/OpenAction"), *dict(root.get("/AA", {})).values()]
    for page in pdf.pages:
        triggers.extend(dict(page.obj.get("/AA", {})).values())
        for annotation in page.obj.get("/Annots", []):
            if not isinstance(annotation, pikepdf.Dictionary):
                continue
            if annotation.get("/Subtype") == "/FileAttachment":
                return True
            triggers.append(annotation.get("/A"))
            triggers.extend(dict(annotation.get("/AA", {})).values())
    seen = set()
    return any(_runs_something(trigger, seen) for trigger in triggers)


def _page_count(data: bytes) -> int:
    """Parse the whole PDF: refuses broken and encrypted files, a page list that lies about its
    length or holds a page that cannot be loaded (it would stop the covenant's issue later),
    files with no page, and active content (scripts, launched programs, embedded files)."""
    import pikepdf
    import pypdfium2

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as error:
        raise _encrypted() from error
    # Hostile files make parsers fail in many ways; any failure means "not a usable PDF".
    except Exception as error:
        raise _broken(_("Tệp không phải là PDF hợp lệ (không đọc được cấu trúc tệp).")) from error
    with pdf:
        if pdf.is_encrypted:
            raise _encrypted()
        try:
            declared = int(pdf.Root.Pages.Count)
            found = len(pdf.pages)
            active = _has_active_content(pdf)
        except Exception as error:
            raise _broken(
                _("Tệp không phải là PDF hợp lệ (không đọc được danh sách trang).")
            ) from error
    if declared != found:
        raise _broken(
            _(
                "Danh sách trang của tệp PDF bị sai (ghi %(declared)s trang, thực có %(found)s "
                "trang). Hãy mở tệp và in lại thành PDF (Print to PDF) rồi tải lên lại."
            )
            % {"declared": declared, "found": found}
        )
    if found < 1:
        raise ValidationError(_("Tệp PDF không có trang nào."), code="empty")
    if active:
        raise ValidationError(
            _(
                "Tệp PDF có nội dung tự chạy (JavaScript, mở chương trình khác hoặc tệp đính "
                "kèm), không được nhận. Hãy in lại thành PDF (Print to PDF) hoặc quét lại rồi "
                "tải lên."
            ),
            code="active_content",
        )
    try:
        document = pypdfium2.PdfDocument(data)
        try:
            for index in range(len(document)):
                document[index].get_size()
        finally:
            document.close()
    except Exception as error:
        raise _broken(
            _("Tệp PDF có trang không mở được. Hãy in lại thành PDF rồi tải lên lại.")
        ) from error
    return found


def _encrypted():
    return ValidationError(
        _("Tệp PDF đang được đặt mật khẩu hoặc mã hóa. Vui lòng gỡ mật khẩu rồi tải lên lại."),
        code="encrypted",
    )


def check_pdf(upload) -> CheckedPdf:
    """Validate an uploaded file (Django UploadedFile or bytes with a `.name`) as a usable PDF.

    Raises `ValidationError` with a Vietnamese message saying what is wrong; writes nothing.
    """
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s MB); dung lượng tối đa là %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": settings.UPLOAD_MAX_MB},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("Tệp quá lớn; dung lượng tối đa là %(limit)s MB.")
            % {"limit": settings.UPLOAD_MAX_MB},
            code="too_large",
        )
    if not data.strip():
        raise ValidationError(_("Tệp rỗng, không có nội dung."), code="empty")
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise ValidationError(
            _("Tệp không phải là PDF. Chỉ chấp nhận tệp PDF (.pdf)."), code="not_pdf"
        )
    page_count = _page_count(data)
    name = nfc(Path(str(getattr(upload, "name", "") or "tep.pdf")).name)[:255]
    return CheckedPdf(
        data=data,
        original_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=page_count,
    )


def _with_limit(message) -> str:
    return str(message) % {"limit": settings.UPLOAD_MAX_MB}


_lazy_with_limit = lazy(_with_limit, str)


def limit_help_text(message):
    """`message` with the upload limit filled in when shown, in the reader's language (a lazy
    string's `%` translates at once, at import)."""
    return _lazy_with_limit(message)


class PdfUploadField(forms.FileField):
    """A form field whose cleaned value is a `CheckedPdf` (content-checked, size-limited)."""

    default_error_messages = {
        "required": gettext_lazy("Vui lòng chọn tệp PDF."),
        "empty": gettext_lazy("Tệp rỗng, không có nội dung."),
        "invalid": gettext_lazy("Không nhận được tệp. Vui lòng chọn lại tệp PDF."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "help_text",
            limit_help_text(gettext_lazy("Tệp PDF, không đặt mật khẩu, tối đa %(limit)s MB.")),
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "application/pdf,.pdf")

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload in (None, False, ""):
            return None
        return check_pdf(upload)


def private_name(folder: str, stem: str, suffix: str) -> str:
    """The storage name of a private file, from its folder and its unguessable stem."""
    return f"{PRIVATE_ROOT}/{folder.strip('/')}/{stem}{suffix}"


# A file written inside a transaction waits under this suffix until the transaction commits.
PENDING_SUFFIX = ".pending"


def store_private_file(
    data: bytes,
    *,
    folder: str,
    suffix: str = ".pdf",
    stem: str | None = None,
    on_commit: bool = False,
) -> str:
    """Write `data` under an unguessable name (a caller's own token as `stem`, or a fresh one);
    returns the storage name to keep in the row.

    With `on_commit` inside a transaction, the file is written as `<name>.pending` and takes its
    name when the transaction commits: a rollback, or a worker killed half-way, leaves no file
    that looks stored (an issued document whose number was given back must not exist).
    """
    name = private_name(folder, stem or uuid.uuid4().hex, suffix)
    if not on_commit or not transaction.get_connection().in_atomic_block:
        return default_storage.save(name, ContentFile(data))
    final = default_storage.save(name + PENDING_SUFFIX, ContentFile(data))[: -len(PENDING_SUFFIX)]
    transaction.on_commit(lambda: publish_pending_file(final))
    return final


def publish_pending_file(name: str) -> bool:
    """Give a committed file its name; False when nothing waits under `name`."""
    pending = name + PENDING_SUFFIX
    if not default_storage.exists(pending):
        return False
    os.replace(default_storage.path(pending), default_storage.path(name))
    return True


def discard_private_file(name: str) -> None:
    """Remove a stored file after the transaction that referenced it failed."""
    for candidate in (name, name + PENDING_SUFFIX) if name else ():
        if default_storage.exists(candidate):
            default_storage.delete(candidate)


def read_private_file(name: str) -> bytes:
    """A stored file's bytes; one still pending (read inside its own transaction, or committed
    by a worker that died before renaming it) is read where it waits."""
    if not name or not name.startswith(f"{PRIVATE_ROOT}/"):
        raise Http404
    for candidate in (name, name + PENDING_SUFFIX):
        if default_storage.exists(candidate):
            with default_storage.open(candidate, "rb") as handle:
                return handle.read()
    raise Http404


def private_file_response(name: str, *, filename: str, inline: bool = True):
    """The stored file as a private download; call only after checking the user may see it."""
    return pdf_response(filename, "application/pdf", read_private_file(name), inline=inline)

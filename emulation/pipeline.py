"""One import flow for every file import: upload → stash → preview → commit, or cancel.

An importer (agencies, memberships, the award ledger, a former province's bundle) only plans
rows: it checks a file as a whole, says what a commit would do without writing, and commits
through the audited services. The steps are written here once: the upload form's size and type
checks; the file kept in private storage under an unguessable token, the session holding only
that token and the user it belongs to; the preview page; the commit, which applies the stored
copy (never anything posted), planned again inside one transaction; the cancel.
"""

from __future__ import annotations

import datetime
import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from emulation.forms import PortalForm, show_errors
from emulation.permissions import require_province_staff
from emulation.text import nfc
from emulation.uploads import (
    PRIVATE_ROOT,
    discard_private_file,
    private_name,
    read_private_file,
    store_private_file,
)

STASH_FOLDER = "imports"
# Uploaded files waiting for their commit are deleted after this long.
STASH_TTL = datetime.timedelta(hours=24)
# Any constant shared by all import commits (PostgreSQL advisory lock key).
IMPORT_LOCK_KEY = 0x45584345
# A refused commit lists at most this many reasons; the preview shows them all.
MAX_COMMIT_MESSAGES = 20
_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "-_")
_TOKEN_MIN_LENGTH = 32


@dataclass(frozen=True)
class FileType:
    """What an importer accepts: the stored suffix, the chooser's filter and its messages."""

    suffix: str
    accept: str
    label: str
    required_message: str
    empty_message: str


XLSX = FileType(
    suffix=".xlsx",
    accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    label=gettext_lazy("Tệp Excel (.xlsx)"),
    required_message=gettext_lazy("Hãy chọn tệp Excel (.xlsx) để tải lên."),
    empty_message=gettext_lazy("Tệp rỗng (0 byte). Hãy chọn tệp Excel (.xlsx) có dữ liệu."),
)


class StaleUpload(Exception):  # noqa: N818 - a state, not a failure of the code
    """The pending upload no longer applies (what it was for is gone): treat it as no upload."""


@dataclass(frozen=True)
class PendingUpload:
    """The session's record of an upload waiting for its commit; the file itself is stored."""

    token: str
    filename: str
    uploaded_at: str
    user_id: int
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Importer:
    """One kind of import, as the pipeline runs it.

    `check(data)` refuses a file that cannot be read as a whole (ValidationError); `plan(data,
    options)` says what a commit would do and writes nothing; `commit(data, options, actor=)`
    applies it through the audited services, inside the transaction the pipeline holds, and
    returns what `finish(request, pending, result)` reports. Both may raise StaleUpload when
    `options` no longer resolve. `section_base` is the section's base template, so the page keeps
    its section's tabs.
    """

    kind: str
    title: str
    check: Callable[[bytes], Any]
    plan: Callable[[bytes, dict], Any]
    commit: Callable[..., Any]
    finish: Callable[[HttpRequest, PendingUpload, Any], HttpResponse]
    template: str
    page_url_name: str
    commit_url_name: str
    cancel_url_name: str
    url_args: tuple = ()
    file_type: FileType = XLSX
    form_class: type[UploadForm] | None = None
    max_mb_setting: str = "UPLOAD_MAX_MB"
    help_text: str = ""
    section_base: str = "base.html"
    context: Mapping[str, Any] = field(default_factory=dict)
    nothing_pending_message: str = gettext_lazy(
        "Không có tệp nào đang chờ nhập; hãy tải tệp lên lại."
    )
    cancelled_message: str = gettext_lazy("Đã hủy tệp đang chờ nhập; không có thay đổi nào.")

    @property
    def max_mb(self) -> int:
        return getattr(settings, self.max_mb_setting)

    def page_url(self) -> str:
        return reverse(self.page_url_name, args=self.url_args)

    def urls(self) -> dict[str, str]:
        return {
            "page_url": self.page_url(),
            "commit_url": reverse(self.commit_url_name, args=self.url_args),
            "cancel_url": reverse(self.cancel_url_name, args=self.url_args),
        }


_REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Add an importer to the pipeline; its kind names its session state, so it is unique."""
    existing = _REGISTRY.get(importer.kind)
    if existing is not None and (existing.page_url_name, existing.url_args) != (
        importer.page_url_name,
        importer.url_args,
    ):
        raise ImproperlyConfigured(f"Two importers share the kind {importer.kind!r}.")
    _REGISTRY[importer.kind] = importer
    return importer


def serialise_imports() -> None:
    """Two commits at once would both plan "new" for the same agency. On PostgreSQL they run one
    after the other (a transaction-scoped advisory lock taken before planning); SQLite already
    lets only one writer in at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


# --- The upload -------------------------------------------------------------------------------


class UploadForm(PortalForm):
    """One file, size-limited and checked as a whole by its importer before any preview.

    Row-level problems are not errors here: they are shown in the preview.
    """

    submit_label = gettext_lazy("Tải lên và xem trước")
    file = forms.FileField()

    def __init__(self, *args, importer: Importer, **kwargs):
        super().__init__(*args, **kwargs)
        self.importer = importer
        file_type = importer.file_type
        upload = self.fields["file"]
        upload.label = file_type.label
        upload.error_messages.update(
            required=file_type.required_message,
            empty=file_type.empty_message,
            invalid=_("Không nhận được tệp; hãy chọn lại."),
        )
        upload.widget.attrs["accept"] = file_type.accept
        upload.help_text = importer.help_text % {"max": importer.max_mb}

    @classmethod
    def initial_from(cls, query) -> dict:
        """Initial values taken from the page's query string (none by default)."""
        return {}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = self.importer.max_mb * 1024 * 1024
        if upload.size > limit:
            raise ValidationError(
                _("Tệp lớn %(size)s MB, vượt giới hạn %(max)s MB.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}", "max": self.importer.max_mb},
                code="too_large",
            )
        data = upload.read()
        self.importer.check(data)
        self.cleaned_data["data"] = data
        return upload

    def filename(self) -> str:
        """The uploaded file's own name, for display only (the stored copy has a token name)."""
        return nfc(Path(str(self.cleaned_data["file"].name)).name)[:200]

    def options(self) -> dict:
        """What the importer needs besides the file, kept with the pending upload (JSON)."""
        return {}


# --- The stored copy --------------------------------------------------------------------------


def stash(data: bytes, file_type: FileType) -> str:
    """Keep an uploaded file in private storage under an unguessable name; return its token."""
    purge_old_stashes()
    token = secrets.token_urlsafe(32)
    store_private_file(data, folder=STASH_FOLDER, suffix=file_type.suffix, stem=token)
    return token


def _stash_name(token: str, file_type: FileType) -> str | None:
    if len(token) < _TOKEN_MIN_LENGTH or not set(token) <= _TOKEN_CHARS:
        return None
    return private_name(STASH_FOLDER, token, file_type.suffix)


def load_stash(token: str, file_type: FileType) -> bytes | None:
    """The stored file for `token`, or None when the token is malformed, unknown or expired."""
    name = _stash_name(token, file_type)
    if name is None:
        return None
    try:
        return read_private_file(name)
    except Http404:
        return None


def discard_stash(token: str, file_type: FileType) -> None:
    name = _stash_name(token, file_type)
    if name is not None:
        discard_private_file(name)


def purge_old_stashes() -> None:
    """Delete stored uploads older than STASH_TTL: abandoned previews do not pile up."""
    folder = f"{PRIVATE_ROOT}/{STASH_FOLDER}"
    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - STASH_TTL
    for name in names:
        try:
            if default_storage.get_modified_time(f"{folder}/{name}") < cutoff:
                default_storage.delete(f"{folder}/{name}")
        except OSError:
            continue


# --- The pending upload in the session --------------------------------------------------------


def _session_key(importer: Importer) -> str:
    return f"pending_import_{importer.kind}"


def remember_upload(request: HttpRequest, importer: Importer, form: UploadForm) -> None:
    """Stash the form's file and record it as the user's pending upload, replacing any other."""
    forget_upload(request, importer)
    request.session[_session_key(importer)] = {
        "token": stash(form.cleaned_data["data"], importer.file_type),
        "filename": form.filename(),
        "uploaded_at": timezone.now().isoformat(),
        "user_id": request.user.pk,
        "options": form.options(),
    }


def pending_upload(request: HttpRequest, importer: Importer) -> tuple[PendingUpload, bytes] | None:
    """The user's pending upload and its stored bytes, or None (a stale record is dropped)."""
    state = request.session.get(_session_key(importer))
    if not state:
        return None
    data = None
    if state.get("user_id") == request.user.pk:
        data = load_stash(str(state.get("token", "")), importer.file_type)
    if data is None:
        forget_upload(request, importer)
        return None
    pending = PendingUpload(
        token=state["token"],
        filename=str(state.get("filename", "")),
        uploaded_at=str(state.get("uploaded_at", "")),
        user_id=state["user_id"],
        options=dict(state.get("options") or {}),
    )
    return pending, data


def forget_upload(request: HttpRequest, importer: Importer) -> None:
    state = request.session.pop(_session_key(importer), None)
    if state:
        discard_stash(str(state.get("token", "")), importer.file_type)


# --- The steps, one view each -----------------------------------------------------------------


def import_page(request: HttpRequest, importer: Importer) -> HttpResponse:
    """Upload a file (POST) or see the pending upload's preview (GET); province staff only."""
    require_province_staff(request)
    form_class = importer.form_class or UploadForm
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, importer=importer)
        if form.is_valid():
            remember_upload(request, importer, form)
            return redirect(importer.page_url())
    else:
        form = form_class(importer=importer, initial=form_class.initial_from(request.GET))
    pending, plan, file_errors = _preview(request, importer)
    context = {
        **importer.context,
        **importer.urls(),
        "importer": importer,
        "form": form,
        "pending": pending,
        "plan": plan,
        "file_errors": file_errors,
    }
    return render(request, importer.template, context, status=400 if form.errors else 200)


def _preview(request: HttpRequest, importer: Importer) -> tuple[PendingUpload | None, Any, list]:
    found = pending_upload(request, importer)
    if found is None:
        return None, None, []
    pending, data = found
    try:
        return pending, importer.plan(data, pending.options), []
    except StaleUpload:
        forget_upload(request, importer)
        return None, None, []
    except ValidationError as error:
        return pending, None, error.messages


@require_POST
def import_commit(request: HttpRequest, importer: Importer) -> HttpResponse:
    """Apply the stored copy of the pending upload all-or-nothing, then report the result."""
    require_province_staff(request)
    found = pending_upload(request, importer)
    if found is None:
        messages.error(request, importer.nothing_pending_message)
        return redirect(importer.page_url())
    pending, data = found
    try:
        with transaction.atomic():
            result = importer.commit(data, pending.options, actor=request.user)
    except StaleUpload:
        forget_upload(request, importer)
        messages.error(request, importer.nothing_pending_message)
        return redirect(importer.page_url())
    except ValidationError as error:
        show_errors(request, ValidationError(error.messages[:MAX_COMMIT_MESSAGES]))
        return redirect(importer.page_url())
    forget_upload(request, importer)
    return importer.finish(request, pending, result)


@require_POST
def import_cancel(request: HttpRequest, importer: Importer) -> HttpResponse:
    """Drop the pending upload and its stored copy without importing anything."""
    require_province_staff(request)
    forget_upload(request, importer)
    messages.info(request, importer.cancelled_message)
    return redirect(importer.page_url())

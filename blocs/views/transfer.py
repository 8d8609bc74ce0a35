"""Excel pages for province staff: import agencies or a year's memberships, templates, exports.

An upload is checked as a whole, kept server-side under an unguessable name (the session holds
only its token), and previewed row by row; the commit re-reads that stored copy and applies it
all-or-nothing through `blocs.imports.commit_import`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from blocs.exports import template_workbook, year_structure
from blocs.forms.transfer import WorkbookUploadForm
from blocs.imports import (
    KINDS,
    commit_import,
    discard_upload,
    load_upload,
    preview_import,
    stash_upload,
)
from blocs.models import BlocYear
from blocs.permissions import require_province_staff
from emulation.excel import WorkbookError, export_response


def _kind(kind: str):
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _session_key(kind: str) -> str:
    return f"blocs_import_{kind}"


def _pending(request, kind: str) -> tuple[dict | None, bytes | None]:
    pending = request.session.get(_session_key(kind))
    data = load_upload(pending["token"]) if pending else None
    if pending and data is None:
        request.session.pop(_session_key(kind), None)
        return None, None
    return pending, data


def _forget(request, kind: str) -> None:
    pending = request.session.pop(_session_key(kind), None)
    if pending:
        discard_upload(pending["token"])


def _years() -> list[int]:
    return list(BlocYear.objects.order_by("-year").values_list("year", flat=True).distinct())


@require_GET
def transfer_home(request):
    """The Excel hub: both imports, their templates, and the year structure export."""
    require_province_staff(request)
    return render(
        request,
        "blocs/transfer/home.html",
        {"kinds": KINDS.values(), "years": _years()},
    )


def import_page(request, kind):
    """Upload a workbook (POST) or see the pending upload's row-by-row preview (GET)."""
    require_province_staff(request)
    spec = _kind(kind)
    if request.method == "POST":
        form = WorkbookUploadForm(request.POST, request.FILES, columns=spec.columns)
        if form.is_valid():
            _forget(request, kind)
            request.session[_session_key(kind)] = {
                "token": stash_upload(form.cleaned_data["data"]),
                "filename": form.cleaned_data["file"].name[:200],
                "uploaded_at": timezone.now().isoformat(),
            }
            return redirect("blocs:import_page", kind=kind)
    else:
        form = WorkbookUploadForm(columns=spec.columns)
    pending, data = _pending(request, kind)
    plan, file_errors = None, []
    if data is not None:
        try:
            plan = preview_import(kind, data)
        except WorkbookError as error:
            file_errors = error.messages
    return render(
        request,
        "blocs/transfer/import.html",
        {
            "kind": spec,
            "form": form,
            "pending": pending,
            "plan": plan,
            "file_errors": file_errors,
            "columns": spec.columns,
        },
    )


@require_POST
def import_commit(request, kind):
    """Apply the pending upload all-or-nothing, then show the summary where the data lives."""
    require_province_staff(request)
    _kind(kind)
    pending, data = _pending(request, kind)
    if data is None:
        messages.error(request, _("Không có tệp nào đang chờ nhập; hãy tải tệp lên lại."))
        return redirect("blocs:import_page", kind=kind)
    try:
        plan = commit_import(kind, data, actor=request.user)
    except (ValidationError, WorkbookError) as error:
        messages.error(request, " ".join(error.messages))
        return redirect("blocs:import_page", kind=kind)
    _forget(request, kind)
    if plan.has_changes:
        messages.success(
            request,
            _("Đã nhập tệp %(name)s: %(summary)s")
            % {"name": pending["filename"], "summary": plan.summary()},
        )
    else:
        messages.info(request, _("Tệp không có gì mới: không có thay đổi nào."))
    if kind == "memberships" and plan.year:
        return redirect(f"{reverse('blocs:year_overview')}?year={plan.year}")
    return redirect("blocs:agency_list")


@require_POST
def import_cancel(request, kind):
    """Drop the pending upload without importing anything."""
    require_province_staff(request)
    _kind(kind)
    _forget(request, kind)
    messages.info(request, _("Đã hủy tệp đang chờ nhập; không có thay đổi nào."))
    return redirect("blocs:import_page", kind=kind)


@require_GET
def import_template(request, kind):
    """Download the import template (columns, an example row, a guide sheet)."""
    require_province_staff(request)
    _kind(kind)
    return export_response(*template_workbook(kind))


@require_GET
def year_export(request):
    """Download a year's structure (?year=, ?format=xlsx|csv) in the membership-import format."""
    require_province_staff(request)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = next(iter(_years()), timezone.localdate().year)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return export_response(*year_structure(year, fmt))

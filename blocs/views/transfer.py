"""Excel pages for province staff: import agencies or a year's memberships, templates, exports.

Both imports run through the one pipeline (`emulation.pipeline`): upload, a stored copy, the
row-by-row preview, then the all-or-nothing commit through `blocs.imports.apply_import`.
"""

from functools import partial

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from blocs.exports import template_workbook, year_structure
from blocs.imports import KINDS, apply_import, preview_import
from blocs.models import BlocYear
from blocs.permissions import require_province_staff
from emulation import pipeline
from emulation.excel import export_response, read_sheet
from emulation.params import year_param
from emulation.replica import reads_from_replica


def _plan(kind: str, data: bytes, options: dict):
    return preview_import(kind, data)


def _commit(kind: str, data: bytes, options: dict, *, actor):
    return apply_import(kind, data, actor=actor)


def _finish(request, pending, plan):
    """Say what the import changed, then show where the data lives."""
    if plan.has_changes:
        messages.success(
            request,
            _("Đã nhập tệp %(name)s: %(summary)s")
            % {"name": pending.filename, "summary": plan.summary()},
        )
    else:
        messages.info(request, _("Tệp không có gì mới: không có thay đổi nào."))
    if plan.kind == "memberships" and plan.year:
        return redirect(f"{reverse('blocs:year_overview')}?year={plan.year}")
    return redirect("blocs:agency_list")


IMPORTERS = {
    key: pipeline.register(
        pipeline.Importer(
            kind=key,
            title=spec.title,
            check=partial(read_sheet, columns=spec.columns),
            plan=partial(_plan, key),
            commit=partial(_commit, key),
            finish=_finish,
            template="blocs/transfer/import.html",
            section_base="blocs/base.html",
            page_url_name="blocs:import_page",
            commit_url_name="blocs:import_commit",
            cancel_url_name="blocs:import_cancel",
            url_args=(key,),
            help_text=gettext_lazy(
                "Dùng tệp mẫu; tối đa %(max)s MB. Tải lên chưa thay đổi gì: bạn xem trước rồi "
                "mới xác nhận nhập."
            ),
            context={"kind": spec, "columns": spec.columns},
        )
    )
    for key, spec in KINDS.items()
}


def _importer(kind: str) -> pipeline.Importer:
    if kind not in IMPORTERS:
        raise Http404
    return IMPORTERS[kind]


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
    return pipeline.import_page(request, _importer(kind))


def import_commit(request, kind):
    """Apply the pending upload all-or-nothing, then show the summary where the data lives."""
    return pipeline.import_commit(request, _importer(kind))


def import_cancel(request, kind):
    """Drop the pending upload without importing anything."""
    return pipeline.import_cancel(request, _importer(kind))


@require_GET
def import_template(request, kind):
    """Download the import template (columns, an example row, a guide sheet)."""
    require_province_staff(request)
    _importer(kind)
    return export_response(*template_workbook(kind))


@require_GET
@reads_from_replica
def year_export(request):
    """Download a year's structure (?year=, ?format=xlsx|csv) in the membership-import format."""
    require_province_staff(request)
    year = year_param(request) or next(iter(_years()), timezone.localdate().year)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return export_response(*year_structure(year, fmt))

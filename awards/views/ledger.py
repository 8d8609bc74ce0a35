"""Ledger pages: awards decided, revocation, statistics, the past-decisions import, agency panel."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from awards import imports
from awards.exports import StatisticsExporter
from awards.forms.proposals import RevokeForm
from awards.models import AwardRecord, AwardType
from awards.services import ledger as services
from awards.views.charts import statistics_figures
from blocs.panels import Panel
from blocs.permissions import require_province_staff
from emulation import pipeline
from emulation.excel import export_response, read_sheet
from emulation.params import int_param, year_param
from emulation.replica import reads_from_replica


@require_GET
def ledger(request):
    """The award ledger with filters by year, award type and status (staff)."""
    require_province_staff(request)
    records = (
        AwardRecord.objects.with_related()
        .as_of_year()
        .order_by("-year", "award_type__order", "agency__sort_name", "pk")
    )
    year = year_param(request)
    award_id = int_param(request, "award_type")
    status = request.GET.get("status", "")
    if year:
        records = records.filter(year=year)
    if award_id:
        records = records.filter(award_type_id=award_id)
    if status in AwardRecord.Status.values:
        records = records.filter(status=status)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/ledger/list.html",
        {
            "page": page,
            "years": AwardRecord.objects.order_by("-year")
            .values_list("year", flat=True)
            .distinct(),
            "award_types": AwardType.objects.all(),
            "statuses": AwardRecord.Status.choices,
            "selected": {"year": year, "award_type": award_id, "status": status},
        },
    )


def award_revoke(request, record_pk):
    """Revoke one award by a later decision (number, date, signer, reason): province staff.

    A page of its own rather than a form per ledger row, so a refused entry is shown with what
    was typed, and the ledger stays light.
    """
    require_province_staff(request)
    record = get_object_or_404(
        AwardRecord.objects.select_related("agency", "award_type", "decision", "revoked_by"),
        pk=record_pk,
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.revoke_award(
                record,
                number=data["number"],
                signed_on=data["signed_on"],
                signer_name=data["signer_name"],
                reason=data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã thu hồi khen thưởng."))
            return redirect("awards:ledger")
    return render(
        request,
        "awards/ledger/revoke.html",
        {"record": record, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@reads_from_replica
def award_statistics(request):
    """The selected year's report sentence and figures (charts with their tables)."""
    require_province_staff(request)
    overview = services.statistics_overview(year_param(request))
    return render(
        request,
        "awards/ledger/statistics.html",
        {
            "overview": overview,
            "sentence": services.statistics_sentence(overview.per_type),
            "figures": statistics_figures(overview),
        },
    )


@require_GET
@reads_from_replica
def award_statistics_export(request):
    require_province_staff(request)
    return export_response(*StatisticsExporter().export())


def _ledger_plan(data: bytes, options: dict) -> imports.ImportPreview:
    return imports.preview(data)


def _ledger_commit(data: bytes, options: dict, *, actor) -> int:
    return imports.apply(data, actor=actor)


def _ledger_finish(request, pending, count: int):
    messages.success(request, _("Đã nhập %(n)s khen thưởng vào sổ.") % {"n": count})
    return redirect("awards:ledger")


LEDGER_IMPORTER = pipeline.register(
    pipeline.Importer(
        kind="ledger",
        title=gettext_lazy("Nhập quyết định khen thưởng cũ"),
        check=partial(read_sheet, columns=imports.COLUMNS),
        plan=_ledger_plan,
        commit=_ledger_commit,
        finish=_ledger_finish,
        template="awards/ledger/import.html",
        section_base="awards/base.html",
        page_url_name="awards:decision_import",
        commit_url_name="awards:decision_import_commit",
        cancel_url_name="awards:decision_import_commit",
        help_text=gettext_lazy("Theo tệp mẫu; mỗi dòng một khen thưởng."),
        context={"columns": imports.COLUMNS},
        cancelled_message=gettext_lazy("Đã hủy tệp đang chờ nhập."),
    )
)


def decision_import(request):
    """Upload past decisions (POST) or see the pending file's row-by-row preview (GET)."""
    return pipeline.import_page(request, LEDGER_IMPORTER)


@require_POST
def decision_import_commit(request):
    """Write the pending file to the ledger (action=commit), or drop it (action=cancel)."""
    if request.POST.get("action") == "cancel":
        return pipeline.import_cancel(request, LEDGER_IMPORTER)
    return pipeline.import_commit(request, LEDGER_IMPORTER)


@require_GET
def decision_import_template(request):
    require_province_staff(request)
    return export_response(*imports.template_workbook())


def agency_panel(request, agency):
    """The agency page's awards, across its predecessors (renames and mergers)."""
    records = list(
        AwardRecord.objects.for_lineage(agency)
        .with_related()
        .select_related("agency__former_province")
        .order_by("-year", "award_type__order", "pk")
    )
    return Panel("awards/ledger/agency_panel.html", {"agency": agency, "records": records})

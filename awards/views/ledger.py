"""Ledger pages: awards decided, revocation, statistics, the past-decisions import, agency panel."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awards import imports
from awards.exports import StatisticsExporter
from awards.forms.proposals import DecisionImportForm, RevokeForm
from awards.models import AwardRecord, AwardType
from awards.services import ledger as services
from blocs.imports import discard_upload, load_upload, stash_upload
from blocs.panels import Panel
from blocs.permissions import require_province_staff
from emulation.excel import WorkbookError, export_response

IMPORT_SESSION_KEY = "awards_decision_import"


@require_GET
def ledger(request):
    """The award ledger with filters by year, award type and status (staff)."""
    require_province_staff(request)
    records = (
        AwardRecord.objects.with_related()
        .as_of_year()
        .order_by("-year", "award_type__order", "agency__sort_name", "pk")
    )
    year = request.GET.get("year", "")
    award_id = request.GET.get("award_type", "")
    status = request.GET.get("status", "")
    if year.isdigit():
        records = records.filter(year=int(year))
    if award_id.isdigit():
        records = records.filter(award_type_id=int(award_id))
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


def _chart(rows):
    """Bars per award type for the chart: total across the years shown, as a share of the max."""
    totals = defaultdict(lambda: [None, 0, 0])
    for row in rows:
        entry = totals[row.award_type.pk]
        entry[0] = row.award_type
        entry[1] += row.collectives
        entry[2] += row.individuals
    bars = sorted(totals.values(), key=lambda e: (e[0].order, e[0].code))
    biggest = max((c + i for _a, c, i in bars), default=0) or 1
    return [
        {
            "award_type": award,
            "collectives": collectives,
            "individuals": individuals,
            "collective_width": round(collectives * 100 / biggest, 1),
            "individual_width": round(individuals * 100 / biggest, 1),
        }
        for award, collectives, individuals in bars
    ]


@require_GET
def award_statistics(request):
    """Counts per award type and year, the report sentence per year, and a bar chart."""
    require_province_staff(request)
    rows = services.award_statistics()
    by_year = defaultdict(list)
    for row in rows:
        by_year[row.year].append(row)
    years = [
        {"year": year, "rows": items, "sentence": services.statistics_sentence(items)}
        for year, items in sorted(by_year.items(), reverse=True)
    ]
    return render(
        request,
        "awards/ledger/statistics.html",
        {"years": years, "chart": _chart(rows)},
    )


@require_GET
def award_statistics_export(request):
    require_province_staff(request)
    return export_response(*StatisticsExporter().export())


def _pending(request):
    pending = request.session.get(IMPORT_SESSION_KEY)
    data = load_upload(pending["token"]) if pending else None
    if pending and data is None:
        request.session.pop(IMPORT_SESSION_KEY, None)
        return None, None
    return pending, data


def _forget(request):
    pending = request.session.pop(IMPORT_SESSION_KEY, None)
    if pending:
        discard_upload(pending["token"])


def decision_import(request):
    """Upload past decisions (POST) or see the pending file's row-by-row preview (GET)."""
    require_province_staff(request)
    if request.method == "POST":
        form = DecisionImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(50 * 1024 * 1024)
            _forget(request)
            request.session[IMPORT_SESSION_KEY] = {
                "token": stash_upload(data),
                "filename": upload.name[:200],
            }
            return redirect("awards:decision_import")
    else:
        form = DecisionImportForm()
    pending, data = _pending(request)
    preview, file_errors = None, []
    if data is not None:
        try:
            preview = imports.preview(data)
        except WorkbookError as error:
            file_errors = error.messages
    return render(
        request,
        "awards/ledger/import.html",
        {
            "form": form,
            "pending": pending,
            "preview": preview,
            "file_errors": file_errors,
            "columns": imports.COLUMNS,
        },
    )


@require_POST
def decision_import_commit(request):
    require_province_staff(request)
    _pending_info, data = _pending(request)
    if data is None:
        messages.error(request, _("Không có tệp nào đang chờ nhập; hãy tải tệp lên lại."))
        return redirect("awards:decision_import")
    if request.POST.get("action") == "cancel":
        _forget(request)
        messages.info(request, _("Đã hủy tệp đang chờ nhập."))
        return redirect("awards:decision_import")
    try:
        count = imports.commit(data, actor=request.user)
    except (ValidationError, WorkbookError) as error:
        for message in error.messages[:20]:
            messages.error(request, message)
        return redirect("awards:decision_import")
    _forget(request)
    messages.success(request, _("Đã nhập %(n)s khen thưởng vào sổ.") % {"n": count})
    return redirect("awards:ledger")


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

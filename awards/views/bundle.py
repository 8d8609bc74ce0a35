"""Province merger pages of the award layer: a province's bundle out and a former province's
bundle in (preview, then one all-or-nothing commit), and the statistics by former province."""

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awards.bundle import BundleError, bundle_bytes, export_bundle, import_bundle, plan_bundle
from awards.forms.bundle import BundleUploadForm
from awards.models import AwardRecord
from blocs.imports import discard_upload, load_upload, stash_upload
from blocs.models import Agency, FormerProvince
from blocs.permissions import require_province_staff
from emulation.text import vn_slugify

SESSION_KEY = "awards_bundle_import"


@require_GET
def bundle_export(request):
    """Download the portal's own records (or one former province's, ?province=) as a bundle."""
    require_province_staff(request)
    province = None
    if request.GET.get("province", "").isdigit():
        province = get_object_or_404(FormerProvince, pk=int(request.GET["province"]))
    name = province.name if province else settings.PROVINCE_NAME
    filename = f"goi-du-lieu-{vn_slugify(name)}-{timezone.localdate():%Y%m%d}.json"
    response = HttpResponse(
        bundle_bytes(export_bundle(province)), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pending(request):
    pending = request.session.get(SESSION_KEY)
    data = load_upload(pending["token"]) if pending else None
    if pending and data is None:
        request.session.pop(SESSION_KEY, None)
        return None, None
    return pending, data


def _forget(request):
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        discard_upload(pending["token"])


def bundle_import(request):
    """Upload a former province's bundle (POST) or see what importing it would create (GET)."""
    require_province_staff(request)
    initial = {}
    if request.GET.get("province", "").isdigit():
        initial["former_province"] = int(request.GET["province"])
    form = BundleUploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _forget(request)
        request.session[SESSION_KEY] = {
            "token": stash_upload(form.cleaned_data["data"]),
            "filename": form.cleaned_data["file"].name[:200],
            "province": form.cleaned_data["former_province"].pk,
        }
        return redirect("awards:bundle_import")
    pending, data = _pending(request)
    plan, province = None, None
    if data is not None:
        province = FormerProvince.objects.filter(pk=pending["province"]).first()
        if province is None:
            _forget(request)
            pending = None
        else:
            plan = plan_bundle(data, province)
    return render(
        request,
        "awards/bundle/import.html",
        {"form": form, "pending": pending, "plan": plan, "province": province},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def bundle_commit(request):
    """Import the pending bundle all-or-nothing, then show the province profile."""
    require_province_staff(request)
    pending, data = _pending(request)
    province = FormerProvince.objects.filter(pk=(pending or {}).get("province")).first()
    if data is None or province is None:
        messages.error(request, _("Không có gói dữ liệu nào đang chờ nhập; hãy tải tệp lên lại."))
        return redirect("awards:bundle_import")
    try:
        plan = import_bundle(data, province, actor=request.user)
    except BundleError as error:
        messages.error(request, str(error))
        return redirect("awards:bundle_import")
    _forget(request)
    counts = plan.counts
    messages.success(
        request,
        _(
            "Đã nhập dữ liệu %(p)s: %(a)s đơn vị, %(b)s khối, %(by)s khối-năm, %(m)s lượt thành "
            "viên, %(d)s quyết định, %(r)s khen thưởng."
        )
        % {
            "p": province.label,
            "a": counts["agencies"],
            "b": counts["blocs"],
            "by": counts["bloc_years"],
            "m": counts["memberships"],
            "d": counts["decisions"],
            "r": counts["awards"],
        },
    )
    return redirect("blocs:province_profile")


@require_POST
def bundle_cancel(request):
    require_province_staff(request)
    _forget(request)
    messages.info(request, _("Đã hủy gói dữ liệu đang chờ nhập; không có thay đổi nào."))
    return redirect("awards:bundle_import")


@require_GET
def province_statistics(request):
    """Agencies and awards by former province, and awards per year (the base of each figure
    is the ledger's awarded records of agencies tagged with that province)."""
    require_province_staff(request)
    provinces = [None, *FormerProvince.objects.all()]
    agencies = {
        row["former_province"]: row
        for row in Agency.objects.values("former_province").annotate(
            total=Count("pk"), active=Count("pk", filter=Q(status=Agency.Status.ACTIVE))
        )
    }
    per_year = defaultdict(dict)
    kinds = defaultdict(lambda: {"collective": 0, "individual": 0})
    for row in (
        AwardRecord.objects.awarded()
        .values("agency__former_province", "year")
        .annotate(
            n=Count("pk"),
            individual=Count("pk", filter=~Q(person_name="")),
        )
    ):
        key = row["agency__former_province"]
        per_year[key][row["year"]] = row["n"]
        kinds[key]["individual"] += row["individual"]
        kinds[key]["collective"] += row["n"] - row["individual"]
    years = sorted({year for counts in per_year.values() for year in counts})
    rows = []
    for province in provinces:
        key = getattr(province, "pk", None)
        counts = per_year.get(key, {})
        rows.append(
            {
                "label": province.label
                if province
                else _("Tỉnh %(p)s") % {"p": settings.PROVINCE_NAME},
                "agencies": agencies.get(key, {}),
                "collective": kinds[key]["collective"],
                "individual": kinds[key]["individual"],
                "by_year": [counts.get(year, 0) for year in years],
                "total": sum(counts.values()),
            }
        )
    totals = [sum(row["by_year"][i] for row in rows) for i in range(len(years))]
    return render(
        request,
        "awards/bundle/statistics.html",
        {"rows": rows, "years": years, "totals": totals, "grand_total": sum(totals)},
    )

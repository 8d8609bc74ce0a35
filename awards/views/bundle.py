"""Province merger pages of the award layer: a province's bundle out and a former province's
bundle in (preview, then one all-or-nothing commit), and the statistics by former province."""

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from awards.bundle import (
    BundleError,
    BundlePlan,
    apply_bundle,
    bundle_bytes,
    export_bundle,
    plan_bundle,
    read_bundle,
)
from awards.forms.bundle import BundleUploadForm
from awards.models import AwardRecord
from blocs.models import Agency, FormerProvince
from blocs.panels import Link
from blocs.permissions import require_province_staff
from emulation import pipeline
from emulation.replica import reads_from_replica
from emulation.text import vn_slugify


@require_GET
@reads_from_replica
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


BUNDLE_FILE = pipeline.FileType(
    suffix=".json",
    accept=".json,application/json",
    label=gettext_lazy("Gói dữ liệu (.json)"),
    required_message=gettext_lazy("Hãy chọn tệp gói dữ liệu (.json) để tải lên."),
    empty_message=gettext_lazy("Tệp rỗng (0 byte): hãy chọn gói dữ liệu xuất từ cổng của tỉnh cũ."),
)


def _check(data: bytes) -> None:
    try:
        read_bundle(data)
    except BundleError as error:
        raise ValidationError(str(error)) from error


def _province(options: dict) -> FormerProvince:
    """The former province the upload is for; gone since the upload means nothing is pending."""
    province = FormerProvince.objects.filter(pk=options.get("province")).first()
    if province is None:
        raise pipeline.StaleUpload
    return province


def _plan(data: bytes, options: dict) -> BundlePlan:
    try:
        return plan_bundle(data, _province(options))
    except BundleError as error:
        raise ValidationError(str(error)) from error


def _commit(data: bytes, options: dict, *, actor) -> BundlePlan:
    try:
        return apply_bundle(data, _province(options), actor=actor)
    except BundleError as error:
        raise ValidationError(str(error)) from error


def _finish(request, pending, plan: BundlePlan):
    """Count what was imported, then show the province profile."""
    counts = plan.counts
    messages.success(
        request,
        _(
            "Đã nhập dữ liệu %(p)s: %(a)s đơn vị, %(b)s khối, %(by)s khối-năm, %(m)s lượt thành "
            "viên, %(d)s quyết định, %(r)s khen thưởng."
        )
        % {
            "p": plan.former_province.label,
            "a": counts["agencies"],
            "b": counts["blocs"],
            "by": counts["bloc_years"],
            "m": counts["memberships"],
            "d": counts["decisions"],
            "r": counts["awards"],
        },
    )
    return redirect("blocs:province_profile")


BUNDLE_IMPORTER = pipeline.register(
    pipeline.Importer(
        kind="bundle",
        title=gettext_lazy("Nhập gói dữ liệu tỉnh cũ"),
        check=_check,
        plan=_plan,
        commit=_commit,
        finish=_finish,
        template="awards/bundle/import.html",
        section_base="blocs/base.html",
        page_url_name="awards:bundle_import",
        commit_url_name="awards:bundle_commit",
        cancel_url_name="awards:bundle_cancel",
        file_type=BUNDLE_FILE,
        form_class=BundleUploadForm,
        max_mb_setting="BUNDLE_MAX_MB",
        help_text=gettext_lazy(
            "Tệp xuất từ trang “Tỉnh và các tỉnh cũ” của cổng tỉnh cũ; tối đa %(max)s MB. Tải "
            "lên chưa nhập gì: bạn xem trước rồi mới xác nhận."
        ),
        nothing_pending_message=gettext_lazy(
            "Không có gói dữ liệu nào đang chờ nhập; hãy tải tệp lên lại."
        ),
        cancelled_message=gettext_lazy("Đã hủy gói dữ liệu đang chờ nhập; không có thay đổi nào."),
    )
)


def bundle_import(request):
    """Upload a former province's bundle (POST) or see what importing it would create (GET)."""
    return pipeline.import_page(request, BUNDLE_IMPORTER)


def bundle_commit(request):
    """Import the pending bundle all-or-nothing, then show the province profile."""
    return pipeline.import_commit(request, BUNDLE_IMPORTER)


def bundle_cancel(request):
    return pipeline.import_cancel(request, BUNDLE_IMPORTER)


@require_GET
@reads_from_replica
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


def province_row_links(former_province, holds_agencies) -> list[Link]:
    """On the province page: the portal's own data and a filled former province export a bundle;
    an empty former province imports one."""
    export = reverse("awards:bundle_export")
    if former_province is None:
        return [Link(_("Tải gói (.json)"), export)]
    query = f"?province={former_province.pk}"
    if holds_agencies:
        return [Link(_("Tải gói (.json)"), export + query)]
    return [
        Link(
            _("Nhập gói dữ liệu"),
            reverse("awards:bundle_import") + query,
            css="btn btn-sm btn-primary",
            testid=f"import-{former_province.pk}",
        )
    ]


def province_page_links() -> list[Link]:
    return [
        Link(
            _("Thống kê theo tỉnh cũ"),
            reverse("awards:province_statistics"),
            css="btn btn-outline-secondary",
        )
    ]

"""The province's criteria tables (province staff): a year's table per bloc kind with its
versions, the table itself, its workbook, an upload of the next version through the import
pipeline, a copy of last year's table and the confirmation of the seeded example."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from awards import criteria_workbook as workbook
from awards.forms.scoring import CriteriaCopyForm, CriteriaUploadForm
from awards.models import CriteriaSet
from awards.services import scoring as services
from blocs.models import Bloc, BlocYear
from blocs.permissions import require_province_staff
from emulation import pipeline
from emulation.excel import export_response
from emulation.forms import form_errors_as_messages, show_errors
from emulation.params import year_param


def _list_url(year: int) -> str:
    return f"{reverse('awards:criteria_sets')}?year={year}"


@require_GET
def criteria_sets(request):
    """A year's tables, one per bloc kind: the latest version, its totals and adoptions, and
    the earlier versions (blocs that adopted them keep their copies)."""
    require_province_staff(request)
    year = year_param(request) or timezone.localdate().year
    sets = list(
        CriteriaSet.objects.filter(year=year, bloc_year__isnull=True)
        .annotate(
            scored=Count("criteria", filter=~Q(criteria__kind="heading"), distinct=True),
            adopted_by=Count("copies__bloc_year", distinct=True),
        )
        .order_by("bloc_kind", "-version")
    )
    kinds = []
    for kind, label in Bloc.Kind.choices:
        versions = [criteria_set for criteria_set in sets if criteria_set.bloc_kind == kind]
        kinds.append({"kind": kind, "label": label, "versions": versions})
    earlier = set(
        CriteriaSet.objects.filter(year__lt=year, bloc_year__isnull=True).values_list(
            "bloc_kind", flat=True
        )
    )
    this_year = timezone.localdate().year
    years = set(BlocYear.objects.values_list("year", flat=True).distinct())
    years |= set(CriteriaSet.objects.values_list("year", flat=True).distinct())
    years |= {year, this_year, this_year + 1}
    return render(
        request,
        "awards/scoring/criteria_sets.html",
        {"year": year, "years": sorted(years, reverse=True), "kinds": kinds, "copyable": earlier},
    )


@require_GET
def criteria_set(request, set_pk):
    require_province_staff(request)
    criteria_set = get_object_or_404(CriteriaSet, pk=set_pk, bloc_year__isnull=True)
    criteria = list(criteria_set.criteria.all())
    table = services.table_of(criteria, criteria_set.bonus_cap)
    adopted = list(
        criteria_set.copies.filter(bloc_year__isnull=False)
        .select_related("bloc_year__bloc")
        .order_by("bloc_year__bloc__sort_name", "-version")
    )
    return render(
        request,
        "awards/scoring/criteria_set.html",
        {
            "criteria_set": criteria_set,
            "criteria": criteria,
            "max_points": table.max_points,
            "bonus_limit": table.bonus_limit,
            "adopted": adopted,
        },
    )


@require_GET
def criteria_set_export(request, set_pk):
    require_province_staff(request)
    criteria_set = get_object_or_404(CriteriaSet, pk=set_pk, bloc_year__isnull=True)
    return export_response(*workbook.criteria_workbook(criteria_set))


@require_GET
def criteria_template(request):
    require_province_staff(request)
    return export_response(*workbook.example_workbook())


@require_POST
def criteria_confirm(request, set_pk):
    require_province_staff(request)
    criteria_set = get_object_or_404(CriteriaSet, pk=set_pk, bloc_year__isnull=True)
    services.confirm_criteria(criteria_set, actor=request.user)
    messages.success(request, _("Đã xác nhận bảng tiêu chí: các khối áp dụng được."))
    return redirect("awards:criteria_set", set_pk=criteria_set.pk)


@require_POST
def criteria_copy(request):
    """The year's table copied from the latest earlier year's, as its first version."""
    require_province_staff(request)
    form = CriteriaCopyForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect("awards:criteria_sets")
    try:
        copy = services.copy_province_criteria(**form.cleaned_data, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
        return redirect(_list_url(form.cleaned_data["year"]))
    messages.success(
        request,
        _("Đã sao chép bảng tiêu chí năm %(from)s cho năm %(year)s.")
        % {"from": copy.based_on.year, "year": copy.year},
    )
    return redirect("awards:criteria_set", set_pk=copy.pk)


def _finish_import(request, pending, criteria_set: CriteriaSet):
    messages.success(
        request,
        _("Đã nhập %(name)s: bảng tiêu chí năm %(year)s, phiên bản %(version)s.")
        % {
            "name": pending.filename,
            "year": criteria_set.year,
            "version": criteria_set.version,
        },
    )
    return redirect("awards:criteria_set", set_pk=criteria_set.pk)


CRITERIA_IMPORTER = pipeline.register(
    pipeline.Importer(
        kind="criteria",
        title=gettext_lazy("Nhập bảng tiêu chí chấm điểm từ Excel"),
        check=workbook.check_sheet,
        plan=lambda data, options: workbook.rows_from_sheet(data),
        commit=workbook.commit_sheet,
        finish=_finish_import,
        template="awards/scoring/criteria_import.html",
        section_base="awards/base.html",
        page_url_name="awards:criteria_import",
        commit_url_name="awards:criteria_import_commit",
        cancel_url_name="awards:criteria_import_cancel",
        form_class=CriteriaUploadForm,
        help_text=gettext_lazy(
            "Theo tệp mẫu (hoặc tệp tải từ một bảng đã có); tối đa %(max)s MB. Tải lên chưa "
            "thay đổi gì: bạn xem trước rồi mới xác nhận."
        ),
        context={"columns": workbook.COLUMNS},
    )
)


def criteria_import(request):
    """Upload a criteria workbook (POST) or see the table it would save (GET)."""
    return pipeline.import_page(request, CRITERIA_IMPORTER)


def criteria_import_commit(request):
    return pipeline.import_commit(request, CRITERIA_IMPORTER)


def criteria_import_cancel(request):
    return pipeline.import_cancel(request, CRITERIA_IMPORTER)

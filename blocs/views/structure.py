from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from blocs.models import BlocYear
from blocs.permissions import get_bloc_year_for_user, require_province_staff
from emulation.models import AuditEntry


def _selected_year(request) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        latest = BlocYear.objects.order_by("-year").values_list("year", flat=True).first()
        return latest or timezone.localdate().year


def year_overview(request):
    """The province staff landing page: every bloc of one year with its head and deputy."""
    require_province_staff(request)
    year = _selected_year(request)
    bloc_years = (
        BlocYear.objects.with_people()
        .filter(year=year)
        .annotate(member_count=Count("memberships"))
        .order_by("bloc__sort_name")
    )
    years = BlocYear.objects.order_by("-year").values_list("year", flat=True).distinct()
    return render(
        request,
        "blocs/year_overview.html",
        {"year": year, "years": years, "bloc_years": bloc_years},
    )


def bloc_year_detail(request, pk):
    bloc_year, role = get_bloc_year_for_user(request, pk)
    memberships = bloc_year.memberships.select_related("agency").order_by("agency__sort_name")
    history = AuditEntry.objects.for_object(bloc_year)[:50]
    return render(
        request,
        "blocs/bloc_year_detail.html",
        {"bloc_year": bloc_year, "role": role, "memberships": memberships, "history": history},
    )

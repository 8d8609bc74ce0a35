"""The province profile: its former provinces (2025 mergers), and merging their sister agencies.

Importing a former province's bundle and the statistics by former province are award-layer
pages (`awards.views.bundle`): they read the ledger too.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Min, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from blocs.forms.province import FormerProvinceForm, SisterMergeForm
from blocs.models import Agency, Bloc, FormerProvince
from blocs.panels import PROVINCE_PAGE_LINKS, PROVINCE_ROW_LINKS, links_of
from blocs.permissions import require_province_staff
from blocs.services import structure as services
from emulation.forms import show_errors


def _province_rows() -> list[dict]:
    """The province itself and each former province: agencies, blocs and years it holds."""
    active = Q(status=Agency.Status.ACTIVE)
    agencies = {
        row["former_province"]: row
        for row in Agency.objects.values("former_province").annotate(
            total=Count("pk"), active=Count("pk", filter=active)
        )
    }
    blocs = {
        row["former_province"]: row
        for row in Bloc.objects.values("former_province").annotate(
            total=Count("pk", distinct=True),
            first_year=Min("years__year"),
            last_year=Max("years__year"),
        )
    }
    rows = []
    for province in [None, *FormerProvince.objects.all()]:
        held = agencies.get(getattr(province, "pk", None), {})
        rows.append(
            {
                "province": province,
                "agencies": held,
                "blocs": blocs.get(getattr(province, "pk", None), {}),
                "links": links_of(PROVINCE_ROW_LINKS, province, bool(held.get("total"))),
            }
        )
    return rows


def province_profile(request):
    """The province, its predecessors with what the portal holds of each, and the steps of a
    province merger: add a former province, import its bundle, merge sister agencies."""
    require_province_staff(request)
    form = FormerProvinceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            province = services.create_former_province(**form.cleaned_data, actor=request.user)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Đã thêm %(p)s.") % {"p": province.label})
            return redirect("blocs:province_profile")
    return render(
        request,
        "blocs/province/profile.html",
        {
            "province_name": settings.PROVINCE_NAME,
            "rows": _province_rows(),
            "form": form,
            "sister_count": len(services.sister_agency_groups()),
            "page_links": links_of(PROVINCE_PAGE_LINKS),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def sister_merge(request):
    """Groups of same-named agencies across former provinces; each group merges in one step."""
    require_province_staff(request)
    groups = services.sister_agency_groups()
    forms = [SisterMergeForm(group=group) for group in groups]
    status = 200
    if request.method == "POST":
        key = request.POST.get("group_key", "")
        for index, group in enumerate(groups):
            if group.key != key:
                continue
            form = SisterMergeForm(request.POST, group=group)
            forms[index] = form
            if form.is_valid():
                merged, into = form.chosen()
                try:
                    into = services.merge_sister_agencies(
                        merged,
                        into=into,
                        effective_on=form.cleaned_data["effective_on"],
                        decision_ref=form.cleaned_data["decision_ref"],
                        actor=request.user,
                    )
                except ValidationError as error:
                    show_errors(request, error, form)
                else:
                    messages.success(
                        request,
                        _("Đã hợp nhất %(n)s đơn vị vào %(into)s.")
                        % {"n": len([a for a in merged if a.pk != into.pk]), "into": into.name},
                    )
                    return redirect("blocs:agency_detail", pk=into.pk)
            status = 400
            break
        else:
            messages.error(request, _("Nhóm đơn vị này không còn chờ hợp nhất."))
            return redirect("blocs:sister_merge")
    return render(request, "blocs/province/sister_merge.html", {"forms": forms}, status=status)

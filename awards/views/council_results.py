"""The council sheet: the council's results for many accepted proposals entered on one page.

Rows are typed with the keyboard (Tab through result, percentage, note; one submit). Saving is
all or none: a wrong row keeps every typed value and names its proposal, so the officer fixes
it and submits again without retyping the others.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from awards.forms.council_results import APPROVED, CouncilResultRowForm
from awards.models import AwardProposal
from awards.services import proposals as services
from blocs.permissions import require_province_staff
from emulation.forms import show_errors
from emulation.params import clean_ids

SHEET_PAGE_SIZE = 50


def _year(request) -> int:
    value = request.GET.get("year") or request.POST.get("year") or ""
    if value.isdigit() and len(value) == 4:
        return int(value)
    return timezone.localdate().year


def _accepted(year: int, bloc: str):
    proposals = (
        services.proposals_queryset_for_year(year)
        .filter(state=AwardProposal.State.ACCEPTED)
        .prefetch_related(None)
    )
    bloc_ids = clean_ids([bloc])
    return proposals.filter(bloc_year__bloc_id=bloc_ids[0]) if bloc_ids else proposals


def _posted_rows(request, year):
    """The rows of the submitted page, in any state: a proposal decided meanwhile is named."""
    ids = clean_ids(request.POST.getlist("rows"))
    proposals = services.proposals_queryset_for_year(year).filter(pk__in=ids).prefetch_related(None)
    return [CouncilResultRowForm(request.POST, proposal=proposal) for proposal in proposals]


def _save(request, forms) -> bool:
    """Record every entered row; False (with the proposals named) when any row is wrong."""
    wrong = [form for form in forms if not form.is_valid()]
    if wrong:
        messages.error(request, _("Chưa ghi kết quả nào. Sửa các dòng được đánh dấu:"))
        for form in wrong:
            errors = "; ".join(error for errors in form.errors.values() for error in errors)
            label = f"{form.proposal.award_type.label} – {form.proposal.recipient_label}"
            messages.error(request, f"{label}: {errors}")
        return False
    entries = {
        form.proposal: (
            form.cleaned_data["result"] == APPROVED,
            form.cleaned_data["percent"],
            form.cleaned_data["note"],
        )
        for form in forms
        if form.entered
    }
    if not entries:
        messages.error(request, _("Chưa nhập kết quả cho đề nghị nào."))
        return False
    try:
        services.record_council_outcomes(entries, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
        return False
    messages.success(
        request, _("Đã ghi kết quả của Hội đồng cho %(n)s đề nghị.") % {"n": len(entries)}
    )
    return True


@require_http_methods(["GET", "POST"])
def council_results(request):
    """Province staff type the council's results for the accepted proposals of a year."""
    require_province_staff(request)
    year = _year(request)
    bloc = request.GET.get("bloc", "") or request.POST.get("bloc", "")
    if request.method == "POST":
        forms = _posted_rows(request, year)
        if _save(request, forms):
            url = reverse("awards:council_results")
            return redirect(
                f"{url}?year={year}&bloc={bloc}" if bloc.isdigit() else f"{url}?year={year}"
            )
        page = None
    else:
        page = Paginator(_accepted(year, bloc), SHEET_PAGE_SIZE).get_page(request.GET.get("page"))
        forms = [CouncilResultRowForm(proposal=proposal) for proposal in page.object_list]
    return render(
        request,
        "awards/proposals/council_results.html",
        {"year": year, "bloc": bloc, "forms": forms, "page": page},
    )

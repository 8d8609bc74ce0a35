"""The year's calendar: province staff set each deadline once for every bloc."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.forms.calendar import ProvinceCalendarForm
from blocs.models import Deadline
from blocs.services import calendar as services
from emulation.forms import show_errors
from emulation.params import year_param
from emulation.permissions import require_province_staff


def province_calendar(request):
    """One form per year (?year=): the province-wide date of every kind of deadline."""
    require_province_staff(request)
    year = year_param(request) or timezone.localdate().year
    current = services.province_deadlines(year)
    form = ProvinceCalendarForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            _save(form.cleaned_data, year, actor=request.user)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Đã lưu lịch năm %(year)s.") % {"year": year})
            return redirect(f"{reverse('blocs:calendar')}?year={year}")
    return render(
        request,
        "blocs/calendar/province.html",
        {"form": form, "year": year, "years": range(year - 2, year + 3), "current": current},
    )


@transaction.atomic
def _save(data: dict, year: int, *, actor) -> None:
    """Every kind at once, all or nothing: a window in the wrong order saves no date."""
    for kind in Deadline.Kind.values:
        starts_on = data.get("conference_starts_on") if kind == Deadline.Kind.CONFERENCE else None
        try:
            services.set_province_deadline(
                year, kind, due_on=data.get(kind), starts_on=starts_on, actor=actor
            )
        except ValidationError as error:
            raise ValidationError({"conference_starts_on": error.messages}) from error

"""The year's calendar: province staff set each deadline once for every bloc; a bloc's head
sets the bloc's own dates within them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.calendar_feed import render_feed, token_matches, user_deadlines
from blocs.forms.calendar import BlocCalendarForm, ProvinceCalendarForm
from blocs.models import Deadline
from blocs.panels import Panel
from blocs.permissions import get_bloc_year_for_user
from blocs.services import calendar as services
from blocs.services.covenants import registration_deadline
from emulation.forms import show_errors
from emulation.models import User
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
            services.set_province_calendar(year, form.cleaned_data, actor=request.user)
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


def bloc_calendar(request, pk):
    """The bloc's dates beside the province's: every reader sees them, the head and deputy (and
    staff) set the bloc's own."""
    bloc_year, role = get_bloc_year_for_user(request, pk)
    if request.method == "POST" and not role.can_run_bloc_year:
        raise PermissionDenied
    calendar = services.bloc_calendar(bloc_year)
    form = None
    if role.can_run_bloc_year:
        form = BlocCalendarForm(request.POST or None, calendar=calendar)
        if request.method == "POST" and form.is_valid():
            try:
                services.set_bloc_calendar(bloc_year, form.cleaned_data, actor=request.user)
            except ValidationError as error:
                show_errors(request, error, form)
            else:
                messages.success(request, _("Đã lưu lịch của khối."))
                return redirect("blocs:bloc_calendar", pk=bloc_year.pk)
    return render(
        request,
        "blocs/calendar/bloc.html",
        {
            "bloc_year": bloc_year,
            "rows": _rows(calendar, registration_deadline(bloc_year)),
            "form": form,
            "today": timezone.localdate(),
        },
    )


def _rows(calendar, registration_on):
    """(label, the province's row, the bloc's date and window start) per kind."""
    rows = []
    for kind, label, province, own in calendar:
        if kind == Deadline.Kind.REGISTRATION:
            rows.append((label, province, registration_on, None))
        else:
            rows.append((label, province, own.due_on if own else None, own and own.starts_on))
    return rows


def calendar_panel(request, bloc_year, role):
    """The bloc's coming dates on the bloc-year page, each its effective date."""
    today = timezone.localdate()
    upcoming = [
        entry
        for entry in services.deadlines_for([bloc_year], [bloc_year.year])
        if entry.due_on >= today
    ][:4]
    return Panel(
        "blocs/calendar/panel.html",
        {"bloc_year": bloc_year, "upcoming": upcoming, "today": today},
    )


def calendar_feed(request, user_pk, token):
    """A user's deadlines as .ics, fetched by calendar apps without a session: the address's
    token is the key (`blocs.calendar_feed`)."""
    user = User.objects.filter(pk=user_pk, is_active=True).first()
    if user is None or not token_matches(user, token):
        raise Http404
    name = _("Lịch thi đua · %(user)s") % {"user": user}
    response = HttpResponse(
        render_feed(user_deadlines(user, timezone.localdate()), name=name),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="lich-thi-dua.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from blocs.calendar_feed import feed_token
from blocs.permissions import bloc_years_for_user
from blocs.services.calendar import deadlines_for
from emulation.models import Notification
from emulation.todos import todos_for

UNREAD_SHOWN = 5
BLOC_YEARS_SHOWN = 6


def home(request):
    """Every user's start page: what waits on them, unread notifications, the coming dates and
    the bloc-years they can open (the year overview for staff)."""
    user = request.user
    today = timezone.localdate()
    if user.is_province_staff:
        bloc_years = []
    else:
        bloc_years = list(
            bloc_years_for_user(user).order_by("-year", "bloc__name")[:BLOC_YEARS_SHOWN]
        )
    years = {today.year, today.year + 1} | {bloc_year.year for bloc_year in bloc_years}
    deadlines = [
        {"entry": entry, "days_left": entry.days_left(today)}
        for entry in deadlines_for(bloc_years, years)
        if entry.due_on >= today.replace(month=1, day=1)
    ]
    unread = list(Notification.objects.filter(recipient=user, read_at__isnull=True)[:UNREAD_SHOWN])
    return render(
        request,
        "portal/home.html",
        {
            "todos": todos_for(user),
            "unread": unread,
            "deadlines": deadlines,
            "bloc_years": bloc_years,
            "feed_url": request.build_absolute_uri(
                reverse("calendar_feed", args=[user.pk, feed_token(user)])
            ),
        },
    )

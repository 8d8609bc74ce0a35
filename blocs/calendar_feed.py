"""Each user's deadlines as an .ics feed, for the calendar on their phone or in Outlook.

Calendar apps fetch a feed without signing in, so its address carries a token derived from the
account's password hash: changing the password (or deactivating the account) ends every address
given out before. The feed holds dates, kinds and bloc names only.
"""

import datetime

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from blocs.permissions import bloc_years_for_user
from blocs.services.calendar import Entry, deadlines_for

_SALT = "blocs.calendar_feed"
# Years a feed covers: last year's late items, this year's and the next one's.
_YEARS_BACK, _YEARS_AHEAD = 1, 1


def feed_token(user) -> str:
    return salted_hmac(_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()[:40]


def token_matches(user, token: str) -> bool:
    return constant_time_compare(feed_token(user), str(token))


def user_deadlines(user, today: datetime.date) -> list[Entry]:
    """The dates the user's home page shows, over the feed's years (two queries and the roles)."""
    years = set(range(today.year - _YEARS_BACK, today.year + _YEARS_AHEAD + 1))
    bloc_years = (
        []
        if user.is_province_staff
        else list(bloc_years_for_user(user).filter(year__in=years).select_related("bloc"))
    )
    return deadlines_for(bloc_years, years)


def _summary(entry: Entry) -> str:
    where = entry.bloc_year.bloc.name if entry.bloc_year else settings.PROVINCE_NAME
    return f"{entry.label} · {where}"


def render_feed(entries: list[Entry], *, name: str) -> bytes:
    """One all-day event per date (a window spans its days), stable UIDs so apps update them."""
    feed = icalendar.Calendar()
    feed.add("prodid", "-//Cong khoi thi dua//Lich nam thi dua//VI")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", name)
    stamp = timezone.now()
    host = settings.SITE_URL.split("://")[-1].split("/")[0] or "portal"
    for entry in entries:
        event = icalendar.Event()
        event.add("uid", f"{entry.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", _summary(entry))
        event.add("dtstart", entry.starts_on or entry.due_on)
        event.add("dtend", entry.due_on + datetime.timedelta(days=1))
        if entry.note:
            event.add("description", entry.note)
        event.add("transp", "TRANSPARENT")
        feed.add_component(event)
    return feed.to_ical()

"""Telling people what happened: one row per recipient, and an email to those who want one.

Services call `notify` inside their transaction; nothing is stored or sent unless it commits, so
a refused or rolled-back action tells nobody. Texts are stored in the portal's language (they
are data, like an audit entry), in NFC, cut to the column's length. A non-empty `key` is stored
once per recipient: a daily reminder run twice notifies and emails once.
"""

import logging
import smtplib
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection, send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from emulation.models import Notification
from emulation.text import collapse_spaces, nfc

logger = logging.getLogger(__name__)

SUBJECT_LENGTH = 120


@dataclass(frozen=True)
class Message:
    """One notification to several people: recipients are user ids or a queryset of users."""

    recipients: tuple[int, ...] | QuerySet
    kind: str
    text: str
    url: str = ""
    key: str = ""


def _limit(value, field: str) -> str:
    length = Notification._meta.get_field(field).max_length
    text = nfc(str(value or "").replace("\x00", ""))  # PostgreSQL refuses NUL in text
    return text if len(text) <= length else text[: length - 1] + "…"


def message(recipients, *, kind, text, url="", key="") -> Message:
    """A `Message` with its text evaluated now, in the portal's language, and cut to size."""
    if not isinstance(recipients, QuerySet):
        recipients = tuple(dict.fromkeys(getattr(user, "pk", user) for user in recipients))
    with translation.override(settings.LANGUAGE_CODE):
        text = _limit(text, "text")
    return Message(recipients, _limit(kind, "kind"), text, _limit(url, "url"), _limit(key, "key"))


def notify(recipients, *, kind: str, text, url: str = "", key: str = "") -> None:
    """Notify `recipients` (users, user ids or a queryset) when the current transaction commits."""
    notify_many([message(recipients, kind=kind, text=text, url=url, key=key)])


def notify_many(messages) -> None:
    """Deliver several messages together on commit: a fixed number of queries for the batch."""
    messages = [
        item for item in messages if isinstance(item.recipients, QuerySet) or item.recipients
    ]
    if messages:
        transaction.on_commit(partial(deliver, messages))


def agency_users(agency_ids):
    """The active accounts of these agencies (a queryset, read when the notice is delivered)."""
    return get_user_model().objects.filter(agency_id__in=list(agency_ids), is_active=True)


agency_recipients = agency_users


def unread_count(user) -> int:
    """The header's badge: counted with the signed-in user's own query (emulation.backends),
    else one COUNT query."""
    loaded = getattr(user, "unread_notification_count", None)
    if loaded is not None:
        return loaded
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def set_email_preference(user, wanted: bool) -> None:
    """The user's own choice to receive notifications by email as well."""
    if user.email_notifications != wanted:
        user.email_notifications = wanted
        user.save(update_fields=["email_notifications"])


def _recipient_ids(messages) -> list[list[int]]:
    return [
        list(item.recipients.values_list("pk", flat=True))
        if isinstance(item.recipients, QuerySet)
        else list(item.recipients)
        for item in messages
    ]


def _already_keyed(messages, ids) -> set[tuple[int, str]]:
    keys = {item.key for item in messages if item.key}
    if not keys:
        return set()
    every_id = {pk for group in ids for pk in group}
    return set(
        Notification.objects.filter(key__in=keys, recipient_id__in=every_id).values_list(
            "recipient_id", "key"
        )
    )


def deliver(messages) -> list[Notification]:
    """Store the rows not stored yet (by key) and email those who asked; return the new rows."""
    ids = _recipient_ids(messages)
    users = get_user_model().objects.in_bulk({pk for group in ids for pk in group})
    seen = _already_keyed(messages, ids)
    now = timezone.now()
    rows, mails = [], []
    for item, group in zip(messages, ids, strict=True):
        for pk in dict.fromkeys(group):
            user = users.get(pk)
            if user is None or (item.key and (pk, item.key) in seen):
                continue
            if item.key:
                seen.add((pk, item.key))
            wants_mail = bool(user.is_active and user.email_notifications and user.email)
            rows.append(
                Notification(
                    recipient_id=pk,
                    kind=item.kind,
                    text=item.text,
                    url=item.url,
                    key=item.key,
                    emailed_at=now if wants_mail else None,
                )
            )
            if wants_mail:
                mails.append(_mail(item, user.email))
    with transaction.atomic():
        Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    _send(mails, now, [row.recipient_id for row in rows if row.emailed_at])
    return rows


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else settings.SITE_URL + "/"


def _mail(item: Message, address: str) -> tuple[str, str, str, list[str]]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = collapse_spaces(item.text)
        if len(subject) > SUBJECT_LENGTH:
            subject = subject[: SUBJECT_LENGTH - 1] + "…"
        body = _(
            "%(text)s\n\nXem chi tiết: %(link)s\n\n"
            "Bạn nhận thư này vì đã bật nhận thông báo qua thư điện tử trên Cổng thi đua. "
            "Tắt tại: %(settings)s\n"
        ) % {
            "text": item.text,
            "link": _absolute(item.url),
            "settings": _absolute(reverse("notification_preferences")),
        }
        subject = _("[Cổng thi đua] %(subject)s") % {"subject": subject}
    return subject, body, settings.DEFAULT_FROM_EMAIL, [address]


def _send(mails, stamp, emailed_ids) -> None:
    """Send on one connection; if the mail server fails, the rows stay and say "not emailed"."""
    if not mails:
        return
    try:
        send_mass_mail(mails, fail_silently=False, connection=get_connection())
    except (smtplib.SMTPException, OSError):
        logger.exception("Sending %d notification emails failed", len(mails))
        Notification.objects.filter(recipient_id__in=emailed_ids, emailed_at=stamp).update(
            emailed_at=None
        )

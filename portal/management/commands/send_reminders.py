"""Daily reminders of the year's deadlines, to whoever still has the step to do.

For each deadline due in exactly N days (a bloc's own row replaces the province's for that bloc):
- registration: member agencies without a submitted or accepted registration;
- covenant signing: member agencies whose signature is missing on the bloc's open covenant;
- sơ kết: every member agency;
- dossier, scoring, conference: the head agency, which runs them for the bloc;
- council: nobody here (province staff set and hold that meeting themselves).
Each reminder's key is `deadline:<deadline>:<bloc-year>:<N>`, so a second run sends nothing.
Recipients are read a kind at a time, never per user or per bloc.
"""

import datetime
import json
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from blocs.models import BlocYear, Covenant, CovenantSignature, Deadline, Membership, Registration
from emulation.notifications import deliver, message

Kind = Deadline.Kind
HEAD_KINDS = {Kind.DOSSIER, Kind.SCORING, Kind.CONFERENCE}
EVERY_MEMBER_KINDS = {Kind.MID_YEAR_REVIEW}
PAGE_OF_KIND = {
    Kind.REGISTRATION: "blocs:registration_mine",
    Kind.COVENANT_SIGNING: "blocs:covenant_detail",
}


def _targets(day: datetime.date, days) -> list[tuple[Deadline, int, int]]:
    """(deadline, bloc-year id, N) for every deadline due in N days, a bloc's own row first."""
    due = {day + datetime.timedelta(days=n): n for n in days}
    rows = list(Deadline.objects.filter(due_on__in=due).exclude(kind=Kind.COUNCIL))
    targets = [(row, row.bloc_year_id, due[row.due_on]) for row in rows if row.bloc_year_id]
    province = [row for row in rows if not row.bloc_year_id]
    if not province:
        return targets
    years = {row.year for row in province}
    own = set(
        Deadline.objects.filter(bloc_year__year__in=years, bloc_year__isnull=False).values_list(
            "bloc_year_id", "kind"
        )
    )
    by_year = defaultdict(list)
    for pk, year in BlocYear.objects.filter(year__in=years).values_list("pk", "year"):
        by_year[year].append(pk)
    for row in province:
        targets.extend(
            (row, pk, due[row.due_on]) for pk in by_year[row.year] if (pk, row.kind) not in own
        )
    return targets


def _members(bloc_year_ids) -> dict[int, set[int]]:
    members = defaultdict(set)
    for bloc_year_id, agency_id in Membership.objects.filter(
        bloc_year_id__in=bloc_year_ids
    ).values_list("bloc_year_id", "agency_id"):
        members[bloc_year_id].add(agency_id)
    return members


def _pending_registration(bloc_year_ids) -> dict[int, set[int]]:
    pending = _members(bloc_year_ids)
    done = Registration.objects.filter(
        bloc_year_id__in=bloc_year_ids, status__in=Registration.COUNTED
    ).values_list("bloc_year_id", "agency_id")
    for bloc_year_id, agency_id in done:
        pending[bloc_year_id].discard(agency_id)
    return pending


def _pending_signature(bloc_year_ids) -> dict[int, set[int]]:
    open_ids = set(
        Covenant.objects.filter(
            bloc_year_id__in=bloc_year_ids, status=Covenant.Status.OPEN
        ).values_list("bloc_year_id", flat=True)
    )
    pending = _members(open_ids)
    signed = CovenantSignature.objects.filter(
        covenant__bloc_year_id__in=open_ids, voided_at__isnull=True
    ).values_list("covenant__bloc_year_id", "agency_id")
    for bloc_year_id, agency_id in signed:
        pending[bloc_year_id].discard(agency_id)
    return pending


def _agencies_to_remind(kind, bloc_year_ids, bloc_years) -> dict[int, set[int]]:
    if kind == Kind.REGISTRATION:
        return _pending_registration(bloc_year_ids)
    if kind == Kind.COVENANT_SIGNING:
        return _pending_signature(bloc_year_ids)
    if kind in EVERY_MEMBER_KINDS:
        return _members(bloc_year_ids)
    return {pk: {bloc_years[pk].head_id} for pk in bloc_year_ids if bloc_years[pk].head_id}


def _text(deadline: Deadline, bloc_year: BlocYear, days: int) -> str:
    return _("Còn %(days)d ngày đến hạn %(kind)s (%(due)s) của %(bloc)s năm %(year)s.") % {
        "days": days,
        "kind": deadline.get_kind_display().lower(),
        "due": date_format(deadline.due_on, "d/m/Y"),
        "bloc": bloc_year.bloc.name,
        "year": bloc_year.year,
    }


def plan_reminders(day: datetime.date, days) -> list:
    """The messages due on `day`: a fixed number of queries whatever the number of blocs."""
    targets = _targets(day, days)
    bloc_years = BlocYear.objects.select_related("bloc").in_bulk({target[1] for target in targets})
    by_kind = defaultdict(set)
    for deadline, pk, _n in targets:
        by_kind[deadline.kind].add(pk)
    agencies = {kind: _agencies_to_remind(kind, ids, bloc_years) for kind, ids in by_kind.items()}
    wanted = {agency for groups in agencies.values() for ids in groups.values() for agency in ids}
    users = defaultdict(list)
    active = get_user_model().objects.filter(agency_id__in=wanted, is_active=True)
    for pk, agency_id in active.values_list("pk", "agency_id"):
        users[agency_id].append(pk)
    messages = []
    for deadline, pk, n in targets:
        recipients = [
            user for agency in agencies[deadline.kind].get(pk, ()) for user in users[agency]
        ]
        page = PAGE_OF_KIND.get(deadline.kind, "blocs:bloc_year_detail")
        messages.append(
            message(
                recipients,
                kind=f"deadline.{deadline.kind}",
                text=_text(deadline, bloc_years[pk], n),
                url=reverse(page, args=[pk]),
                key=f"deadline:{deadline.pk}:{pk}:{n}",
            )
        )
    return [item for item in messages if item.recipients]


def _days(value: str) -> tuple[int, ...]:
    try:
        days = tuple(sorted({int(part) for part in value.split(",") if part.strip()}))
    except ValueError:
        raise CommandError(
            _("--days: nhập các số ngày cách nhau bởi dấu phẩy, ví dụ 7,1.")
        ) from None
    if not days or any(not 0 <= n <= 366 for n in days):
        raise CommandError(_("--days: mỗi số ngày phải từ 0 đến 366."))
    return days


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("--date: nhập ngày theo dạng YYYY-MM-DD, ví dụ 2025-12-03.")) from None


class Command(BaseCommand):
    help = "Gửi nhắc hạn (chạy hằng ngày; chạy lại trong ngày không gửi trùng)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=_date, default=None, help="YYYY-MM-DD (mặc định: hôm nay)"
        )
        parser.add_argument(
            "--days",
            type=_days,
            default=None,
            help="số ngày trước hạn, ví dụ 7,1 (mặc định: REMINDER_DAYS)",
        )
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không gửi")

    def handle(self, *args, date=None, days=None, dry_run=False, **options):
        day = date or timezone.localdate()
        days = days or tuple(getattr(settings, "REMINDER_DAYS", (7, 1)))
        messages = plan_reminders(day, days)
        rows = [] if dry_run else deliver(messages)
        summary = {
            "date": day.isoformat(),
            "days": list(days),
            "dry_run": dry_run,
            "reminders": len(messages),
            "recipients": sum(len(item.recipients) for item in messages),
            "notified": len(rows),
            "emailed": sum(1 for row in rows if row.emailed_at),
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

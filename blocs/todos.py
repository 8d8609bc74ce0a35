"""The blocs' entries in 'Việc cần làm': registrations and covenant signatures waiting on a user.

Each provider runs a fixed number of queries whatever the number of blocs (aggregates, not loops).
"""

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from blocs.models import BlocYear, Covenant, CovenantSignature, Registration
from emulation.todos import Todo


def _short(day) -> str:
    return date_format(day, "d/m") if day else ""


def _due(text: str, day) -> str:
    return text + (_(", hạn %(date)s") % {"date": _short(day)} if day else "")


def member_registrations(user) -> list[Todo]:
    """My agency's registrations still to send: returned ones to fix, drafts before the deadline."""
    if not user.agency_id:
        return []
    rows = Registration.objects.filter(
        agency_id=user.agency_id, status__in=Registration.MEMBER_EDITABLE
    ).select_related("bloc_year__bloc", "bloc_year__covenant")
    todos = []
    for registration in rows:
        bloc_year = registration.bloc_year
        covenant = getattr(bloc_year, "covenant", None)
        due_on = covenant.registration_deadline if covenant else None
        values = {"year": bloc_year.year, "bloc": bloc_year.bloc}
        if registration.status == Registration.Status.RETURNED:
            text = _("Đăng ký thi đua %(year)s bị trả lại: %(reason)s") % {
                **values,
                "reason": registration.return_reason,
            }
        else:
            text = _due(_("Gửi đăng ký thi đua %(year)s (%(bloc)s)") % values, due_on)
        url = reverse(
            "blocs:registration_edit",
            kwargs={"pk": bloc_year.pk, "registration_pk": registration.pk},
        )
        sorted_at = registration.reviewed_at or registration.updated_at
        todos.append(Todo(text=text, url=url, sorted_at=sorted_at, due_on=due_on))
    return todos


def member_signatures(user) -> list[Todo]:
    """Covenants open for signing that my agency has not signed yet."""
    if not user.agency_id:
        return []
    signed = CovenantSignature.objects.filter(
        covenant=OuterRef("pk"), agency_id=user.agency_id, voided_at__isnull=True
    )
    rows = (
        Covenant.objects.filter(
            status=Covenant.Status.OPEN, bloc_year__memberships__agency_id=user.agency_id
        )
        .exclude(Exists(signed))
        .select_related("bloc_year__bloc")
    )
    return [
        Todo(
            text=_due(
                _("Ký giao ước thi đua %(year)s (%(bloc)s)")
                % {"year": covenant.bloc_year.year, "bloc": covenant.bloc_year.bloc},
                covenant.conference_date,
            ),
            url=reverse("blocs:bloc_year_detail", kwargs={"pk": covenant.bloc_year_id}),
            sorted_at=covenant.opened_at or covenant.updated_at,
            due_on=covenant.conference_date,
        )
        for covenant in rows
    ]


def runner_reviews(user) -> list[Todo]:
    """For a head or deputy: registrations waiting for acceptance and members yet to sign."""
    if not user.agency_id:
        return []
    live = Q(covenant__signatures__voided_at__isnull=True)
    submitted = Q(registrations__status=Registration.Status.SUBMITTED)
    rows = (
        BlocYear.objects.filter(Q(head_id=user.agency_id) | Q(deputy_id=user.agency_id))
        .filter(year__gte=timezone.localdate().year - 1)
        .select_related("bloc", "covenant")
        .annotate(
            waiting=Count("registrations", filter=submitted, distinct=True),
            last_submitted=Max("registrations__submitted_at", filter=submitted),
            members=Count("memberships", distinct=True),
            signed=Count("covenant__signatures", filter=live, distinct=True),
        )
    )
    todos = []
    for bloc_year in rows:
        if bloc_year.waiting:
            todos.append(
                Todo(
                    text=_("%(count)d bản đăng ký thi đua %(year)s chờ chấp thuận (%(bloc)s)")
                    % {"count": bloc_year.waiting, "year": bloc_year.year, "bloc": bloc_year.bloc},
                    url=reverse("blocs:registration_list", kwargs={"pk": bloc_year.pk}),
                    sorted_at=bloc_year.last_submitted or timezone.now(),
                )
            )
        covenant = getattr(bloc_year, "covenant", None)
        missing = bloc_year.members - bloc_year.signed
        if covenant and covenant.status == Covenant.Status.OPEN and missing > 0:
            todos.append(
                Todo(
                    text=_due(
                        _("%(missing)d/%(members)d đơn vị chưa ký giao ước (%(bloc)s)")
                        % {
                            "missing": missing,
                            "members": bloc_year.members,
                            "bloc": bloc_year.bloc,
                        },
                        covenant.conference_date,
                    ),
                    url=reverse("blocs:bloc_year_detail", kwargs={"pk": bloc_year.pk}),
                    sorted_at=covenant.opened_at or covenant.updated_at,
                    due_on=covenant.conference_date,
                )
            )
    return todos

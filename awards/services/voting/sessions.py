"""The conference record and its attendance register."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from awards.models import Attendance, Poll, VotingSession
from awards.services.voting.common import _check_session_editable, _refuse
from emulation.audit import diff, log_action, snapshot

SESSION_FIELDS = [
    "held_at",
    "place",
    "chair_name",
    "chair_title",
    "chair_agency",
    "secretary_name",
    "secretary_title",
    "guests",
    "committee",
    "agenda",
    "narrative",
    "closed_at",
    "count_closed_at",
    "copies",
]
ATTENDANCE_FIELDS = ["present", "representative_name", "representative_title"]


def _session_snapshot(session: VotingSession) -> dict:
    """The session's fields for the audit diff as text: times, guests and committee rows."""
    data = snapshot(session, SESSION_FIELDS)
    for name in ("closed_at", "count_closed_at"):
        if data[name] is not None:
            data[name] = data[name].isoformat(timespec="minutes")
    data["guests"] = "; ".join(
        ", ".join(v for v in (g.get("name"), g.get("title"), g.get("organisation")) if v)
        for g in data["guests"] or []
    )
    data["committee"] = "; ".join(
        f"{m.get('name')} ({m.get('role')})" for m in data["committee"] or []
    )
    return data


@transaction.atomic
def create_session(bloc_year, *, actor, **fields) -> VotingSession:
    """Open the bloc-year's conference record with an attendance row (absent) for each member."""
    if VotingSession.objects.filter(bloc_year=bloc_year).exists():
        _refuse(_("Khối đã có hội nghị tổng kết của năm này."))
    session = VotingSession(bloc_year=bloc_year, **fields)
    session.full_clean(exclude=["bloc_year"])
    session.save()
    members = bloc_year.memberships.select_related("agency")
    Attendance.objects.bulk_create(Attendance.absent_member(session, m) for m in members)
    log_action(
        "awards.session.created",
        session,
        actor=actor,
        data=diff({}, _session_snapshot(session)),
    )
    return session


@transaction.atomic
def update_session(session: VotingSession, *, actor, **fields) -> VotingSession:
    """Change the conference details, guests, counting committee or minutes narrative."""
    session = VotingSession.objects.select_for_update().get(pk=session.pk)
    _check_session_editable(session)
    before = _session_snapshot(session)
    for name, value in fields.items():
        if name not in SESSION_FIELDS:
            raise TypeError(f"unknown session field {name}")
        setattr(session, name, value)
    session.full_clean(exclude=["bloc_year"])
    changes = diff(before, _session_snapshot(session))
    if changes:
        session.save()
        log_action("awards.session.updated", session, actor=actor, data=changes)
    return session


@transaction.atomic
def update_attendance(session: VotingSession, rows: list[dict], *, actor) -> VotingSession:
    """Record the register in one go: rows of {agency_id, present, representative_name/title}.

    Refused while a poll is open, because the number present is what its ballots are checked
    against.
    """
    session = VotingSession.objects.select_for_update().get(pk=session.pk)
    _check_session_editable(session)
    if session.polls.filter(state=Poll.State.OPEN).exists():
        _refuse(_("Đang có cuộc bỏ phiếu mở: kiểm phiếu hoặc đặt lại trước khi sửa điểm danh."))
    by_agency = {a.agency_id: a for a in session.attendance.all()}
    changes = {}
    changed = []
    for row in rows:
        attendance = by_agency.get(row["agency_id"])
        if attendance is None:
            _refuse(_("Đơn vị không phải thành viên của khối trong năm này."))
        before = snapshot(attendance, ATTENDANCE_FIELDS)
        for field in ATTENDANCE_FIELDS:
            setattr(attendance, field, row.get(field, getattr(attendance, field)))
        delta = diff(before, snapshot(attendance, ATTENDANCE_FIELDS))
        if delta:
            changes[str(attendance.agency)] = [
                "; ".join(f"{field}: {old} → {new}" for field, (old, new) in delta.items())
            ]
            changed.append(attendance)
    if changed:
        Attendance.objects.bulk_update(changed, ATTENDANCE_FIELDS)
        log_action("awards.session.attendance_updated", session, actor=actor, data=changes)
    return session


def attendance_counts(session: VotingSession) -> tuple[int, int]:
    """(members, present) for the session's bloc-year, in one query."""
    counts = session.attendance.aggregate(
        members=Count("pk"), present=Count("pk", filter=Q(present=True))
    )
    return counts["members"], counts["present"]

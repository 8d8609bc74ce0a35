"""What the conference and the proposals say when a bloc-year's members change (blocs.hooks).

Registered in AwardsConfig.ready(): blocs asks these before adding or removing a member and
calls them after, inside its own transaction, without importing awards.
"""

from django.utils.translation import gettext as _

from awards.models import Attendance, AwardProposal, Candidate, VotingSession


def _session_of(bloc_year) -> VotingSession | None:
    return VotingSession.objects.filter(bloc_year=bloc_year).first()


def add_refusal(bloc_year, agency) -> str | None:
    """No newcomer once the year-end conference has finished. The session found is kept on the
    bloc-year for `record_absent_newcomer`, which runs next in the same add, so an import adds
    no query per member."""
    session = _session_of(bloc_year)
    bloc_year._session_for_newcomer = session
    if session is not None and session.state == session.State.FINALIZED:
        return _(
            "Hội nghị tổng kết năm %(year)s của khối đã kết thúc; không thêm thành viên được nữa."
        )
    return None


def record_absent_newcomer(membership) -> None:
    """A member added while the conference is prepared joins its roll call as absent."""
    bloc_year = membership.bloc_year
    session = bloc_year.__dict__.pop("_session_for_newcomer", None) or _session_of(bloc_year)
    if session is not None:
        Attendance.absent_member(session, membership).save()


def conference_removal_refusal(bloc_year, agency) -> str | None:
    """A member the conference has recorded (present, or a candidate) stays until corrected."""
    session = _session_of(bloc_year)
    if session is None:
        return None
    if session.state == session.State.FINALIZED:
        return _(
            "Hội nghị tổng kết năm %(year)s của khối đã kết thúc; không rút %(agency)s khỏi "
            "khối được nữa."
        )
    if session.attendance.filter(agency=agency, present=True).exists():
        return _(
            "%(agency)s đang được ghi có mặt tại hội nghị tổng kết năm %(year)s; hãy sửa "
            "điểm danh trước khi rút đơn vị khỏi khối."
        )
    if Candidate.objects.filter(poll__session=session, agency=agency).exists():
        return _(
            "%(agency)s có tên trong danh sách bình xét tại hội nghị tổng kết năm %(year)s; "
            "hãy bỏ đơn vị khỏi danh sách trước khi rút đơn vị khỏi khối."
        )
    return None


def proposal_removal_refusal(bloc_year, agency) -> str | None:
    if AwardProposal.objects.filter(bloc_year=bloc_year, agency=agency).exists():
        return _(
            "%(agency)s đã có đề nghị khen thưởng trong khối năm %(year)s nên không rút khỏi "
            "khối được."
        )
    return None


def forget_removed_attendance(bloc_year, agency) -> None:
    Attendance.objects.filter(session__bloc_year=bloc_year, agency=agency).delete()

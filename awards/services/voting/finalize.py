"""Closing the conference (both minutes, next year's leaders, the proposals) and reopening it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Poll, PollKind, VotingSession
from awards.pdf import conference_minutes_pdf, count_minutes_pdf
from awards.services.proposals import create_proposals_for_session
from awards.services.scoring import counted_scores
from awards.services.voting.common import _facts, _refuse
from blocs.models import Agency
from blocs.services.structure import set_elected_leaders
from emulation.audit import log_action
from emulation.documents import issue_document, void_document
from emulation.docx import render_docx
from emulation.workflow import bulk_transition, transition


def session_blockers(session: VotingSession, polls: list[Poll]) -> list[str]:
    """Why the session cannot be finalized yet (empty when it can)."""
    blockers = []
    if not polls:
        blockers.append(_("Hội nghị chưa có cuộc bỏ phiếu nào."))
    for poll in polls:
        if poll.state not in (Poll.State.COUNTED, Poll.State.FINALIZED):
            blockers.append(_("“%(poll)s” chưa kiểm phiếu.") % {"poll": poll.title})
        else:
            result = poll.result()
            if result and result.has_open_tie:
                blockers.append(
                    _("“%(poll)s” còn trường hợp bằng phiếu chưa giải quyết.")
                    % {"poll": poll.title}
                )
    return blockers


def _elected(polls, kind):
    for poll in polls:
        if poll.kind == kind:
            result = poll.result()
            return result.winners[0] if result and result.winners else None
    return None


def _apply_leader_elections(bloc_year, polls: list[Poll], *, actor) -> None:
    """Next year's head and deputy as the conference elected them (an office not voted on
    keeps whoever was recorded)."""
    if not any(p.kind in (PollKind.NEXT_HEAD, PollKind.NEXT_DEPUTY) for p in polls):
        return
    head_id = _elected(polls, PollKind.NEXT_HEAD)
    deputy_id = _elected(polls, PollKind.NEXT_DEPUTY)
    agencies = Agency.objects.in_bulk([i for i in (head_id, deputy_id) if i])
    set_elected_leaders(
        bloc_year,
        next_head=agencies.get(head_id) if head_id else bloc_year.next_head,
        next_deputy=agencies.get(deputy_id) if deputy_id else bloc_year.next_deputy,
        actor=actor,
    )
    bloc_year.refresh_from_db()


def _issue_minutes(session: VotingSession, *, actor) -> None:
    """Issue the count minutes and the conference minutes (numbered, PDF and Word)."""
    bloc_year = session.bloc_year
    bloc = bloc_year.bloc
    session.count_minutes = issue_document(
        kind="BB",
        kind_label="Biên bản kiểm phiếu",
        issuer_code=bloc.code,
        issuer_name=bloc.name,
        dated=timezone.localtime(session.held_at).date(),
        title=f"Biên bản kiểm phiếu hội nghị tổng kết {bloc.name} năm {bloc_year.year}",
        render=lambda stamp: count_minutes_pdf(session, stamp=stamp)[2],
        render_docx=lambda stamp: count_minutes_pdf(session, stamp=stamp, renderer=render_docx)[2],
        bloc_year=bloc_year,
        source=session,
        actor=actor,
    )
    # The score table the conference adopts is the minutes' annex (none when the bloc did not
    # score); the scores lock with the finalized conference.
    scores = counted_scores(bloc_year)
    session.conference_minutes = issue_document(
        kind="BB",
        kind_label="Biên bản hội nghị",
        issuer_code=bloc.code,
        issuer_name=bloc.name,
        dated=timezone.localtime(session.held_at).date(),
        title=f"Biên bản hội nghị tổng kết {bloc.name} năm {bloc_year.year}",
        render=lambda stamp: conference_minutes_pdf(session, stamp=stamp, scores=scores)[2],
        render_docx=lambda stamp: conference_minutes_pdf(
            session, stamp=stamp, renderer=render_docx, scores=scores
        )[2],
        bloc_year=bloc_year,
        source=session,
        actor=actor,
    )


@transaction.atomic
def finalize_session(session: VotingSession, *, actor) -> VotingSession:
    """Lock the conference, issue both minutes, elect next year's leaders, create proposals."""
    session = (
        VotingSession.objects.select_for_update()
        .select_related("bloc_year__bloc")
        .get(pk=session.pk)
    )
    if not session.can_move_to(VotingSession.State.FINALIZED):
        _refuse(_("Hội nghị đã kết thúc."))
    polls = list(session.polls.for_list())
    blockers = session_blockers(session, polls)
    if blockers:
        raise ValidationError(blockers)
    _apply_leader_elections(session.bloc_year, polls, actor=actor)
    # The minutes say when they were closed; a time not entered is the time of finalizing.
    now = timezone.localtime().time().replace(second=0, microsecond=0)
    session.closed_at = session.closed_at or now
    session.count_closed_at = session.count_closed_at or now
    session.save(update_fields=["closed_at", "count_closed_at"])
    _issue_minutes(session, actor=actor)
    transition(
        session,
        VotingSession.State.FINALIZED,
        actor=actor,
        action=None,
        changes={"finalized_at": timezone.now()},
        locked=True,
    )
    bulk_transition(Poll.objects.filter(session=session), Poll.State.COUNTED, Poll.State.FINALIZED)
    log_action(
        "awards.session.finalized",
        session,
        actor=actor,
        data=_facts(
            count_minutes=session.count_minutes.number,
            conference_minutes=session.conference_minutes.number,
            closed_at=session.closed_at.isoformat(timespec="minutes"),
            count_closed_at=session.count_closed_at.isoformat(timespec="minutes"),
        ),
    )
    create_proposals_for_session(session, actor=actor)
    return session


@transaction.atomic
def reopen_session(session: VotingSession, *, reason: str, actor) -> VotingSession:
    """Province staff only (the view checks): unlock the session with a reason. Polls go back to
    counted; both minutes are voided (their numbers and files stay on record) and finalizing
    again issues new ones."""
    session = VotingSession.objects.select_for_update().get(pk=session.pk)
    if not session.can_move_to(VotingSession.State.DRAFT):
        _refuse(_("Hội nghị chưa kết thúc."))
    if not reason.strip():
        _refuse(_("Ghi rõ lý do mở lại hội nghị."))
    for document in (session.count_minutes, session.conference_minutes):
        if document is not None and not document.voided_at:
            void_document(document, reason=f"Mở lại hội nghị: {reason}", actor=actor)
    # The election is recorded again when the conference is finalized again; until then an
    # old result must not be applied to next year.
    if session.polls.filter(kind__in=[PollKind.NEXT_HEAD, PollKind.NEXT_DEPUTY]).exists():
        set_elected_leaders(session.bloc_year, next_head=None, next_deputy=None, actor=actor)
    transition(
        session,
        VotingSession.State.DRAFT,
        actor=actor,
        action=None,
        changes={"finalized_at": None, "count_minutes": None, "conference_minutes": None},
        locked=True,
    )
    bulk_transition(Poll.objects.filter(session=session), Poll.State.FINALIZED, Poll.State.COUNTED)
    log_action("awards.session.reopened", session, actor=actor, data=_facts(reason=reason))
    return session

"""Conference pages: setup, attendance, polls, keyboard ballot entry, counts, ties, minutes.

Running the conference needs `can_run_bloc_year` (staff, head, deputy); members and observers
read the conference and the results once a poll is counted. Children are always fetched through
the bloc-year, so an id from another bloc gives 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from awards import charts
from awards import pdf as voting_pdf
from awards.forms.voting import (
    AggregateForm,
    AttendanceFormSet,
    BallotForm,
    CommitteeFormSet,
    GuestFormSet,
    PollEditForm,
    PollForm,
    ReasonForm,
    ResetForm,
    RuleSetForm,
    SessionForm,
    TieForm,
    rows_of,
)
from awards.models import Poll, PollKind, RuleSet, VotingSession
from awards.rules import base_words, describe, tie_sentence, unit_of
from awards.services import scoring
from awards.services import voting as services
from blocs.overview import OverviewColumn
from blocs.panels import Panel
from blocs.permissions import get_bloc_year_for_user, require_province_staff
from emulation.confirmation import confirmed
from emulation.documents import document_filename, read_document
from emulation.form_tokens import posted_token
from emulation.forms import form_errors_as_messages, show_errors
from emulation.models import AuditEntry
from emulation.pdf import pdf_response

RUN = "can_run_bloc_year"


def _session(bloc_year) -> VotingSession | None:
    session = VotingSession.objects.filter(bloc_year=bloc_year).first()
    if session is not None:
        session.bloc_year = bloc_year
    return session


def _session_or_404(bloc_year) -> VotingSession:
    session = _session(bloc_year)
    if session is None:
        raise Http404
    return session


def _poll(bloc_year, poll_pk) -> Poll:
    poll = get_object_or_404(
        bloc_year.polls.select_related(
            "session", "award_type", "parent__award_type", "rule_set__award_type"
        ),
        pk=poll_pk,
    )
    poll.bloc_year = poll.session.bloc_year = bloc_year
    if poll.parent is not None:
        poll.parent.bloc_year = bloc_year
    return poll


def _poll_url(bloc_year, poll, name="awards:poll_detail"):
    return reverse(name, args=[bloc_year.pk, poll.pk])


def _conference_url(bloc_year):
    return reverse("awards:conference", args=[bloc_year.pk])


# The conference --------------------------------------------------------------------------------


def conference(request, pk):
    """The conference at a glance: details, attendance, polls and their results, minutes."""
    bloc_year, role = get_bloc_year_for_user(request, pk)
    session = _session(bloc_year)
    context = {"bloc_year": bloc_year, "role": role, "session": session}
    if session is not None:
        polls = list(session.polls.for_list())
        for poll in polls:
            poll.bloc_year = bloc_year
            if poll.parent is not None:
                poll.parent.bloc_year = bloc_year
        counts = session.attendance.aggregate(
            members=Count("pk"), present=Count("pk", filter=Q(present=True))
        )
        context.update(
            polls=[(poll, _summary(poll)) for poll in polls],
            counts=counts,
            blockers=services.session_blockers(session, polls) if not session.is_finalized else [],
            reason_form=ReasonForm(),
            history=AuditEntry.objects.for_object(session)[:50],
        )
    return render(request, "awards/voting/conference.html", context)


def _summary(poll: Poll) -> dict:
    """Winners' names and the open tie for the poll list (from prefetched candidates)."""
    result = poll.result() if poll.tally_data else None
    names = {c.agency_id: c.agency.name for c in poll.candidates.all()}
    return {
        "result": result,
        "winners": [names.get(w, "") for w in result.winners] if result else [],
        "open_tie": result.has_open_tie if result else False,
    }


def conference_setup(request, pk):
    """Create or edit the conference details, guests and counting committee in one form."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability=RUN)
    session = _session(bloc_year)
    if session is not None and session.is_finalized:
        messages.error(request, _("Hội nghị đã kết thúc: không thể sửa."))
        return redirect(_conference_url(bloc_year))
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, instance=session, bloc_year=bloc_year)
    guests = GuestFormSet(data, prefix="guests", initial=session.guests if session else None)
    committee = CommitteeFormSet(
        data, prefix="committee", initial=session.committee if session else None
    )
    if request.method == "POST" and form.is_valid() and guests.is_valid() and committee.is_valid():
        fields = {name: form.cleaned_data[name] for name in SessionForm.Meta.fields}
        fields.update(guests=rows_of(guests), committee=rows_of(committee))
        try:
            if session is None:
                services.create_session(bloc_year, actor=request.user, **fields)
                messages.success(request, _("Đã tạo hội nghị tổng kết. Hãy điểm danh các đơn vị."))
                return redirect(reverse("awards:conference_attendance", args=[bloc_year.pk]))
            services.update_session(session, actor=request.user, **fields)
        except ValidationError as error:
            show_errors(request, error, form, general_as_message=True)
        else:
            messages.success(request, _("Đã lưu thông tin hội nghị."))
            return redirect(_conference_url(bloc_year))
    return render(
        request,
        "awards/voting/setup.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "session": session,
            "form": form,
            "guests": guests,
            "committee": committee,
        },
    )


def conference_attendance(request, pk):
    """The attendance register: one row per member, saved in one go."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability=RUN)
    session = _session_or_404(bloc_year)
    rows = list(session.attendance.select_related("agency").order_by("agency__sort_name"))
    initial = [
        {
            "agency_id": row.agency_id,
            "present": row.present,
            "representative_name": row.representative_name,
            "representative_title": row.representative_title,
        }
        for row in rows
    ]
    formset = AttendanceFormSet(
        request.POST if request.method == "POST" else None, initial=initial, prefix="att"
    )
    if request.method == "POST" and formset.is_valid():
        try:
            services.update_attendance(
                session, [form.cleaned_data for form in formset.forms], actor=request.user
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Đã lưu điểm danh."))
            return redirect(_conference_url(bloc_year))
    names = {row.agency_id: row.agency.name for row in rows}
    return render(
        request,
        "awards/voting/attendance.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "session": session,
            "formset": formset,
            "rows": [(form, names.get(form.initial.get("agency_id"))) for form in formset.forms],
        },
    )


@require_POST
def conference_finalize(request, pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_finalize")
    session = _session_or_404(bloc_year)
    try:
        with confirmed(request, purpose="conference_finalize"):
            services.finalize_session(session, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request,
            _("Hội nghị đã kết thúc. Biên bản kiểm phiếu và biên bản hội nghị đã phát hành."),
        )
    return redirect(_conference_url(bloc_year))


@require_POST
def conference_reopen(request, pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_reopen")
    session = _session_or_404(bloc_year)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ghi rõ lý do mở lại hội nghị."))
        return redirect(_conference_url(bloc_year))
    try:
        services.reopen_session(session, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Đã mở lại hội nghị."))
    return redirect(_conference_url(bloc_year))


MINUTES = {
    "count": ("count_minutes", voting_pdf.count_minutes_pdf),
    "conference": (
        "conference_minutes",
        lambda session: voting_pdf.conference_minutes_pdf(
            session, scores=scoring.counted_scores(session.bloc_year)
        ),
    ),
}


def conference_minutes(request, pk, which):
    """The issued minutes once finalized (readers); before that a draft preview (runners)."""
    if which not in MINUTES:
        raise Http404
    bloc_year, role = get_bloc_year_for_user(request, pk)
    session = _session_or_404(bloc_year)
    field, render_draft = MINUTES[which]
    document = getattr(session, field) if session.is_finalized else None
    if document is not None:
        return pdf_response(document_filename(document), "application/pdf", read_document(document))
    if not role.can_run_bloc_year:
        raise PermissionDenied
    filename, content_type, data = render_draft(session)
    return pdf_response(f"du-thao-{filename}", content_type, data)


# Polls -----------------------------------------------------------------------------------------


def poll_add(request, pk):
    bloc_year, role = get_bloc_year_for_user(request, pk, capability=RUN)
    session = _session_or_404(bloc_year)
    form = PollForm(
        request.POST or None,
        bloc_year=bloc_year,
        scores=scoring.counted_scores(bloc_year),
        initial=PollForm.initial_from(request.GET),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            poll = services.create_poll(
                session,
                kind=data["kind"],
                award_type=data["award_type"],
                seats=data["seats"],
                entry_mode=data["entry_mode"],
                candidate_ids=[a.pk for a in data["candidates"]] or None,
                repeat_reason=data["repeat_reason"],
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error, form, general_as_message=True)
        else:
            messages.success(request, _("Đã tạo cuộc bỏ phiếu “%(poll)s”.") % {"poll": poll.title})
            return redirect(_poll_url(bloc_year, poll))
    return render(
        request,
        "awards/voting/poll_form.html",
        {"bloc_year": bloc_year, "role": role, "session": session, "form": form},
    )


def poll_detail(request, pk, poll_pk):
    """A poll: rule in words, candidates, state buttons, results and tie handling."""
    bloc_year, role = get_bloc_year_for_user(request, pk)
    poll = _poll(bloc_year, poll_pk)
    candidates = list(poll.candidates.select_related("agency"))
    result = poll.result() if poll.tally_data else None
    can_run = role.can_run_bloc_year and not poll.session.is_finalized
    entered = poll.ballots.count() if poll.entry_mode == Poll.EntryMode.BALLOTS else None
    rule_set, spec = services.rule_in_force(poll)
    unit = unit_of(bloc_year.bloc)
    context = {
        "bloc_year": bloc_year,
        "role": role,
        "poll": poll,
        "session": poll.session,
        "candidates": candidates,
        "result": result,
        "show_result": result is not None,
        "threshold": charts.threshold_note(result) if result else None,
        "can_run": can_run,
        "entered": entered,
        "rule_set": rule_set,
        "rule_sentences": describe(spec, kind=poll.kind, seats=poll.seats, unit=unit),
        "base_words": _(base_words(spec.base, unit)),
        "history": AuditEntry.objects.for_object(poll)[:50],
        "reason_form": ResetForm(),
        "tie_breaks": list(poll.tie_breaks.all()),
        "resolution": poll.tie_resolutions.select_related("runoff_poll").first(),
    }
    if can_run and poll.candidates_editable:
        context["edit_form"] = PollEditForm(
            initial={
                "seats": poll.seats,
                "entry_mode": poll.entry_mode,
                "candidates": [c.agency_id for c in candidates],
            },
            bloc_year=bloc_year,
            poll=poll,
        )
    if result is not None and result.tie is not None:
        names = {c.agency_id: c.agency.name for c in candidates}
        context["tied_names"] = [names.get(i, "") for i in result.tie.candidate_ids]
    if can_run and result is not None and result.has_open_tie:
        context["tie_form"] = _tie_form(poll, result, candidates)
        context["tie_rule_sentence"] = tie_sentence(spec, unit=unit)
    if can_run and poll.state in (Poll.State.OPEN, Poll.State.COUNTED) and not poll.parent_id:
        current = services.rule_set_in_force(poll)
        if current is not None and current.spec().to_dict() != poll.rule:
            context["rule_in_force_differs"] = True
            context["rule_in_force_sentence"] = (
                " ".join(describe(current.spec(), kind=poll.kind, seats=poll.seats, unit=unit)[:1])
                + f" ({current})"
            )
    return render(request, "awards/voting/poll_detail.html", context)


def _tie_form(poll, result, candidates, data=None):
    names = {c.agency_id: c.agency.name for c in candidates}
    tied = [(i, names[i]) for i in result.tie.candidate_ids]
    return TieForm(
        data,
        tied=tied,
        methods=services.tie_methods(poll, result),
        entry_mode=poll.entry_mode,
    )


@require_POST
def poll_edit(request, pk, poll_pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability=RUN)
    poll = _poll(bloc_year, poll_pk)
    form = PollEditForm(request.POST, bloc_year=bloc_year, poll=poll)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(_poll_url(bloc_year, poll))
    data = form.cleaned_data
    try:
        services.update_poll(
            poll,
            seats=data.get("seats", poll.seats),
            entry_mode=data["entry_mode"],
            candidate_ids=[a.pk for a in data["candidates"]]
            if "candidates" in data
            else list(poll.candidates.values_list("agency_id", flat=True)),
            actor=request.user,
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Đã lưu danh sách bầu."))
    return redirect(_poll_url(bloc_year, poll))


@require_POST
def poll_delete(request, pk, poll_pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability=RUN)
    poll = _poll(bloc_year, poll_pk)
    try:
        services.delete_poll(poll, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
        return redirect(_poll_url(bloc_year, poll))
    messages.success(request, _("Đã xóa cuộc bỏ phiếu."))
    return redirect(_conference_url(bloc_year))


def _poll_action(request, pk, poll_pk, action, success):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability=RUN)
    poll = _poll(bloc_year, poll_pk)
    try:
        action(poll)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, success)
    return redirect(_poll_url(bloc_year, poll))


@require_POST
def poll_open(request, pk, poll_pk):
    return _poll_action(
        request,
        pk,
        poll_pk,
        lambda poll: services.open_poll(poll, actor=request.user),
        _("Đã mở cuộc bỏ phiếu: quy tắc và danh sách đã cố định."),
    )


@require_POST
def poll_count(request, pk, poll_pk):
    return _poll_action(
        request,
        pk,
        poll_pk,
        lambda poll: services.count_poll(poll, actor=request.user),
        _("Đã kiểm phiếu."),
    )


@require_POST
def poll_reset(request, pk, poll_pk):
    form = ResetForm(request.POST)
    valid = form.is_valid()
    reason = form.cleaned_data["reason"] if valid else ""
    apply_rule = form.cleaned_data["apply_rule_in_force"] if valid else True
    return _poll_action(
        request,
        pk,
        poll_pk,
        lambda poll: services.reset_poll(
            poll, reason=reason, apply_rule_in_force=apply_rule, actor=request.user
        ),
        _("Đã đặt lại cuộc bỏ phiếu; các phiếu đã nhập bị hủy."),
    )


@require_POST
def poll_tie(request, pk, poll_pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability=RUN)
    poll = _poll(bloc_year, poll_pk)
    result = poll.result()
    if result is None or not result.has_open_tie:
        messages.error(request, _("Cuộc bỏ phiếu không có trường hợp bằng phiếu cần giải quyết."))
        return redirect(_poll_url(bloc_year, poll))
    candidates = list(poll.candidates.select_related("agency"))
    form = _tie_form(poll, result, candidates, request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(_poll_url(bloc_year, poll))
    try:
        resolution = services.resolve_tie(poll, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        show_errors(request, error)
        return redirect(_poll_url(bloc_year, poll))
    if resolution.runoff_poll_id:
        messages.success(request, _("Đã tạo cuộc bỏ phiếu lại giữa các đơn vị bằng phiếu."))
        return redirect(
            reverse("awards:poll_detail", args=[bloc_year.pk, resolution.runoff_poll_id])
        )
    messages.success(request, _("Đã ghi nhận cách giải quyết bằng phiếu."))
    return redirect(_poll_url(bloc_year, poll))


def poll_ballots(request, pk, poll_pk):
    """Keyboard-only entry: Tab/Space tick marks, Enter records the paper, the next one follows."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability=RUN)
    poll = _poll(bloc_year, poll_pk)
    if request.method == "POST":
        # Validation needs only the frozen ids; names are loaded when the page is shown.
        form = BallotForm(request.POST, choices=[(i, "") for i in poll.frozen_candidates])
    if request.method == "POST" and form.is_valid():
        try:
            ballot = services.record_ballot(
                poll,
                form.cleaned_data["marks"],
                declared_invalid_reason=form.cleaned_data["declared_invalid_reason"],
                form_token=posted_token(request),
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            if ballot.invalid:
                messages.warning(
                    request,
                    _("Phiếu số %(serial)s không hợp lệ: %(reason)s")
                    % {"serial": ballot.serial, "reason": ballot.invalid_reason},
                )
            else:
                messages.success(
                    request, _("Đã nhập phiếu số %(serial)s.") % {"serial": ballot.serial}
                )
            return redirect(_poll_url(bloc_year, poll, "awards:poll_ballots"))
    candidates = list(poll.candidates.select_related("agency"))
    choices = [(c.agency_id, c.agency.name) for c in candidates]
    form = (
        BallotForm(request.POST, choices=choices)
        if request.method == "POST"
        else BallotForm(choices=choices)
    )
    ballots = list(poll.ballots.all())
    names = dict(choices)
    return render(
        request,
        "awards/voting/ballots.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "poll": poll,
            "form": form,
            "candidates": candidates,
            "entered": len(ballots),
            "issued": poll.ballots_issued or 0,
            "next_serial": (ballots[-1].serial if ballots else 0) + 1,
            "ballots": [
                (ballot, [names.get(m, "?") for m in ballot.marks]) for ballot in reversed(ballots)
            ],
            "max_marks": poll.spec().marks_allowed(poll.seats),
            "full": poll.ballots_issued is not None and len(ballots) >= poll.ballots_issued,
        },
    )


def ballot_edit(request, pk, poll_pk, serial):
    """Correct one entered paper while the poll is open (audited)."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability=RUN)
    poll = _poll(bloc_year, poll_pk)
    ballot = get_object_or_404(poll.ballots, serial=serial)
    candidates = list(poll.candidates.select_related("agency"))
    initial = {
        "marks": [str(m) for m in ballot.marks],
        "declared_invalid_reason": ballot.invalid_reason if ballot.declared_invalid else "",
    }
    choices = [(c.agency_id, c.agency.name) for c in candidates]
    form = BallotForm(request.POST or None, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_ballot(
                ballot,
                form.cleaned_data["marks"],
                declared_invalid_reason=form.cleaned_data["declared_invalid_reason"],
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Đã sửa phiếu số %(serial)s.") % {"serial": serial})
            return redirect(_poll_url(bloc_year, poll, "awards:poll_ballots"))
    return render(
        request,
        "awards/voting/ballot_edit.html",
        {"bloc_year": bloc_year, "role": role, "poll": poll, "ballot": ballot, "form": form},
    )


def poll_aggregate(request, pk, poll_pk):
    """Enter the totals of a paper count; numbers that do not add up are named per field."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability=RUN)
    poll = _poll(bloc_year, poll_pk)
    candidates = list(poll.candidates.select_related("agency"))
    entry = getattr(poll, "aggregate", None) if hasattr(poll, "aggregate") else None
    initial = {}
    if entry is not None:
        initial = {
            "issued": entry.issued,
            "returned": entry.returned,
            "valid": entry.valid,
            "invalid": entry.invalid,
            **{f"votes_{k}": v for k, v in entry.votes.items()},
        }
    elif poll.ballots_issued is not None:
        initial = {"issued": poll.ballots_issued}
    form = AggregateForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_aggregate(
                poll,
                issued=data["issued"],
                returned=data["returned"],
                valid=data["valid"],
                invalid=data["invalid"],
                votes=form.votes(),
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error, form, general_as_message=True)
        else:
            messages.success(request, _("Đã lưu số liệu kiểm phiếu."))
            return redirect(_poll_url(bloc_year, poll))
    return render(
        request,
        "awards/voting/aggregate.html",
        {"bloc_year": bloc_year, "role": role, "poll": poll, "form": form},
    )


def poll_papers(request, pk, poll_pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability=RUN)
    poll = _poll(bloc_year, poll_pk)
    return pdf_response(*voting_pdf.ballot_papers_pdf(poll))


def poll_room(request, pk, poll_pk):
    """The projector screen: progress while open, results with bars once counted; refreshes."""
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability=RUN)
    poll = _poll(bloc_year, poll_pk)
    result = poll.result() if poll.tally_data else None
    _rule_set, spec = services.rule_in_force(poll)
    candidates = list(poll.candidates.select_related("agency"))
    names = {c.agency_id: c.agency.name for c in candidates}
    live, invalid = ({}, 0)
    if poll.state == Poll.State.OPEN and poll.entry_mode == Poll.EntryMode.BALLOTS:
        live, invalid = services.live_counts(poll)
    return render(
        request,
        "awards/voting/room.html",
        {
            "bloc_year": bloc_year,
            "poll": poll,
            "candidates": candidates,
            "entered": poll.ballots.count(),
            "issued": poll.ballots_issued or 0,
            "result": result,
            "is_runoff": poll.kind == PollKind.TIE_BREAK,
            "winners": [names.get(w, "") for w in result.winners] if result else [],
            "live": [(c.agency.name, live.get(c.agency_id, 0)) for c in candidates] if live else [],
            "live_invalid": invalid,
            "rule_sentences": describe(
                spec, kind=poll.kind, seats=poll.seats, unit=unit_of(bloc_year.bloc)
            )[:2],
            "base_words": _(base_words(spec.base, unit_of(bloc_year.bloc))),
            "refresh_seconds": 0 if poll.state in (Poll.State.COUNTED, Poll.State.FINALIZED) else 4,
        },
    )


# Rule sets (province staff) --------------------------------------------------------------------


def rule_sets(request):
    require_province_staff(request)
    rules = (
        RuleSet.objects.select_related("award_type")
        .annotate(counted_polls=Count("polls", filter=~Q(polls__state=Poll.State.DRAFT)))
        .order_by("poll_kind", "award_type__order", "-effective_from", "-version")
    )
    rows = [(rule, describe(rule.spec())[0]) for rule in rules]
    return render(request, "awards/voting/rule_sets.html", {"rows": rows})


def rule_set_edit(request, rule_pk=None):
    require_province_staff(request)
    instance = get_object_or_404(RuleSet, pk=rule_pk) if rule_pk else None
    # The form edits `instance` in place and a used version is saved as a new row: keep the pk.
    edited_pk = instance.pk if instance else None
    form = RuleSetForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_rule_set(form.instance, actor=request.user)
        except ValidationError as error:
            show_errors(request, error, form, general_as_message=True)
        else:
            if edited_pk is not None and saved.pk != edited_pk:
                messages.success(
                    request,
                    _(
                        "Quy tắc cũ đã được dùng cho cuộc bỏ phiếu đã kiểm phiếu nên được giữ "
                        "nguyên; thay đổi được lưu thành phiên bản %(version)s."
                    )
                    % {"version": saved.version},
                )
                return redirect(reverse("awards:rule_sets"))
            messages.success(request, _("Đã lưu quy tắc bỏ phiếu."))
            return redirect(reverse("awards:rule_sets"))
    history = AuditEntry.objects.for_object(instance)[:50] if instance else []
    return render(
        request,
        "awards/voting/rule_set_form.html",
        {
            "form": form,
            "rule_set": instance,
            "in_use": instance is not None and services.rule_set_in_use(instance),
            "history": history,
        },
    )


# What a percentage is taken of, as awards.rules words it: translated on the pages, printed as
# is in the minutes.
BASE_PHRASES = (
    gettext_noop("tổng số thành viên của Khối"),
    gettext_noop("tổng số thành viên của Cụm"),
    gettext_noop("số thành viên có mặt"),
    gettext_noop("số phiếu thu vào"),
    gettext_noop("số phiếu hợp lệ"),
)


# Extension points: the bloc-year panel and the year overview column ----------------------------

STATUS_LABELS = {
    None: gettext_lazy("Chưa tổ chức"),
    VotingSession.State.DRAFT: gettext_lazy("Đang tiến hành"),
    VotingSession.State.FINALIZED: gettext_lazy("Đã kết thúc"),
}


def conference_panel(request, bloc_year, role) -> Panel:
    """The conference's status and links on the bloc-year page."""
    session = (
        VotingSession.objects.filter(bloc_year=bloc_year)
        .annotate(
            poll_count=Count("polls"),
            counted=Count("polls", filter=Q(polls__state__in=["counted", "finalized"])),
        )
        .first()
    )
    return Panel(
        "awards/voting/panel.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "session": session,
            "status": STATUS_LABELS[session.state if session else None],
        },
    )


def conference_column(bloc_years) -> OverviewColumn:
    """Conference status per bloc-year for the year overview, in one query."""
    states = dict(
        VotingSession.objects.filter(bloc_year__in=[b.pk for b in bloc_years]).values_list(
            "bloc_year_id", "state"
        )
    )
    cells = {b.pk: str(STATUS_LABELS[states.get(b.pk)]) for b in bloc_years}
    finalized = sum(1 for state in states.values() if state == VotingSession.State.FINALIZED)
    return OverviewColumn(
        key="conference",
        title=str(_("Hội nghị tổng kết")),
        cells=cells,
        total=_("%(done)s/%(all)s đã kết thúc") % {"done": finalized, "all": len(bloc_years)},
        url_name=None,
    )

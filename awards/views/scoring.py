"""Year-end scoring pages: the bloc's scoring page (own and assigned sheets for a member; the
table, the plan, progress, differences and the ranking for the head), a sheet, and the head's
acts on sheets and criteria. Thin: every rule is in `awards.services.scoring`."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from awards.exports import ScoreTableExporter
from awards.forms.scoring import (
    CopyAdjustForm,
    EvidenceForm,
    ResolveForm,
    ReturnSheetForm,
    ScoringPlanForm,
    sheet_form,
)
from awards.models import (
    AwardType,
    Criterion,
    ScoreEvidence,
    ScoreSheet,
    ScoringPlan,
    VotingSession,
)
from awards.score_table import score_table_pdf
from awards.services import scoring as services
from awards.services.proposals import LEADING_AWARD_CODE, set_leading_units
from blocs.covenant_reads import members_of
from blocs.overview import OverviewColumn
from blocs.panels import Panel
from blocs.permissions import get_bloc_year_for_user
from emulation.docx import DOCX, render_docx
from emulation.excel import export_response
from emulation.forms import form_errors_as_messages, show_errors
from emulation.pdf import pdf_response, render_pdf
from emulation.uploads import private_file_response


def _back(bloc_year):
    return redirect("awards:scoring", pk=bloc_year.pk)


def _tie_poll_url(bloc_year, scores) -> str | None:
    """Units tied at the top go to a vote: the conference's poll on the leading title among
    them, proposed on the poll form for the head to check (None: no tie, or no open
    conference to vote in)."""
    if scores is None or not scores.ranking.tie_at_top:
        return None
    session = VotingSession.objects.filter(bloc_year=bloc_year).first()
    award = AwardType.objects.filter(code=LEADING_AWARD_CODE).first()
    if session is None or session.is_finalized or award is None:
        return None
    query = [("kind", "award"), ("award_type", award.pk)]
    query += [("seats", settings.LEADING_UNITS_PER_BLOC)]
    query += [("candidates", agency_id) for agency_id in scores.ranking.leading]
    return f"{reverse('awards:poll_add', args=[bloc_year.pk])}?{urlencode(query)}"


def scoring_page(request, pk):
    """The bloc-year's scoring: what the user scores, and for the head the whole picture."""
    bloc_year, role = get_bloc_year_for_user(request, pk)
    criteria_set = services.adopted_criteria(bloc_year)
    plan = ScoringPlan.objects.filter(bloc_year=bloc_year).first()
    memberships = members_of(bloc_year)
    mine = list(
        ScoreSheet.objects.filter(bloc_year=bloc_year, scorer_id=role.agency_id)
        .select_related("agency")
        .order_by("pk")
        if role.agency_id
        else []
    )
    context = {
        "bloc_year": bloc_year,
        "role": role,
        "criteria_set": criteria_set,
        "criteria": list(criteria_set.criteria.all()) if criteria_set else [],
        "plan": plan,
        "own_sheet": next((s for s in mine if s.is_own), None),
        "assigned": [s for s in mine if not s.is_own],
        "province_table": services.province_criteria(bloc_year.year, bloc_year.bloc.kind),
        "deadline": services.scoring_deadline(bloc_year),
    }
    if role.can_run_bloc_year:
        started = services.scoring_started(bloc_year)
        # No ranking, tie or leader before a sheet is sent: every member would stand at 0.
        scores = services.counted_scores(bloc_year) if plan else None
        differences = scores.differences if scores else []
        shown = differences if request.GET.get("differences") == "all" else differences[:20]
        context |= {
            "progress": services.progress(bloc_year, memberships),
            "scores": scores,
            "differences": shown,
            "differences_total": len(differences),
            "tie_poll_url": _tie_poll_url(bloc_year, scores),
            "plan_form": None if started else ScoringPlanForm(bloc_year=bloc_year, instance=plan),
            "leading": list(bloc_year.leading_units.select_related("agency")),
            "started": started,
        }
    return render(request, "awards/scoring/page.html", context)


@require_POST
def scoring_adopt(request, pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    try:
        services.adopt_criteria(bloc_year, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Khối đã áp dụng bảng tiêu chí của tỉnh."))
    return _back(bloc_year)


def scoring_adjust(request, pk):
    """The head adjusts the bloc's copy of the table (wording, maxima, evidence, removals,
    the bonus cap) until the first sheet is sent; each save is a new version of the copy."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    criteria_set = services.adopted_criteria(bloc_year)
    if criteria_set is None:
        raise Http404
    form = CopyAdjustForm(request.POST or None, criteria_set=criteria_set)
    if request.method == "POST" and form.is_valid():
        try:
            services.adopt_criteria(
                bloc_year,
                rows=form.criteria_rows(),
                bonus_cap=form.cleaned_data["bonus_cap"],
                keep_bonus_cap=False,
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error, form, general_as_message=True)
        else:
            messages.success(request, _("Đã lưu bảng tiêu chí của khối (phiên bản mới)."))
            return _back(bloc_year)
    return render(
        request,
        "awards/scoring/adjust.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "criteria_set": criteria_set,
            "form": form,
            "rows": form.rows(),
            "started": services.scoring_started(bloc_year),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def scoring_plan(request, pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    form = ScoringPlanForm(request.POST, bloc_year=bloc_year)
    if form.is_valid():
        try:
            services.set_scoring_plan(bloc_year, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Đã phân công chấm điểm."))
    else:
        form_errors_as_messages(request, form)
    return _back(bloc_year)


def _sheet_for(request, pk, sheet_pk):
    """The sheet and the role; its scorer's users edit it, the bloc's runners read and review
    it, and nobody else sees it (a member does not see how others scored it)."""
    bloc_year, role = get_bloc_year_for_user(request, pk)
    sheet = get_object_or_404(
        ScoreSheet.objects.select_related("agency", "scorer", "bloc_year"),
        pk=sheet_pk,
        bloc_year=bloc_year,
    )
    scorer = role.agency_id is not None and role.agency_id == sheet.scorer_id
    if not scorer and not role.can_run_bloc_year:
        raise PermissionDenied
    return bloc_year, role, sheet, scorer


def score_sheet(request, pk, sheet_pk):
    """One sheet: points and a justification per criterion, totals, and Lưu / Gửi; on the
    member's own sheet an evidence file is attached from the same form ("attach"), so what was
    typed is saved with it rather than lost."""
    bloc_year, role, sheet, scorer = _sheet_for(request, pk, sheet_pk)
    criteria = services.sheet_criteria(sheet)
    editable = scorer and sheet.status in ScoreSheet.EDITABLE
    posted = request.method == "POST"
    form = sheet_form(criteria, sheet, request.POST if posted else None)
    attaching = posted and "attach" in request.POST
    evidence_form = None
    if editable and sheet.is_own:
        evidence_form = EvidenceForm(
            request.POST if attaching else None,
            request.FILES if attaching else None,
            criteria=criteria,
        )
    if posted:
        if not editable or (attaching and evidence_form is None):
            raise PermissionDenied
        try:
            if not form.is_valid():
                raise ValidationError(_("Kiểm tra lại các ô được đánh dấu."))
            if attaching and not evidence_form.is_valid():
                raise ValidationError(_("Kiểm tra lại tệp minh chứng."))
            services.save_sheet(sheet, form.entries(), actor=request.user)
            if attaching:
                criterion = get_object_or_404(Criterion, pk=evidence_form.cleaned_data["criterion"])
                services.add_evidence(
                    sheet, criterion, evidence_form.cleaned_data["file"], actor=request.user
                )
            if "submit" in request.POST:
                services.submit_sheet(sheet, actor=request.user)
        except ValidationError as error:
            show_errors(request, error)
        else:
            if "submit" in request.POST:
                messages.success(request, _("Đã gửi phiếu chấm cho khối trưởng."))
                return _back(bloc_year)
            messages.success(
                request,
                _("Đã lưu phiếu chấm và đính kèm minh chứng.")
                if attaching
                else _("Đã lưu phiếu chấm."),
            )
            return redirect("awards:score_sheet", pk=bloc_year.pk, sheet_pk=sheet.pk)
    table = services.table_of(criteria, services.adopted_criteria(bloc_year).bonus_cap)
    saved = {
        score.criterion.code: score.points for score in sheet.scores.select_related("criterion")
    }
    return render(
        request,
        "awards/scoring/sheet.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "sheet": sheet,
            "form": form,
            "rows": form.rows(),
            "editable": editable,
            "total": services.scoring.sheet_total(table, saved),
            "max_points": table.max_points,
            "bonus_limit": table.bonus_limit,
            "bonus_cap": table.bonus_cap,
            "return_form": ReturnSheetForm() if role.can_run_bloc_year else None,
            "evidence": list(sheet.evidence.select_related("criterion").order_by("pk")),
            "evidence_form": evidence_form,
        },
        status=400 if posted else 200,
    )


def score_evidence(request, pk, sheet_pk, evidence_pk):
    """An evidence file, for the sheet's scorer and the bloc's runners."""
    _bloc_year, _role, sheet, _scorer = _sheet_for(request, pk, sheet_pk)
    evidence = get_object_or_404(ScoreEvidence, pk=evidence_pk, sheet=sheet)
    return private_file_response(evidence.file_name, filename=evidence.original_name)


@require_POST
def score_sheet_review(request, pk, sheet_pk):
    """The head accepts a sent sheet, or returns it with a reason."""
    bloc_year, role, sheet, _scorer = _sheet_for(request, pk, sheet_pk)
    if not role.can_run_bloc_year:
        raise PermissionDenied
    try:
        if request.POST.get("decision") == "accept":
            services.accept_sheet(sheet, actor=request.user)
            messages.success(request, _("Đã duyệt phiếu chấm."))
        else:
            form = ReturnSheetForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.return_sheet(sheet, reason=reason, actor=request.user)
            messages.success(request, _("Đã trả lại phiếu chấm."))
    except ValidationError as error:
        show_errors(request, error)
    return _back(bloc_year)


@require_POST
def score_resolve(request, pk):
    """The head settles one criterion of one member with a reason."""
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    form = ResolveForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return _back(bloc_year)
    membership = get_object_or_404(
        bloc_year.memberships.select_related("agency"), agency_id=form.cleaned_data["agency"]
    )
    criterion = get_object_or_404(
        Criterion.objects.select_related("criteria_set"), pk=form.cleaned_data["criterion"]
    )
    try:
        services.resolve_criterion(
            bloc_year,
            membership.agency,
            criterion,
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request,
            _("Đã chốt điểm tiêu chí %(code)s của %(agency)s.")
            % {"code": criterion.code, "agency": membership.agency.name},
        )
    return _back(bloc_year)


@require_POST
def score_leading(request, pk):
    """The head records the highest-scored member as the bloc's leading unit, the score as the
    basis; a tie at the top goes to a vote instead."""
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    scores = services.counted_scores(bloc_year)
    if scores is None or not scores.results:
        messages.error(request, _("Chưa có phiếu chấm nào được gửi: chưa có kết quả chấm điểm."))
        return _back(bloc_year)
    if scores.ranking.tie_at_top:
        messages.error(
            request, _("Nhiều đơn vị cùng điểm cao nhất: hội nghị bỏ phiếu chọn đơn vị dẫn đầu.")
        )
        return _back(bloc_year)
    leader = scores.results[0]
    # Data the documents print, so Vietnamese whatever the page's language.
    total = f"{leader.total_shown:.2f}".replace(".", ",")
    reason = (
        f"Kết quả chấm điểm thi đua năm {bloc_year.year}: {leader.agency.name} đạt {total} "
        "điểm, xếp thứ nhất."
    )
    try:
        set_leading_units(bloc_year, [leader.agency], reason=reason, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request, _("Đã ghi %(agency)s là đơn vị dẫn đầu khối.") % {"agency": leader.agency.name}
        )
    return _back(bloc_year)


def score_table_export(request, pk):
    """The score table as a workbook, for the head to adopt at the conference."""
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    scores = services.counted_scores(bloc_year)
    if scores is None:
        raise Http404
    return export_response(*ScoreTableExporter(bloc_year, scores).export("xlsx"))


def score_table_document(request, pk, fmt):
    """The score table as the head signs it: PDF (Decree 30) or its Word copy; a DỰ THẢO until
    the conference is finalized."""
    if fmt not in ("pdf", "docx"):
        raise Http404
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    scores = services.counted_scores(bloc_year)
    if scores is None:
        raise Http404
    session = VotingSession.objects.filter(bloc_year=bloc_year).first()
    renderer = render_docx if fmt == "docx" else render_pdf
    filename, content_type, data = score_table_pdf(
        bloc_year, scores, session=session, renderer=renderer
    )
    if fmt == "docx":
        return pdf_response(filename.removesuffix(".pdf") + ".docx", DOCX, data, inline=False)
    return pdf_response(filename, content_type, data)


def scoring_panel(request, bloc_year, role):
    """The bloc-year page's scoring panel: sheets by state and the user's own sheet (one query;
    the plan gives every member its own sheet, so no sheet means no plan yet)."""
    counts = dict.fromkeys(ScoreSheet.Status.values, 0)
    own = None
    for agency_id, scorer_id, status in ScoreSheet.objects.filter(bloc_year=bloc_year).values_list(
        "agency_id", "scorer_id", "status"
    ):
        counts[status] += 1
        if role.agency_id and agency_id == scorer_id == role.agency_id:
            own = ScoreSheet.Status(status)
    return Panel(
        "awards/scoring/panel.html",
        {
            "bloc_year": bloc_year,
            "planned": any(counts.values()),
            "counts": [(ScoreSheet.Status(k).label, v) for k, v in counts.items() if v],
            "own": own,
            "role": role,
        },
    )


def scoring_column(bloc_years) -> OverviewColumn:
    """The year overview's "Chấm điểm": own sheets sent of members, per bloc-year (one query)."""
    ids = [bloc_year.pk for bloc_year in bloc_years]
    rows = (
        ScoreSheet.objects.filter(bloc_year_id__in=ids, agency_id=F("scorer_id"))
        .values("bloc_year_id")
        .annotate(sent=Count("pk", filter=Q(status__in=ScoreSheet.COUNTED)))
        .order_by()
    )
    cells, planned, done = {}, 0, 0
    members = {bloc_year.pk: bloc_year.member_count for bloc_year in bloc_years}
    for row in rows:
        planned += 1
        done += row["sent"] >= members[row["bloc_year_id"]]
        cells[row["bloc_year_id"]] = _("%(sent)s/%(members)s đã gửi tự chấm") % {
            "sent": row["sent"],
            "members": members[row["bloc_year_id"]],
        }
    for bloc_year_id in ids:
        cells.setdefault(bloc_year_id, _("Chưa phân công"))
    return OverviewColumn(
        key="scoring",
        title=_("Chấm điểm"),
        cells=cells,
        total=_("%(done)s/%(planned)s khối đủ phiếu tự chấm") % {"done": done, "planned": planned},
    )

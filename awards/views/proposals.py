"""Proposal pages: the bloc head's dossier page and the province staff's review workspace."""

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awards.achievement_report import achievement_report as report_for
from awards.exports import CouncilListExporter
from awards.forms.proposals import (
    CouncilOutcomeForm,
    DecisionForm,
    DocumentUploadForm,
    ForwardForm,
    LeadingUnitsForm,
    ManualProposalForm,
    ProposalSelectionForm,
    ReturnForm,
)
from awards.models import AwardProposal, AwardType, EligibilityRule, ProposalDocument
from awards.pdf import council_list_pdf, proposal_result_text
from awards.rules import unit_of
from awards.services import ledger as ledger_services
from awards.services import proposals as services
from blocs.models import Bloc, BlocYear
from blocs.overview import OverviewColumn
from blocs.panels import Panel
from blocs.permissions import get_bloc_year_for_user, require_province_staff
from emulation.audit import log_action
from emulation.confirmation import confirmed
from emulation.documents import document_filename, read_document
from emulation.excel import export_response
from emulation.forms import form_errors_as_messages, show_errors
from emulation.models import AuditEntry, IssuedDocument
from emulation.params import clean_ids, int_param, year_param
from emulation.pdf import pdf_response
from emulation.replica import reads_from_replica

State = AwardProposal.State
# Rows per workspace page: staff filter by bloc, award type or state for longer lists. Each row
# costs ≈ 1.3 ms to render (findings, dossier checklist), so 60 rows missed the 100 ms budget.
WORKSPACE_PAGE_SIZE = 30
STATE_BADGES = {
    State.DRAFT: "secondary",
    State.SUBMITTED: "primary",
    State.UNDER_REVIEW: "info",
    State.RETURNED: "warning",
    State.ACCEPTED: "primary",
    State.COUNCIL_APPROVED: "success",
    State.COUNCIL_REJECTED: "danger",
    State.FORWARDED: "info",
    State.DECIDED: "success",
    State.REVOKED: "dark",
}


def _dossier_rows(proposals):
    """Each proposal with its required kinds ticked off and its papers (prefetched)."""
    kind_labels = {kind.value: str(kind.label) for kind in ProposalDocument.Kind}
    state_labels = {state.value: str(state.label) for state in State}
    rows = []
    for proposal in proposals:
        documents = list(proposal.documents.all())
        present = {document.kind for document in documents}
        checklist = [
            (kind_labels[kind], kind in present) for kind in proposal.required_document_kinds()
        ]
        rows.append(
            {
                "proposal": proposal,
                "documents": documents,
                "checklist": checklist,
                "missing": [label for label, ok in checklist if not ok],
                "badge": STATE_BADGES[proposal.state],
                "state_label": state_labels[proposal.state],
            }
        )
    return rows


def _bloc_year_proposals(bloc_year):
    return (
        bloc_year.proposals.with_related()
        .prefetch_related("documents__issued_document")
        .order_by("award_type__order", "agency__sort_name", "person_name", "pk")
    )


def _own_editable(bloc_year, role):
    """Proposals the user may add papers to: all editable ones for runners, else their own."""
    queryset = bloc_year.proposals.with_related().filter(state__in=AwardProposal.EDITABLE_STATES)
    if role.can_run_bloc_year:
        return queryset
    if role.can_act_for_own_agency:
        return queryset.filter(agency_id=role.agency_id)
    return queryset.none()


@require_GET
def bloc_year_proposals(request, pk):
    """The bloc's proposals with their dossier checklist, warnings and the head's actions."""
    bloc_year, role = get_bloc_year_for_user(request, pk)
    proposals = list(_bloc_year_proposals(bloc_year))
    findings = services.year_eligibility(bloc_year.year, proposals).findings if proposals else {}
    rows = _dossier_rows(proposals)
    for row in rows:
        row["findings"] = findings.get(row["proposal"].pk, [])
    editable = [p for p in proposals if p.is_editable]
    leading = list(bloc_year.leading_units.select_related("agency"))
    own_editable = (
        editable
        if role.can_run_bloc_year
        else [p for p in editable if role.agency_id and p.agency_id == role.agency_id]
    )
    context = {
        "bloc_year": bloc_year,
        "role": role,
        "rows": rows,
        "editable": editable,
        "upload_form": DocumentUploadForm(proposals=_own_editable(bloc_year, role), prefix="upload")
        if own_editable
        else None,
        "add_form": ManualProposalForm(bloc_year=bloc_year, prefix="add")
        if role.can_run_bloc_year
        else None,
        "leading_units": leading,
        "leading_form": LeadingUnitsForm(
            bloc_year=bloc_year,
            prefix="leading",
            initial={"agencies": [unit.agency_id for unit in leading]},
        )
        if role.can_run_bloc_year
        else None,
        "leading_limit": settings.LEADING_UNITS_PER_BLOC,
        "request_letter": next(
            (
                d
                for row in rows
                for d in row["documents"]
                if d.kind == ProposalDocument.Kind.REQUEST_LETTER
            ),
            None,
        ),
    }
    return render(request, "awards/proposals/bloc_year.html", context)


@require_GET
def proposal_detail(request, pk, proposal_pk):
    """One proposal: evidence, dossier, findings and its history."""
    bloc_year, role = get_bloc_year_for_user(request, pk)
    proposal = get_object_or_404(
        bloc_year.proposals.with_related()
        .select_related("source_poll")
        .prefetch_related("documents__issued_document"),
        pk=proposal_pk,
    )
    row = _dossier_rows([proposal])[0]
    row["findings"] = services.year_eligibility(proposal.year, [proposal]).findings[proposal.pk]
    return render(
        request,
        "awards/proposals/detail.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "row": row,
            "proposal": proposal,
            "result_text": proposal_result_text(proposal, unit_of(bloc_year.bloc)),
            "history": AuditEntry.objects.for_object(proposal)[:50],
        },
    )


def proposal_bundle(request, pk, proposal_pk):
    """The proposal's whole dossier as a .zip with a SHA-256 manifest (readers of the year)."""
    bloc_year, _role = get_bloc_year_for_user(request, pk)
    proposal = get_object_or_404(bloc_year.proposals.with_related(), pk=proposal_pk)
    filename, content_type, data = services.dossier_bundle(proposal)
    return pdf_response(filename, content_type, data, inline=False)


@require_GET
def achievement_report(request, pk, proposal_pk, word=False):
    """The proposal's báo cáo thành tích prefilled from the year's data, for its unit to finish
    and sign (readers of the year): a DỰ THẢO PDF, or the Word copy to edit."""
    bloc_year, _role = get_bloc_year_for_user(request, pk)
    proposal = get_object_or_404(
        bloc_year.proposals.with_related().select_related("source_poll__session"), pk=proposal_pk
    )
    filename, content_type, data = report_for(proposal, word=word)
    return pdf_response(filename, content_type, data, inline=not word)


@require_POST
def proposal_add(request, pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    form = ManualProposalForm(request.POST, bloc_year=bloc_year, prefix="add")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_manual_proposal(
                bloc_year,
                agency=data["agency"],
                award_type=data["award_type"],
                person_name=data["person_name"],
                person_title=data["person_title"],
                votes=data["votes"],
                percent=data["percent"],
                basis=data["basis"],
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Đã thêm đề nghị."))
    else:
        form_errors_as_messages(request, form, labelled=True)
    return redirect("awards:bloc_year_proposals", pk=bloc_year.pk)


@require_POST
def proposal_upload(request, pk):
    """Add a paper to a dossier: runners for any editable proposal, a member for its own."""
    bloc_year, role = get_bloc_year_for_user(request, pk)
    if not role.can_run_bloc_year and not role.can_act_for_own_agency:
        raise PermissionDenied
    proposals = _own_editable(bloc_year, role)
    form = DocumentUploadForm(request.POST, request.FILES, proposals=proposals, prefix="upload")
    if form.is_valid():
        try:
            services.upload_document(
                form.cleaned_data["proposal"],
                kind=form.cleaned_data["kind"],
                checked=form.cleaned_data["file"],
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Đã tải tài liệu lên hồ sơ."))
    else:
        form_errors_as_messages(request, form, labelled=True)
    return redirect("awards:bloc_year_proposals", pk=bloc_year.pk)


@require_GET
def proposal_document(request, pk, document_pk):
    """Download one dossier paper (readers of the bloc-year only)."""
    from emulation.uploads import read_private_file

    bloc_year, _role = get_bloc_year_for_user(request, pk)
    document = get_object_or_404(
        ProposalDocument.objects.select_related("issued_document", "proposal"),
        pk=document_pk,
        proposal__bloc_year=bloc_year,
    )
    if document.issued_document_id:
        issued = document.issued_document
        data = read_document(issued)
        return pdf_response(f"{issued.number.replace('/', '-')}.pdf", "application/pdf", data)
    if not document.stored_name:
        raise Http404
    return pdf_response(
        document.original_name or "tai-lieu",
        document.content_type or "application/octet-stream",
        read_private_file(document.stored_name),
        inline=document.content_type == "application/pdf",
    )


@require_POST
def proposal_document_remove(request, pk, document_pk):
    bloc_year, role = get_bloc_year_for_user(request, pk)
    document = get_object_or_404(
        ProposalDocument.objects.select_related("proposal"),
        pk=document_pk,
        proposal__bloc_year=bloc_year,
    )
    mine = role.can_act_for_own_agency and document.proposal.agency_id == role.agency_id
    if not (role.can_run_bloc_year or mine):
        raise PermissionDenied
    try:
        services.remove_document(document, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Đã gỡ tài liệu khỏi hồ sơ."))
    return redirect("awards:bloc_year_proposals", pk=bloc_year.pk)


def request_letter_preview(request, pk):
    """The tờ trình that sending the chosen (or all editable) proposals would issue, marked
    DỰ THẢO; the numbered letter is issued by the submission itself."""
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_finalize")
    editable = bloc_year.proposals.with_related().filter(state__in=AwardProposal.EDITABLE_STATES)
    data = request.POST if request.method == "POST" else request.GET
    chosen = clean_ids(data.getlist("proposals"))
    proposals = list(editable.filter(pk__in=chosen) if chosen else editable)
    if not proposals:
        messages.error(request, _("Không có đề nghị nào ở trạng thái dự thảo hoặc trả lại."))
        return redirect("awards:bloc_year_proposals", pk=bloc_year.pk)
    return pdf_response(*services.request_letter_preview(bloc_year, proposals))


@require_POST
def proposals_submit(request, pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_finalize")
    form = ProposalSelectionForm(
        request.POST,
        proposals=bloc_year.proposals.filter(state__in=AwardProposal.EDITABLE_STATES),
    )
    if form.is_valid():
        try:
            with confirmed(request, purpose="proposals_submit"):
                sent = services.submit_proposals(
                    bloc_year, form.cleaned_data["proposals"], actor=request.user
                )
        except ValidationError as error:
            show_errors(request, error)
        else:
            letter = sent[0].documents.get(kind=ProposalDocument.Kind.REQUEST_LETTER)
            messages.success(
                request,
                _("Đã gửi %(n)s đề nghị tới Sở Nội vụ kèm tờ trình số %(number)s.")
                % {"n": len(sent), "number": letter.issued_document.number},
            )
    else:
        messages.error(request, _("Vui lòng chọn đề nghị để gửi."))
    return redirect("awards:bloc_year_proposals", pk=bloc_year.pk)


# --- Province workspace ---------------------------------------------------------------------


def _year(request) -> int:
    year = year_param(request) or year_param(request, data=request.POST)
    if year is not None:
        return year
    latest = AwardProposal.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


def _workspace_url(request) -> str:
    """Back to where the form was: a local `next` page, else the workspace with its filters."""
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        return next_url
    query = request.POST.get("next_query", "")
    url = reverse("awards:proposal_workspace")
    return f"{url}?{query}" if query and "\n" not in query else url


@require_GET
def proposal_workspace(request):
    """Every proposal of a year with filters, warnings, quotas and the staff's bulk actions."""
    require_province_staff(request)
    year = _year(request)
    proposals = services.proposals_queryset_for_year(year)
    bloc_id = int_param(request, "bloc")
    award_id = int_param(request, "award_type")
    state = request.GET.get("state", "")
    if bloc_id:
        proposals = proposals.filter(bloc_year__bloc_id=bloc_id)
    if award_id:
        proposals = proposals.filter(award_type_id=award_id)
    proposals = proposals.filter(services.state_filter(state))
    page = Paginator(proposals, WORKSPACE_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    eligibility = services.year_eligibility(year, shown)
    rows = _dossier_rows(shown)
    for row in rows:
        row["findings"] = eligibility.findings.get(row["proposal"].pk, [])
    counts = dict(
        proposals.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    award_types = list(AwardType.objects.active())
    return render(
        request,
        "awards/proposals/workspace.html",
        {
            "year": year,
            "years": sorted(
                set(BlocYear.objects.values_list("year", flat=True)) | {year}, reverse=True
            ),
            "rows": rows,
            "page": page,
            "quotas": eligibility.quotas,
            "council_list": services.latest_council_list(
                year,
                AwardType.objects.filter(pk=award_id).first() if award_id else None,
            ),
            "blocs": Bloc.objects.filter(years__year=year).order_by("sort_name"),
            "award_types": award_types,
            "states": State.choices,
            "selected": {"bloc": bloc_id, "award_type": award_id, "state": state},
            "counts": [(label, counts.get(value, 0)) for value, label in State.choices],
            "decision_form": DecisionForm(proposals=AwardProposal.objects.none(), form_id="bulk"),
            "forward_form": ForwardForm(proposals=AwardProposal.objects.none(), form_id="bulk"),
            "query": request.GET.urlencode(),
            "rules": EligibilityRule.objects.select_related("award_type", "required_award_type"),
        },
    )


def _selected(request):
    """The chosen proposals in any state: the service names each one in the wrong state."""
    form = ProposalSelectionForm(request.POST, proposals=AwardProposal.objects.all())
    if not form.is_valid():
        messages.error(request, _("Vui lòng chọn ít nhất một đề nghị."))
        return None
    return list(form.cleaned_data["proposals"])


@require_POST
def proposals_start_review(request):
    require_province_staff(request)
    chosen = _selected(request)
    if chosen:
        try:
            services.start_review(chosen, actor=request.user)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Đã nhận %(n)s đề nghị để thẩm định.") % {"n": len(chosen)})
    return redirect(_workspace_url(request))


@require_POST
def proposals_accept(request):
    require_province_staff(request)
    chosen = _selected(request)
    if chosen:
        try:
            services.accept_proposals(chosen, actor=request.user)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(
                request, _("Đã chấp nhận %(n)s đề nghị trình Hội đồng.") % {"n": len(chosen)}
            )
    return redirect(_workspace_url(request))


@require_POST
def proposal_return(request):
    require_province_staff(request)
    form = ReturnForm(request.POST, proposals=AwardProposal.objects.all())
    if form.is_valid():
        try:
            services.return_proposal(
                form.cleaned_data["proposal"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Đã trả lại đề nghị cho trưởng khối."))
    else:
        form_errors_as_messages(request, form, labelled=True)
    return redirect(_workspace_url(request))


@require_POST
def proposal_council_outcome(request):
    require_province_staff(request)
    form = CouncilOutcomeForm(request.POST, proposals=AwardProposal.objects.all())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_council_outcome(
                data["proposal"],
                approved=data["approved"],
                percent=data["percent"],
                note=data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Đã ghi kết quả của Hội đồng."))
    else:
        form_errors_as_messages(request, form, labelled=True)
    return redirect(_workspace_url(request))


@require_POST
def proposals_forward(request):
    require_province_staff(request)
    form = ForwardForm(request.POST, proposals=AwardProposal.objects.all())
    if form.is_valid():
        try:
            services.forward_proposals(
                form.cleaned_data["proposals"],
                letter_number=form.cleaned_data["letter_number"],
                forwarded_on=form.cleaned_data["forwarded_on"],
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Đã ghi nhận trình cấp trên."))
    else:
        form_errors_as_messages(request, form, labelled=True)
    return redirect(_workspace_url(request))


@require_POST
def decision_record(request):
    require_province_staff(request)
    form = DecisionForm(request.POST, proposals=AwardProposal.objects.all())
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = ledger_services.record_decision(
                data["proposals"],
                number=data["number"],
                signed_on=data["signed_on"],
                signer_name=data["signer_name"],
                signer_title=data["signer_title"],
                deciding_level=data["deciding_level"],
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(
                request,
                _("Đã ghi %(decision)s cho %(n)s đề nghị.")
                % {"decision": decision, "n": len(data["proposals"])},
            )
    else:
        form_errors_as_messages(request, form, labelled=True)
    return redirect(_workspace_url(request))


@require_POST
def leading_units(request, pk):
    """The head (or staff) names the bloc-year's leading units, with the basis."""
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    form = LeadingUnitsForm(request.POST, bloc_year=bloc_year, prefix="leading")
    if form.is_valid():
        try:
            services.set_leading_units(
                bloc_year,
                form.cleaned_data["agencies"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Đã ghi đơn vị dẫn đầu khối."))
    else:
        form_errors_as_messages(request, form, labelled=True)
    return redirect("awards:bloc_year_proposals", pk=bloc_year.pk)


def _award_type_param(request):
    value = request.GET.get("award_type", "")
    return get_object_or_404(AwardType, pk=int(value)) if value.isdigit() else None


@require_GET
@reads_from_replica
def council_list_export(request):
    """The council's list as XLSX, one sheet per award type."""
    require_province_staff(request)
    year = _year(request)
    filename, content_type, data = CouncilListExporter(year, _award_type_param(request)).export()
    log_action(
        "awards.council_list.exported", None, actor=request.user, data=services.facts(year=year)
    )
    return export_response(filename, content_type, data)


@require_GET
def council_list_pdf_view(request):
    """The council's list as a Decree-30 PDF "Danh sách đề nghị khen thưởng": the DỰ THẢO
    preview of what issuing it would print."""
    require_province_staff(request)
    year = _year(request)
    award_type = _award_type_param(request)
    quotas = services.year_eligibility(year, []).quotas
    filename, content_type, data = council_list_pdf(year, award_type, quotas=quotas)
    return pdf_response(f"du-thao-{filename}", content_type, data)


@require_POST
def council_list_issue(request):
    """Issue the council's list with a number of the province body (verifiable at /verify/)."""
    require_province_staff(request)
    year = _year(request)
    award_type = (
        get_object_or_404(AwardType, pk=int(request.POST["award_type"]))
        if (request.POST.get("award_type", "").isdigit())
        else None
    )
    if "replaces" in request.POST:
        latest = services.latest_council_list(year, award_type)
        if request.POST["replaces"] != (str(latest.pk) if latest else ""):
            messages.error(
                request,
                _("Danh sách vừa được phát hành (số %(number)s); không phát hành thêm lần nữa.")
                % {"number": latest.number if latest else "—"},
            )
            return redirect(_workspace_url(request))
    try:
        with confirmed(request, purpose="council_list_issue"):
            document = services.issue_council_list(year, award_type, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request,
            _("Đã phát hành danh sách đề nghị khen thưởng số %(number)s.")
            % {"number": document.number},
        )
    return redirect(_workspace_url(request))


@require_GET
def council_list_issued(request, pk):
    """An issued council list, as stored."""
    require_province_staff(request)
    document = get_object_or_404(IssuedDocument, pk=pk, kind=services.COUNCIL_LIST_KIND)
    return pdf_response(document_filename(document), "application/pdf", read_document(document))


# --- Registries: bloc-year panel and overview column --------------------------------------


def bloc_year_panel(request, bloc_year, role):
    """The bloc-year page's proposals box: each proposal and its state."""
    proposals = list(
        bloc_year.proposals.select_related("agency", "award_type").order_by(
            "award_type__order", "agency__sort_name", "pk"
        )
    )
    return Panel(
        "awards/proposals/panel.html",
        {
            "bloc_year": bloc_year,
            "proposals": [(p, STATE_BADGES[p.state]) for p in proposals],
        },
    )


def overview_column(bloc_years):
    """The year overview's proposals column: proposed / decided per bloc (one query)."""
    ids = [by.pk for by in bloc_years]
    counts = defaultdict(lambda: {"total": 0, "decided": 0})
    for row in (
        AwardProposal.objects.filter(bloc_year_id__in=ids)
        .values("bloc_year_id")
        .annotate(
            total=Count("pk"),
            decided=Count("pk", filter=Q(state=State.DECIDED)),
        )
    ):
        counts[row["bloc_year_id"]] = row
    cells = {
        pk: f"{counts[pk]['total']} / {counts[pk]['decided']}" if counts[pk]["total"] else "–"
        for pk in ids
    }
    total = sum(c["total"] for c in counts.values())
    decided = sum(c["decided"] for c in counts.values())
    return OverviewColumn(
        key="proposals",
        title=_("Đề nghị / đã quyết định"),
        cells=cells,
        total=f"{total} / {decided}",
        url_name="awards:proposal_workspace",
    )

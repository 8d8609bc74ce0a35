"""Covenant and registration pages, the bloc-year panel and the year-overview columns.

Views validate a form, call one service from `blocs.services.covenants`, add a message and
redirect. Bloc-year scoping goes through `get_bloc_year_for_user`; children are fetched through
the bloc-year. A member's users act only for their own agency; the head (and deputy, and staff)
run the covenant and review registrations; reopening is for province staff.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from blocs.forms.covenants import (
    ClauseFormSet,
    CovenantForm,
    CovenantTemplateForm,
    DeadlineForm,
    OnBehalfSubmitForm,
    PaperSignaturesForm,
    ReasonForm,
    RegistrationForm,
    ReturnRegistrationForm,
    SignatureForm,
    TargetFormSet,
    VoidSignatureForm,
    clause_initial,
    clause_texts,
    target_rows,
)
from blocs.models import Agency, BlocYear, Covenant, CovenantTemplate, Registration
from blocs.overview import OverviewColumn
from blocs.panels import Panel
from blocs.pdf import covenant_pdf
from blocs.permissions import get_bloc_year_for_user, require_province_staff
from blocs.services import covenants as services
from emulation.confirmation import Confirmation, confirmed, render_confirmation
from emulation.documents import document_filename, read_document
from emulation.forms import show_errors
from emulation.models import AuditEntry
from emulation.pdf import pdf_response
from emulation.uploads import private_file_response


def _covenant_or_404(bloc_year: BlocYear) -> Covenant:
    return get_object_or_404(Covenant.objects.for_page(), bloc_year=bloc_year)


def _detail_url(bloc_year) -> str:
    return reverse("blocs:covenant_detail", args=[bloc_year.pk])


def _history(obj):
    return AuditEntry.objects.for_object(obj)[:50]


# Covenant ----------------------------------------------------------------------------------------


def covenant_detail(request, pk):
    """The covenant: its text, who signed and how, the actions the user's role allows."""
    bloc_year, role = get_bloc_year_for_user(request, pk)
    covenant = Covenant.objects.for_page().filter(bloc_year=bloc_year).first()
    memberships = services.members_of(bloc_year)
    signatures = {s.agency_id: s for s in covenant.live_signatures} if covenant else {}
    rows = [
        (
            membership,
            signatures.get(membership.agency_id),
            covenant is not None and _void_permission(role, covenant, membership.agency),
        )
        for membership in memberships
    ]
    context = {
        "bloc_year": bloc_year,
        "role": role,
        "covenant": covenant,
        "rows": rows,
        "progress": services.signing_progress(covenant, len(memberships)),
        "reopen_form": ReasonForm() if role.can_reopen else None,
        "history": _history(covenant) if covenant else [],
    }
    return render(request, "blocs/covenant/detail.html", context)


@require_POST
def covenant_create(request, pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    try:
        services.create_covenant(bloc_year, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Đã soạn dự thảo giao ước từ mẫu của tỉnh."))
    return redirect(_detail_url(bloc_year))


def covenant_edit(request, pk):
    """Edit the draft's text and clauses (add, edit, reorder with the order numbers, delete)."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    covenant = _covenant_or_404(bloc_year)
    if request.method == "POST":
        form = CovenantForm(request.POST)
        formset = ClauseFormSet(request.POST, prefix="clauses")
        if form.is_valid() and formset.is_valid():
            try:
                services.update_covenant(
                    covenant, **form.cleaned_data, clauses=clause_texts(formset), actor=request.user
                )
            except ValidationError as error:
                show_errors(request, error, form)
            else:
                messages.success(request, _("Đã lưu dự thảo giao ước."))
                return redirect(_detail_url(bloc_year))
    else:
        form = CovenantForm(
            initial={
                "title": covenant.title,
                "conference_date": covenant.conference_date,
                "conference_place": covenant.conference_place,
                "preamble": covenant.preamble,
            }
        )
        formset = ClauseFormSet(prefix="clauses", initial=clause_initial(covenant.clauses.all()))
    return render(
        request,
        "blocs/covenant/edit.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "covenant": covenant,
            "form": form,
            "formset": formset,
        },
    )


@require_POST
def covenant_open(request, pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    covenant = _covenant_or_404(bloc_year)
    try:
        with confirmed(request, purpose="covenant_open"):
            services.open_covenant(covenant, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Đã mở ký kết: nội dung giao ước đã được khóa."))
    return redirect(_detail_url(bloc_year))


@require_GET
def covenant_open_confirm(request, pk):
    """What opening for signing locks, before the head confirms it."""
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    covenant = _covenant_or_404(bloc_year)
    blockers = (
        [] if covenant.can_move_to(Covenant.Status.OPEN) else [_("Giao ước không còn là dự thảo.")]
    )
    return render_confirmation(
        request,
        Confirmation(
            section_base="blocs/base.html",
            title=_("Mở ký kết giao ước"),
            subtitle=f"{covenant.title} · {bloc_year}",
            locks=[
                _("khóa lời mở đầu và %(count)s điều khoản của giao ước: không sửa được nữa;")
                % {"count": covenant.clauses.count()},
                _("bắt đầu nhận chữ ký của các thành viên."),
            ],
            irreversible=_("trưởng khối không thể tự mở lại nội dung sau khi đã mở ký kết."),
            reopen=_("Chỉ cán bộ Sở Nội vụ mở lại được, và khi mở lại mọi chữ ký đã có bị hủy."),
            preview_url=reverse("blocs:covenant_pdf", args=[bloc_year.pk]),
            preview_label=_("Xem dự thảo giao ước (PDF)"),
            action_url=reverse("blocs:covenant_open", args=[bloc_year.pk]),
            button_label=_("Xác nhận mở ký kết"),
            cancel_url=_detail_url(bloc_year),
            blockers=blockers,
        ),
    )


@require_GET
def covenant_issue_confirm(request, pk):
    """What issuing numbers and freezes, before the head confirms it."""
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_finalize")
    covenant = _covenant_or_404(bloc_year)
    blockers = (
        [] if covenant.can_move_to(Covenant.Status.ISSUED) else [_("Giao ước chưa đủ chữ ký.")]
    )
    return render_confirmation(
        request,
        Confirmation(
            section_base="blocs/base.html",
            title=_("Phát hành giao ước đã ký"),
            subtitle=f"{covenant.title} · {bloc_year}",
            locks=[
                _("cấp số văn bản của khối cho giao ước (số đã cấp không dùng lại);"),
                _("ghép các trang ký trên giấy đã tải lên và ký số nếu tỉnh có chứng thư số;"),
                _("khóa giao ước: chữ ký không hủy được nữa."),
            ],
            irreversible=_("văn bản đã phát hành giữ nguyên số và nội dung."),
            reopen=_("Chỉ cán bộ Sở Nội vụ mở lại được; khi đó văn bản đã phát hành bị hủy."),
            preview_url=reverse("blocs:covenant_pdf", args=[bloc_year.pk]),
            preview_label=_("Xem giao ước trước khi phát hành (PDF)"),
            action_url=reverse("blocs:covenant_issue", args=[bloc_year.pk]),
            button_label=_("Xác nhận phát hành"),
            cancel_url=_detail_url(bloc_year),
            blockers=blockers,
            long_running=True,
        ),
    )


@require_POST
def covenant_reopen(request, pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_reopen")
    covenant = _covenant_or_404(bloc_year)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nhập lý do mở lại giao ước."))
        return redirect(_detail_url(bloc_year))
    try:
        services.reopen_covenant(covenant, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request, _("Đã mở lại giao ước: các chữ ký và văn bản đã phát hành đã bị hủy.")
        )
    return redirect(_detail_url(bloc_year))


@require_POST
def covenant_issue(request, pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_finalize")
    covenant = _covenant_or_404(bloc_year)
    try:
        with confirmed(request, purpose="covenant_issue"):
            covenant = services.issue_covenant(covenant, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request,
            _("Đã phát hành giao ước đã ký, số %(number)s.") % {"number": covenant.document.number},
        )
    return redirect(_detail_url(bloc_year))


def covenant_pdf_view(request, pk):
    """The covenant as it stands (a draft is marked DỰ THẢO), for printing before the conference;
    once issued, only the issued document itself, so no unnumbered copy circulates."""
    bloc_year, _role = get_bloc_year_for_user(request, pk)
    covenant = _covenant_or_404(bloc_year)
    document = covenant.document
    if document is not None and not document.voided_at:
        return pdf_response(document_filename(document), "application/pdf", read_document(document))
    return pdf_response(*covenant_pdf(covenant))


def covenant_signed_pdf(request, pk):
    """The issued signed covenant exactly as stored (hash, number, digital signature)."""
    bloc_year, _role = get_bloc_year_for_user(request, pk)
    covenant = _covenant_or_404(bloc_year)
    if covenant.document is None:
        raise Http404
    document = covenant.document
    return pdf_response(document_filename(document), "application/pdf", read_document(document))


def _sign_permission(role, agency: Agency) -> bool:
    """Runners sign for any member; a member's users only for their own agency."""
    if role.can_run_bloc_year:
        return True
    return role.can_act_for_own_agency and role.agency_id == agency.pk


def _void_permission(role, covenant: Covenant, agency: Agency) -> bool:
    """Whoever may sign for a member may strike its signature while signing is open; once every
    member signed, striking one reopens signing for the bloc, so only its runners may."""
    if covenant.status == Covenant.Status.OPEN:
        return _sign_permission(role, agency)
    return covenant.status == Covenant.Status.SIGNED and role.can_run_bloc_year


def covenant_sign(request, pk, agency_pk):
    """Record one member's signature: an uploaded signed page, a digitally signed page, or (for
    the head) a paper signature from the conference."""
    bloc_year, role = get_bloc_year_for_user(request, pk)
    covenant = _covenant_or_404(bloc_year)
    membership = get_object_or_404(
        bloc_year.memberships.select_related("agency"), agency_id=agency_pk
    )
    agency = membership.agency
    if not _sign_permission(role, agency):
        raise PermissionDenied
    allow_paper = role.can_run_bloc_year
    if request.method == "POST":
        form = SignatureForm(request.POST, request.FILES, allow_paper=allow_paper)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_signature(
                    covenant,
                    agency,
                    method=data["method"],
                    signer_name=data["signer_name"],
                    signer_title=data["signer_title"],
                    signed_on=data["signed_on"],
                    pdf=data["file"],
                    actor=request.user,
                )
            except ValidationError as error:
                show_errors(request, error, form)
            else:
                messages.success(
                    request, _("Đã ghi nhận chữ ký của %(agency)s.") % {"agency": agency}
                )
                return redirect(_detail_url(bloc_year))
    else:
        form = SignatureForm(
            allow_paper=allow_paper,
            initial={
                "signer_name": membership.signatory_name,
                "signer_title": membership.signatory_title,
                "signed_on": covenant.conference_date or timezone.localdate(),
                "method": "paper" if allow_paper else "upload",
            },
        )
    signature = next((s for s in covenant.live_signatures if s.agency_id == agency.pk), None)
    return render(
        request,
        "blocs/covenant/sign.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "covenant": covenant,
            "agency": agency,
            "signature": signature,
            "may_void": signature is not None and _void_permission(role, covenant, agency),
            "form": form,
        },
    )


def covenant_signature_void(request, pk, signature_pk):
    """Strike one member's signature with a reason so the member signs again."""
    bloc_year, role = get_bloc_year_for_user(request, pk)
    covenant = _covenant_or_404(bloc_year)
    signature = get_object_or_404(covenant.signatures.select_related("agency"), pk=signature_pk)
    if signature.voided_at is not None:
        messages.info(request, _("Chữ ký này đã được hủy trước đó."))
        return redirect(_detail_url(bloc_year))
    if not _void_permission(role, covenant, signature.agency):
        raise PermissionDenied
    form = VoidSignatureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.void_signature(
                covenant, signature, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(
                request,
                _("Đã hủy chữ ký của %(agency)s; đơn vị ký lại khi sẵn sàng.")
                % {"agency": signature.agency.name},
            )
            return redirect(_detail_url(bloc_year))
    return render(
        request,
        "blocs/covenant/void_signature.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "covenant": covenant,
            "signature": signature,
            "form": form,
        },
    )


def covenant_paper_signatures(request, pk):
    """The head ticks the members who signed on paper at the conference."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    covenant = _covenant_or_404(bloc_year)
    signed = {signature.agency_id for signature in covenant.live_signatures}
    unsigned = Agency.objects.filter(memberships__bloc_year=bloc_year).exclude(pk__in=signed)
    if request.method == "POST":
        form = PaperSignaturesForm(request.POST, agencies=unsigned)
        if form.is_valid():
            try:
                services.record_paper_signatures(
                    covenant,
                    form.cleaned_data["agencies"],
                    signed_on=form.cleaned_data["signed_on"],
                    actor=request.user,
                )
            except ValidationError as error:
                show_errors(request, error, form)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận %(count)s chữ ký trên giấy.")
                    % {"count": len(form.cleaned_data["agencies"])},
                )
                return redirect(_detail_url(bloc_year))
    else:
        form = PaperSignaturesForm(
            agencies=unsigned,
            initial={
                "signed_on": covenant.conference_date or timezone.localdate(),
                "agencies": list(unsigned),
            },
        )
    return render(
        request,
        "blocs/covenant/paper_signatures.html",
        {"bloc_year": bloc_year, "role": role, "covenant": covenant, "form": form},
    )


def covenant_signature_file(request, pk, signature_pk):
    """An uploaded signed page, to readers of the bloc-year only (stored outside any URL)."""
    bloc_year, _role = get_bloc_year_for_user(request, pk)
    covenant = _covenant_or_404(bloc_year)
    signature = get_object_or_404(covenant.signatures.exclude(file=""), pk=signature_pk)
    return private_file_response(signature.file, filename=signature.file_name or "trang-da-ky.pdf")


# Registrations -----------------------------------------------------------------------------------


def _registration_url(bloc_year, registration) -> str:
    return reverse("blocs:registration_detail", args=[bloc_year.pk, registration.pk])


def registration_list(request, pk):
    """The head's review list: every member, its registration state, titles and targets."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    memberships = services.members_of(bloc_year)
    registrations = {r.agency_id: r for r in bloc_year.registrations.for_list()}
    covenant = Covenant.objects.filter(bloc_year=bloc_year).first()
    rows = [(membership, registrations.get(membership.agency_id)) for membership in memberships]
    return render(
        request,
        "blocs/covenant/registration_list.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "rows": rows,
            "summary": services.registration_summary(bloc_year, memberships),
            "covenant": covenant,
            "deadline_form": DeadlineForm(
                initial={"registration_deadline": covenant.registration_deadline}
            )
            if covenant
            else None,
        },
    )


@require_POST
def covenant_deadline(request, pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_run_bloc_year")
    covenant = _covenant_or_404(bloc_year)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.set_registration_deadline(
                covenant, form.cleaned_data["registration_deadline"], actor=request.user
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Đã cập nhật hạn đăng ký thi đua."))
    else:
        messages.error(request, _("Ngày không hợp lệ."))
    return redirect("blocs:registration_list", pk=bloc_year.pk)


def _registration_initial(registration):
    if registration is None:
        return {}, []
    return (
        {"titles": list(registration.titles.all()), "note": registration.note},
        [
            {"indicator": t.indicator, "value": t.value, "unit": t.unit, "note": t.note}
            for t in registration.targets.all()
        ],
    )


def _registration_form_page(request, bloc_year, role, agency, registration, *, on_behalf):
    if request.method == "POST":
        form = RegistrationForm(request.POST, on_behalf=on_behalf)
        formset = TargetFormSet(request.POST, prefix="targets")
        if form.is_valid() and formset.is_valid():
            try:
                registration = services.save_registration(
                    bloc_year,
                    agency,
                    titles=form.cleaned_data["titles"],
                    targets=target_rows(formset),
                    note=form.cleaned_data["note"],
                    actor=request.user,
                    on_behalf=on_behalf,
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ValidationError as error:
                show_errors(request, error, form)
            else:
                messages.success(request, _("Đã lưu bản đăng ký thi đua."))
                return redirect(_registration_url(bloc_year, registration))
    else:
        initial, targets = _registration_initial(registration)
        form = RegistrationForm(initial=initial, on_behalf=on_behalf)
        formset = TargetFormSet(prefix="targets", initial=targets)
    return render(
        request,
        "blocs/covenant/registration_form.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "agency": agency,
            "registration": registration,
            "form": form,
            "formset": formset,
            "on_behalf": on_behalf,
            "deadline": services.registration_deadline(bloc_year),
        },
    )


def registration_mine(request, pk):
    """A member's own registration: titles and targets, saved as a draft until submitted."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability="can_act_for_own_agency")
    membership = get_object_or_404(
        bloc_year.memberships.select_related("agency"), agency_id=role.agency_id
    )
    registration = bloc_year.registrations.for_list().filter(agency_id=role.agency_id).first()
    if (
        request.method == "GET"
        and registration
        and (registration.status not in Registration.MEMBER_EDITABLE)
    ):
        return redirect(_registration_url(bloc_year, registration))
    return _registration_form_page(
        request, bloc_year, role, membership.agency, registration, on_behalf=False
    )


def _registration_for(request, pk, registration_pk, *, capability=None):
    """(bloc_year, role, registration): readable by runners and by the registering agency."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability=capability)
    registration = get_object_or_404(bloc_year.registrations.for_list(), pk=registration_pk)
    if not role.can_run_bloc_year and role.agency_id != registration.agency_id:
        raise PermissionDenied
    return bloc_year, role, registration


def registration_detail(request, pk, registration_pk):
    bloc_year, role, registration = _registration_for(request, pk, registration_pk)
    own = role.agency_id == registration.agency_id and role.can_act_for_own_agency
    return render(
        request,
        "blocs/covenant/registration_detail.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "registration": registration,
            "own": own,
            "can_edit_own": own and registration.status in Registration.MEMBER_EDITABLE,
            "return_form": ReturnRegistrationForm() if role.can_run_bloc_year else None,
            "on_behalf_form": OnBehalfSubmitForm() if role.can_run_bloc_year else None,
            "deadline": services.registration_deadline(bloc_year),
            "history": _history(registration),
        },
    )


def registration_edit(request, pk, registration_pk):
    """The head edits a member's registration (after the deadline, or to fix it), with a reason."""
    bloc_year, role, registration = _registration_for(
        request, pk, registration_pk, capability="can_run_bloc_year"
    )
    return _registration_form_page(
        request, bloc_year, role, registration.agency, registration, on_behalf=True
    )


@require_POST
def registration_submit(request, pk, registration_pk):
    """The member sends its registration; the head may send it on the member's behalf."""
    bloc_year, role, registration = _registration_for(request, pk, registration_pk)
    own = role.can_act_for_own_agency and role.agency_id == registration.agency_id
    form = OnBehalfSubmitForm(request.POST)
    form.is_valid()
    try:
        services.submit_registration(
            registration,
            actor=request.user,
            on_behalf=not own,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Đã gửi bản đăng ký thi đua tới trưởng khối."))
    return redirect(_registration_url(bloc_year, registration))


@require_POST
def registration_accept(request, pk, registration_pk):
    bloc_year, _role, registration = _registration_for(
        request, pk, registration_pk, capability="can_run_bloc_year"
    )
    try:
        services.accept_registration(registration, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request,
            _("Đã chấp thuận bản đăng ký của %(agency)s.") % {"agency": registration.agency},
        )
    return redirect("blocs:registration_list", pk=bloc_year.pk)


@require_POST
def registration_return(request, pk, registration_pk):
    bloc_year, _role, registration = _registration_for(
        request, pk, registration_pk, capability="can_run_bloc_year"
    )
    form = ReturnRegistrationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nhập lý do trả lại bản đăng ký."))
        return redirect(_registration_url(bloc_year, registration))
    try:
        services.return_registration(
            registration, reason=form.cleaned_data["reason"], actor=request.user
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request, _("Đã trả lại bản đăng ký của %(agency)s.") % {"agency": registration.agency}
        )
    return redirect("blocs:registration_list", pk=bloc_year.pk)


# Province template -------------------------------------------------------------------------------


def covenant_template_edit(request):
    """Province staff maintain the model covenant that bloc heads copy."""
    require_province_staff(request)
    template = CovenantTemplate.current()
    if request.method == "POST":
        form = CovenantTemplateForm(request.POST)
        formset = ClauseFormSet(request.POST, prefix="clauses")
        if form.is_valid() and formset.is_valid():
            try:
                services.update_covenant_template(
                    template, **form.cleaned_data, clauses=clause_texts(formset), actor=request.user
                )
            except ValidationError as error:
                show_errors(request, error, form)
            else:
                messages.success(request, _("Đã lưu mẫu giao ước thi đua."))
                return redirect("blocs:covenant_template")
    else:
        form = CovenantTemplateForm(
            initial={"title_pattern": template.title_pattern, "preamble": template.preamble}
        )
        formset = ClauseFormSet(prefix="clauses", initial=clause_initial(template.clauses.all()))
    return render(
        request,
        "blocs/covenant/template_form.html",
        {"template_obj": template, "form": form, "formset": formset, "history": _history(template)},
    )


# Bloc-year panel and overview columns ------------------------------------------------------------


def covenant_panel(request, bloc_year, role):
    """Registration summary and signing progress on the bloc-year page."""
    covenant = (
        Covenant.objects.filter(bloc_year=bloc_year)
        .annotate(signed=Count("signatures", filter=Q(signatures__voided_at__isnull=True)))
        .first()
    )
    memberships = services.members_of(bloc_year)
    own_registration = None
    if role.can_act_for_own_agency:
        own_registration = (
            bloc_year.registrations.filter(agency_id=role.agency_id)
            .only("pk", "status", "bloc_year_id")
            .first()
        )
    return Panel(
        "blocs/covenant/panel.html",
        {
            "bloc_year": bloc_year,
            "role": role,
            "covenant": covenant,
            "summary": services.registration_summary(bloc_year, memberships),
            "progress": services.SigningProgress(
                covenant.signed if covenant else 0, len(memberships)
            ),
            "own_registration": own_registration,
        },
    )


def covenant_column(bloc_years) -> OverviewColumn:
    """ "5/7 đã ký" per bloc-year, in one query: members are the rows' `member_count`, which the
    overview and its export annotate."""
    ids = [bloc_year.pk for bloc_year in bloc_years]
    members = {bloc_year.pk: bloc_year.member_count for bloc_year in bloc_years}
    covenants = (
        Covenant.objects.filter(bloc_year_id__in=ids)
        .values_list("bloc_year_id", "status")
        .annotate(signed=Count("signatures", filter=Q(signatures__voided_at__isnull=True)))
        .order_by()
    )
    cells, signed_total = {}, 0
    for bloc_year_id, status, signed in covenants:
        progress = services.SigningProgress(signed, members[bloc_year_id])
        cells[bloc_year_id] = f"{progress} · {Covenant.Status(status).label}"
        signed_total += int(progress.complete)
    for bloc_year_id in ids:
        cells.setdefault(bloc_year_id, _("Chưa soạn"))
    return OverviewColumn(
        key="covenant",
        title=_("Giao ước"),
        cells=cells,
        total=_("%(done)s/%(count)s khối ký đủ") % {"done": signed_total, "count": len(ids)},
    )


def registration_column(bloc_years) -> OverviewColumn:
    """Registrations submitted / accepted per bloc-year (one query for the whole table)."""
    ids = [bloc_year.pk for bloc_year in bloc_years]
    rows = (
        Registration.objects.filter(bloc_year_id__in=ids)
        .values("bloc_year_id")
        .annotate(
            submitted=Count("pk", filter=Q(status__in=Registration.COUNTED)),
            accepted=Count("pk", filter=Q(status=Registration.Status.ACCEPTED)),
        )
    )
    cells, submitted, accepted = {}, 0, 0
    for row in rows:
        cells[row["bloc_year_id"]] = _("%(submitted)s đã gửi, %(accepted)s đã duyệt") % row
        submitted += row["submitted"]
        accepted += row["accepted"]
    for bloc_year_id in ids:
        cells.setdefault(bloc_year_id, _("0 đã gửi"))
    return OverviewColumn(
        key="registrations",
        title=_("Đăng ký thi đua"),
        cells=cells,
        total=_("%(submitted)s đã gửi, %(accepted)s đã duyệt")
        % {"submitted": submitted, "accepted": accepted},
    )

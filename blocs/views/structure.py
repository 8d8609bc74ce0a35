"""Structure pages: the year overview, the agency registry, blocs, bloc-years and the rollover.

Views validate a form, call one service from `blocs.services.structure`, add a message and
redirect. Province-wide pages require province staff; bloc-year pages go through
`get_bloc_year_for_user` (outsiders 404, members read-only).
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocs.covenant_reads import members_of
from blocs.forms.structure import (
    AddMemberForm,
    AgencyEditForm,
    AgencyForm,
    BlocActiveForm,
    BlocForm,
    BlocYearCreateForm,
    DissolveAgencyForm,
    LeadersForm,
    LiaisonForm,
    MergeAgencyForm,
    RenameAgencyForm,
    RolloverForm,
    SignatoryForm,
    SplitAgencyForm,
    agency_filter_choices,
    status_filter_choices,
)
from blocs.models import Agency, AgencyChange, Bloc, BlocYear, Membership, MembershipFlag
from blocs.models.structure import identity_then
from blocs.overview import OverviewColumn, overview_columns
from blocs.panels import agency_panels, bloc_year_panels, render_panels
from blocs.permissions import bloc_years_for_user, get_bloc_year_for_user, require_province_staff
from blocs.services import structure as services
from emulation.forms import show_errors
from emulation.links import RowUrl
from emulation.models import AuditEntry
from emulation.params import text_param, year_param

AGENCIES_PER_PAGE = 50


# Year overview ----------------------------------------------------------------------------------


def _selected_year(request) -> int:
    """The year asked for in ?year=, else the newest year on record (or this calendar year)."""
    year = year_param(request)
    if year is not None and services.MIN_YEAR <= year < services.MAX_YEAR:
        return year
    latest = BlocYear.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


def year_overview(request):
    """The province staff landing page: every bloc of one year, its leaders and status columns."""
    require_province_staff(request)
    year = _selected_year(request)
    bloc_years = list(
        BlocYear.objects.with_people()
        .select_related("bloc__former_province")
        .filter(year=year)
        .annotate(
            member_count=Count("memberships"),
            head_then=identity_then("head", "year"),
            deputy_then=identity_then("deputy", "year"),
        )
        .order_by("bloc__sort_name", "bloc__pk")
    )
    columns = overview_columns(bloc_years)
    # Plain values per row: the template does no lookups or URL reversing for each of 60 blocs.
    detail_url = RowUrl("blocs:bloc_year_detail")
    rows = [
        {
            "bloc_year": by,
            "url": detail_url(by.pk),
            "bloc": by.bloc.name,
            "active": by.bloc.active,
            "former_province": by.bloc.former_province,
            "head": by.head_then or "—",
            "deputy": by.deputy_then or "—",
            "member_count": by.member_count,
            "cells": [(column.title, column.cell(by.pk) or "—") for column in columns],
        }
        for by in bloc_years
    ]
    years = sorted(
        {*BlocYear.objects.order_by().values_list("year", flat=True).distinct(), year}, reverse=True
    )
    export_url = reverse("blocs:year_export")
    return render(
        request,
        "blocs/year_overview.html",
        {
            "year": year,
            "next_year": year + 1,
            "years": years,
            "rows": rows,
            "columns": columns,
            "member_total": sum(by.member_count for by in bloc_years),
            "export_url": f"{export_url}?year={year}" if export_url else None,
        },
    )


# Agency registry --------------------------------------------------------------------------------


def agency_list(request):
    """The registry: accent-insensitive search, filters by kind and status, Vietnamese order."""
    require_province_staff(request)
    query = text_param(request, "q")
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    agencies = (
        Agency.objects.select_related("successor", "former_province")
        .search(query)
        .in_vietnamese_order()
    )
    if kind in Agency.Kind.values:
        agencies = agencies.filter(kind=kind)
    if status in Agency.Status.values:
        agencies = agencies.filter(status=status)
    page = Paginator(agencies, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    detail_url = RowUrl("blocs:agency_detail")
    for agency in page:
        agency.detail_url = detail_url(agency.pk)
        agency.successor_url = detail_url(agency.successor_id) if agency.successor_id else ""
    return render(
        request,
        "blocs/agency_list.html",
        {
            "page": page,
            "q": query,
            "kind": kind,
            "status": status,
            "kinds": agency_filter_choices(),
            "statuses": status_filter_choices(),
        },
    )


def names_over_time(agency: Agency, renames: list[AgencyChange]) -> list[dict]:
    """Each name the agency carried with the dates it was used, oldest first."""
    periods, start = [], agency.established_on
    for change in renames:
        periods.append(
            {"name": change.old_name, "start": start, "end": change.effective_on - timedelta(1)}
        )
        start = change.effective_on
    periods.append({"name": agency.name, "start": start, "end": agency.ended_on})
    return periods


def agency_detail(request, pk):
    """An agency's names over time, predecessors and successor, bloc per year, panels, history."""
    require_province_staff(request)
    agency = get_object_or_404(Agency.objects.select_related("successor", "former_province"), pk=pk)
    changes = list(agency.changes.select_related("related_agency").order_by("effective_on", "pk"))
    # Mergers into this agency, recorded on the merged agencies: the successor's history too.
    received = list(
        AgencyChange.objects.filter(related_agency=agency, kind=AgencyChange.Kind.MERGE_INTO)
        .select_related("agency__former_province")
        .order_by("effective_on", "pk")
    )
    split_off = list(
        AgencyChange.objects.filter(related_agency=agency, kind=AgencyChange.Kind.SPLIT_FROM)
        .select_related("agency")
        .order_by("effective_on", "pk")
    )
    renames = [change for change in changes if change.kind == AgencyChange.Kind.RENAME]
    predecessors = list(agency.merged_from.select_related("former_province").in_vietnamese_order())
    split_from = [
        change.related_agency
        for change in changes
        if change.kind == AgencyChange.Kind.SPLIT_FROM and change.related_agency
    ]
    # Its bloc in each year follows its predecessors, like its award history does.
    memberships = (
        Membership.objects.filter(agency_id__in=agency.lineage_ids())
        .select_related("agency", "bloc_year__bloc")
        .order_by("-year", "agency__sort_name")
    )
    return render(
        request,
        "blocs/agency_detail.html",
        {
            "agency": agency,
            "names": names_over_time(agency, renames),
            "changes": changes,
            "received": received,
            "split_off": split_off,
            "today": timezone.localdate(),
            "predecessors": predecessors + split_from,
            "memberships": memberships,
            "panels": render_panels(request, agency_panels(request, agency)),
            "history": AuditEntry.objects.for_object(agency)[:50],
        },
    )


def _agency_form_page(request, agency, form, title, template="blocs/agency_form.html"):
    return render(request, template, {"agency": agency, "form": form, "title": title})


def agency_create(request):
    require_province_staff(request)
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.create_agency(**form.cleaned_data, actor=request.user)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Đã thêm đơn vị %(name)s.") % {"name": agency.name})
            return redirect("blocs:agency_detail", pk=agency.pk)
    return _agency_form_page(request, None, form, _("Thêm cơ quan, đơn vị"))


def agency_edit(request, pk):
    require_province_staff(request)
    agency = get_object_or_404(Agency, pk=pk)
    initial = {
        name: getattr(agency, name)
        for name in ("short_name", "kind", "established_on", "ended_on", "notes")
    }
    form = AgencyEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_agency(agency, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Đã lưu thông tin đơn vị."))
            return redirect("blocs:agency_detail", pk=agency.pk)
    return _agency_form_page(request, agency, form, _("Sửa thông tin đơn vị"))


def _agency_change_view(request, pk, form_class, service, title, done_message):
    require_province_staff(request)
    agency = get_object_or_404(Agency, pk=pk)
    form = form_class(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            service(agency, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, done_message % {"name": agency.name})
            return redirect("blocs:agency_detail", pk=agency.pk)
    return _agency_form_page(request, agency, form, title)


def agency_rename(request, pk):
    return _agency_change_view(
        request,
        pk,
        RenameAgencyForm,
        services.rename_agency,
        _("Đổi tên đơn vị"),
        _("Đã đổi tên %(name)s."),
    )


def agency_merge(request, pk):
    return _agency_change_view(
        request,
        pk,
        MergeAgencyForm,
        services.merge_agency,
        _("Hợp nhất, sáp nhập đơn vị"),
        _("Đã ghi nhận việc hợp nhất %(name)s."),
    )


def agency_split(request, pk):
    return _agency_change_view(
        request,
        pk,
        SplitAgencyForm,
        services.split_agency,
        _("Chia tách đơn vị"),
        _("Đã ghi nhận việc chia tách từ %(name)s."),
    )


def flags_column(bloc_years) -> OverviewColumn | None:
    """The year overview's "Cần xử lý" column: memberships a merger or dissolution recorded after
    the year was opened waits on (one query; no column when there are none)."""
    counts = dict(
        MembershipFlag.objects.filter(
            membership__bloc_year_id__in=[bloc_year.pk for bloc_year in bloc_years], resolution=""
        )
        .values_list("membership__bloc_year_id")
        .annotate(count=Count("pk"))
    )
    if not counts:
        return None
    return OverviewColumn(
        key="flags",
        title=_("Thay đổi thành viên cần xử lý"),
        cells={pk: str(count) for pk, count in counts.items()},
        total=str(sum(counts.values())),
    )


@require_POST
def membership_flag_resolve(request, pk, flag_pk):
    """Staff act on a merger or dissolution recorded after the year was opened."""
    require_province_staff(request)
    flag = get_object_or_404(MembershipFlag.objects.filter(membership__bloc_year_id=pk), pk=flag_pk)
    try:
        services.resolve_membership_flag(flag, request.POST.get("action", ""), actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Đã xử lý thay đổi của thành viên."))
    return redirect("blocs:bloc_year_detail", pk=pk)


@require_POST
def agency_change_cancel(request, pk, change_pk):
    """Withdraw a change recorded ahead of its date (staff, with a reason)."""
    require_province_staff(request)
    change = get_object_or_404(AgencyChange.objects.filter(agency_id=pk), pk=change_pk)
    try:
        services.cancel_agency_change(
            change, reason=request.POST.get("reason", ""), actor=request.user
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Đã hủy thay đổi dự kiến."))
    if not Agency.objects.filter(pk=pk).exists():  # a cancelled split removes its agency
        return redirect("blocs:agency_detail", pk=change.related_agency_id)
    return redirect("blocs:agency_detail", pk=pk)


def agency_dissolve(request, pk):
    return _agency_change_view(
        request,
        pk,
        DissolveAgencyForm,
        services.dissolve_agency,
        _("Giải thể đơn vị"),
        _("Đã ghi nhận việc giải thể %(name)s."),
    )


# Blocs ------------------------------------------------------------------------------------------


def _bloc_list_page(request, bloc_form=None, bloc_year_form=None, status=200):
    # The newest year as a link and the span as text: a link per bloc and year would make the
    # page grow with every year the province keeps.
    newest = BlocYear.objects.filter(bloc=OuterRef("pk")).order_by("-year")
    blocs = Bloc.objects.annotate(
        year_count=Count("years"),
        first_year=Min("years__year"),
        newest_year=Subquery(newest.values("year")[:1]),
        newest_pk=Subquery(newest.values("pk")[:1]),
    ).in_vietnamese_order()
    return render(
        request,
        "blocs/bloc_list.html",
        {
            "blocs": blocs,
            "bloc_form": bloc_form or BlocForm(),
            "bloc_year_form": bloc_year_form
            or BlocYearCreateForm(initial={"year": timezone.localdate().year}),
        },
        status=status,
    )


def bloc_list(request):
    """Every bloc with its active flag and years; forms to create a bloc or a bloc-year."""
    require_province_staff(request)
    return _bloc_list_page(request)


@require_POST
def bloc_create(request):
    require_province_staff(request)
    form = BlocForm(request.POST)
    if form.is_valid():
        try:
            bloc = services.create_bloc(**form.cleaned_data, actor=request.user)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Đã tạo %(name)s.") % {"name": bloc.name})
            return redirect("blocs:bloc_list")
    return _bloc_list_page(request, bloc_form=form, status=400)


@require_POST
def bloc_set_active(request, pk):
    require_province_staff(request)
    bloc = get_object_or_404(Bloc, pk=pk)
    form = BlocActiveForm(request.POST)
    if form.is_valid():
        services.update_bloc(bloc, active=form.cleaned_data["active"], actor=request.user)
        messages.success(request, _("Đã cập nhật trạng thái %(name)s.") % {"name": bloc.name})
    return redirect("blocs:bloc_list")


@require_POST
def bloc_year_create(request):
    require_province_staff(request)
    form = BlocYearCreateForm(request.POST)
    if form.is_valid():
        try:
            bloc_year = services.ensure_bloc_year(
                form.cleaned_data["bloc"], form.cleaned_data["year"], actor=request.user
            )
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Đã mở %(bloc_year)s.") % {"bloc_year": bloc_year})
            return redirect("blocs:bloc_year_detail", pk=bloc_year.pk)
    return _bloc_list_page(request, bloc_year_form=form, status=400)


# Rollover ---------------------------------------------------------------------------------------


def rollover_preview(request, year):
    """What opening `year + 1` would create, for staff to check before committing."""
    require_province_staff(request)
    plan = services.plan_rollover(year)
    return render(
        request,
        "blocs/rollover_preview.html",
        {"plan": plan, "form": RolloverForm(initial={"year": year})},
    )


@require_POST
def rollover_apply(request, year):
    require_province_staff(request)
    form = RolloverForm(request.POST)
    if not form.is_valid() or form.cleaned_data["year"] != year:
        messages.error(request, _("Yêu cầu mở năm không hợp lệ."))
        return redirect("blocs:rollover_preview", year=year)
    result = services.apply_rollover(year, actor=request.user)
    if result.created:
        messages.success(
            request,
            _("Đã mở năm %(year)s: %(blocs)s khối, %(members)s thành viên.")
            % {
                "year": result.year,
                "blocs": len(result.bloc_years),
                "members": result.membership_count,
            },
        )
    else:
        messages.info(
            request,
            _("Năm %(year)s đã được mở trước đó: không tạo gì thêm.") % {"year": result.year},
        )
    return redirect(f"{reverse('blocs:year_overview')}?year={result.year}")


# Bloc-year --------------------------------------------------------------------------------------


def year_switcher(request, bloc_year) -> list[tuple[int, int, str]]:
    """(pk, year, bloc name) of every bloc-year the user may open that a switcher lists: for a
    bloc user each year its agency belongs to (in whatever bloc), for staff this bloc's years."""
    queryset = bloc_years_for_user(request.user)
    if request.user.is_province_staff:
        queryset = queryset.filter(bloc_id=bloc_year.bloc_id)
    return list(
        queryset.order_by("-year", "bloc__sort_name").values_list("pk", "year", "bloc__name")
    )


def _bloc_year_page(request, bloc_year, role, *, add_form=None, leaders_form=None, status=200):
    memberships = members_of(bloc_year)
    bloc_year.members_read = memberships  # the panels list the same members
    names = {m.agency_id: m.agency.name for m in memberships}
    agency_url = RowUrl("blocs:agency_detail")
    signatory_url = RowUrl("blocs:member_signatory", bloc_year.pk)
    remove_url = RowUrl("blocs:member_remove", bloc_year.pk)
    for m in memberships:
        m.agency_url, m.signatory_url, m.remove_url = (
            agency_url(m.agency_id),
            signatory_url(m.pk),
            remove_url(m.pk),
        )
    context = {
        "bloc_year": bloc_year,
        "role": role,
        "years": year_switcher(request, bloc_year),
        "memberships": memberships,
        "head_name": names.get(bloc_year.head_id, bloc_year.head),
        "deputy_name": names.get(bloc_year.deputy_id, bloc_year.deputy),
        "flags": MembershipFlag.objects.filter(membership__bloc_year=bloc_year, resolution="")
        .select_related("membership__agency", "change__related_agency")
        .order_by("pk"),
        "panels": render_panels(request, bloc_year_panels(request, bloc_year, role)),
        "history": AuditEntry.objects.for_object(bloc_year)[:50],
    }
    if role.can_manage_structure:
        context["add_form"] = add_form or AddMemberForm(bloc_year=bloc_year)
        context["leaders_form"] = leaders_form or LeadersForm(
            bloc_year=bloc_year,
            initial={"head": bloc_year.head_id, "deputy": bloc_year.deputy_id},
            names=names,
        )
    return render(request, "blocs/bloc_year_detail.html", context, status=status)


def bloc_year_detail(request, pk):
    """A bloc-year: members and signatories, leaders, liaison, feature panels and history."""
    bloc_year, role = get_bloc_year_for_user(request, pk)
    return _bloc_year_page(request, bloc_year, role)


def bloc_year_edit(request, pk):
    """The liaison (lãnh đạo phụ trách) and notes of a bloc-year: province staff."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability="can_manage_structure")
    form = LiaisonForm(
        request.POST or None,
        initial={
            "liaison_name": bloc_year.liaison_name,
            "liaison_title": bloc_year.liaison_title,
            "notes": bloc_year.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_bloc_year(bloc_year, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Đã lưu thông tin khối."))
            return redirect("blocs:bloc_year_detail", pk=bloc_year.pk)
    return render(
        request,
        "blocs/bloc_year_form.html",
        {"bloc_year": bloc_year, "form": form, "title": _("Lãnh đạo phụ trách và ghi chú")},
    )


@require_POST
def member_add(request, pk):
    bloc_year, role = get_bloc_year_for_user(request, pk, capability="can_manage_structure")
    form = AddMemberForm(request.POST, bloc_year=bloc_year)
    if form.is_valid():
        try:
            membership = services.add_member(bloc_year, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(
                request, _("Đã thêm %(agency)s vào khối.") % {"agency": membership.agency.name}
            )
            return redirect("blocs:bloc_year_detail", pk=bloc_year.pk)
    return _bloc_year_page(request, bloc_year, role, add_form=form, status=400)


@require_POST
def member_remove(request, pk, membership_pk):
    bloc_year, role = get_bloc_year_for_user(request, pk, capability="can_manage_structure")
    membership = get_object_or_404(bloc_year.memberships.select_related("agency"), pk=membership_pk)
    try:
        services.remove_member(bloc_year, membership.agency, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request, _("Đã rút %(agency)s khỏi khối.") % {"agency": membership.agency.name}
        )
    return redirect("blocs:bloc_year_detail", pk=bloc_year.pk)


@require_POST
def bloc_year_leaders(request, pk):
    bloc_year, role = get_bloc_year_for_user(request, pk, capability="can_manage_structure")
    form = LeadersForm(request.POST, bloc_year=bloc_year)
    if form.is_valid():
        try:
            services.assign_leaders(bloc_year, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Đã phân công trưởng khối và phó khối."))
            return redirect("blocs:bloc_year_detail", pk=bloc_year.pk)
    return _bloc_year_page(request, bloc_year, role, leaders_form=form, status=400)


def bloc_year_apply_election(request, pk):
    """ "Áp dụng kết quả bầu cho năm Y+1": a preview of year Y+1's new head and deputy, then a
    confirm step (the head or province staff; staff confirm when Y+1's covenant is open)."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability="can_finalize")
    plan = services.plan_election_carry_over(bloc_year)
    if request.method == "POST":
        try:
            target = services.apply_election_to_next_year(
                bloc_year,
                staff_confirmed=request.POST.get("staff_confirmed") == "1",
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(
                request,
                _("Đã áp dụng kết quả bầu cho năm %(year)s.") % {"year": target.year},
            )
            return redirect("blocs:bloc_year_detail", pk=target.pk)
    return render(
        request,
        "blocs/apply_election.html",
        {"bloc_year": bloc_year, "role": role, "plan": plan},
        status=400 if request.method == "POST" else 200,
    )


def member_signatory(request, pk, membership_pk):
    """The leader who signs for one member this year: province staff and the bloc head."""
    bloc_year, role = get_bloc_year_for_user(request, pk, capability="can_edit_signatories")
    membership = get_object_or_404(bloc_year.memberships.select_related("agency"), pk=membership_pk)
    form = SignatoryForm(
        request.POST or None,
        initial={
            "signatory_name": membership.signatory_name,
            "signatory_title": membership.signatory_title,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_signatory(membership, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(
                request,
                _("Đã lưu người ký của %(agency)s.") % {"agency": membership.agency.name},
            )
            return redirect("blocs:bloc_year_detail", pk=bloc_year.pk)
    return render(
        request,
        "blocs/bloc_year_form.html",
        {
            "bloc_year": bloc_year,
            "form": form,
            "title": _("Người ký của %(agency)s") % {"agency": membership.agency.name},
        },
    )

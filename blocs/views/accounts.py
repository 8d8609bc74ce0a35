"""Account pages for province staff, the bloc-year readers panel, and the password pages.

Staff pages list, create, edit, (de)activate accounts and hand out one-time set-password links;
every change goes through `blocs.services.accounts`. The password pages are Django's own views
with the portal's forms: a link sets the password, a reset is mailed, a change is forced.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from blocs.forms.accounts import (
    AccountForm,
    AuditedPasswordChangeForm,
    LiaisonUserForm,
    LinkSetPasswordForm,
    ReaderForm,
    ThrottledPasswordResetForm,
)
from blocs.imports.accounts import (
    ACCOUNT_COLUMNS,
    account_template,
    apply_accounts,
    preview_accounts,
)
from blocs.panels import Panel
from blocs.permissions import get_bloc_year_for_user, require_province_staff
from blocs.services import accounts as services
from emulation import pipeline
from emulation.excel import export_response, read_sheet
from emulation.forms import form_errors_as_messages, show_errors
from emulation.models import AuditEntry, User
from emulation.text import fold, nfc

ACCOUNTS_PER_PAGE = 50
# The links a staff member just made, shown once on the next page (never stored elsewhere).
SESSION_LINKS = "account_password_links"


def _account(pk) -> User:
    return get_object_or_404(services.accounts_queryset(), pk=pk)


def _search(accounts, query: str):
    for word in query.split():
        accounts = accounts.filter(
            Q(username__icontains=word)
            | Q(full_name__icontains=word)
            | Q(email__icontains=word)
            | Q(agency__search_name__contains=fold(word))
        )
    return accounts


def _filter_kind(accounts, kind: str):
    staff = Q(in_staff_group=True) | Q(is_superuser=True)
    if kind == services.AccountKind.STAFF:
        return accounts.filter(staff)
    if kind == services.AccountKind.OFFICER:
        return accounts.exclude(staff).filter(agency__isnull=False)
    if kind == services.AccountKind.READER:
        return accounts.exclude(staff).filter(agency__isnull=True)
    return accounts


def _choices(labels: dict, blank) -> list[tuple[str, str]]:
    return [("", blank), *((str(key), label) for key, label in labels.items())]


STATUS_LABELS = {"active": gettext_lazy("Đang hoạt động"), "inactive": gettext_lazy("Đã khóa")}


@require_GET
def account_list(request):
    """Accounts: search by name, username, email or agency (accents optional for agencies),
    filter by kind and status, 50 a page."""
    require_province_staff(request)
    # NUL cannot reach PostgreSQL in a query; a long paste is cut to the field's length.
    query = nfc(request.GET.get("q", "").replace("\x00", ""))[:100]
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    accounts = _filter_kind(_search(services.accounts_queryset(), query), kind)
    if status in STATUS_LABELS:
        accounts = accounts.filter(is_active=status == "active")
    accounts = accounts.order_by("agency__sort_name", "full_name", "username", "pk")
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    for user in page:
        user.kind_label = services.KIND_LABELS[services.kind_of(user)]
    return render(
        request,
        "blocs/accounts/list.html",
        {
            "page": page,
            "q": query,
            "kind": kind,
            "status": status,
            "kinds": _choices(services.KIND_LABELS, _("Mọi loại tài khoản")),
            "statuses": _choices(STATUS_LABELS, _("Mọi trạng thái")),
        },
    )


def account_create(request):
    """A new account for an agency's officer, province staff or a reader; then its link."""
    require_province_staff(request)
    form = AccountForm(request.POST or None, initial={"kind": services.AccountKind.OFFICER})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_account(actor=request.user, **form.service_fields())
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            _remember_link(request, user, services.issue_password_link(user, actor=request.user))
            messages.success(
                request,
                _(
                    "Đã tạo tài khoản %(username)s. Gửi đường dẫn đặt mật khẩu bên dưới cho "
                    "%(name)s."
                )
                % {"username": user.username, "name": user.full_name},
            )
            return redirect("blocs:account_detail", user.pk)
    return render(
        request,
        "blocs/accounts/form.html",
        {"form": form, "title": _("Tạo tài khoản")},
        status=400 if form.errors else 200,
    )


def account_edit(request, pk):
    """Change an account's name, position, email, agency or kind."""
    require_province_staff(request)
    user = _account(pk)
    initial = {
        "username": user.username,
        "full_name": user.full_name,
        "position": user.position,
        "email": user.email,
        "kind": services.kind_of(user),
        "agency": user.agency,
    }
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_account(user, actor=request.user, **form.service_fields())
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            if changed:
                messages.success(request, _("Đã lưu tài khoản %(user)s.") % {"user": user.username})
            else:
                messages.info(request, _("Không có gì thay đổi."))
            return redirect("blocs:account_detail", user.pk)
    return render(
        request,
        "blocs/accounts/form.html",
        {"form": form, "account": user, "title": _("Sửa tài khoản %(user)s") % {"user": user}},
        status=400 if form.errors else 200,
    )


@require_GET
def account_detail(request, pk):
    """An account: who it is, what it may read, its one-time link when just made, history."""
    require_province_staff(request)
    user = _account(pk)
    links = request.session.get(SESSION_LINKS, {})
    link = links.pop(str(user.pk), None)
    if link is not None:
        request.session[SESSION_LINKS] = links
    reads = [
        *user.observed_bloc_years.select_related("bloc").order_by("-year"),
        *user.liaison_bloc_years.select_related("bloc").order_by("-year"),
    ]
    return render(
        request,
        "blocs/accounts/detail.html",
        {
            "account": user,
            "kind_label": services.KIND_LABELS[services.kind_of(user)],
            "link": link,
            "reads": reads,
            "history": AuditEntry.objects.for_object(user)[:50],
        },
    )


@require_POST
def account_set_active(request, pk):
    """Deactivate (never delete: the audit keeps the name) or reactivate an account."""
    require_province_staff(request)
    user = _account(pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_account_active(user, active, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        message = _("Đã mở lại tài khoản %(user)s.") if active else _("Đã khóa tài khoản %(user)s.")
        messages.success(request, message % {"user": user.username})
    return redirect("blocs:account_detail", user.pk)


def _remember_link(request, user: User, link: str) -> None:
    request.session[SESSION_LINKS] = {**request.session.get(SESSION_LINKS, {}), str(user.pk): link}


@require_POST
def account_password_link(request, pk):
    """Make a one-time set-password link and show it once on the account page."""
    require_province_staff(request)
    user = _account(pk)
    try:
        _remember_link(request, user, services.issue_password_link(user, actor=request.user))
    except ValidationError as error:
        show_errors(request, error)
    return redirect("blocs:account_detail", user.pk)


def _send_links(request, users) -> None:
    try:
        result = services.email_password_links(users, actor=request.user)
    except OSError:
        messages.error(
            request, _("Không gửi được thư: máy chủ thư không trả lời. Hãy thử lại sau.")
        )
        return
    if result.sent:
        messages.success(
            request,
            _("Đã gửi đường dẫn đặt mật khẩu tới %(count)s địa chỉ thư.")
            % {"count": len(result.sent)},
        )
    if result.skipped:
        names = ", ".join(user.username for user in result.skipped[:20])
        messages.warning(
            request,
            _("Chưa gửi cho %(count)s tài khoản không có thư điện tử hoặc đã khóa: %(names)s.")
            % {"count": len(result.skipped), "names": names},
        )


@require_POST
def account_password_email(request, pk):
    """Mail the account its one-time set-password link."""
    require_province_staff(request)
    user = _account(pk)
    _send_links(request, [user])
    return redirect("blocs:account_detail", user.pk)


@require_POST
def account_links_email(request):
    """Mail their links to the accounts an import just created (ids posted by its result page)."""
    require_province_staff(request)
    ids = [value for value in request.POST.getlist("user") if value.isdigit()][:5000]
    users = list(User.objects.filter(pk__in=ids).order_by("username"))
    if users:
        _send_links(request, users)
    else:
        messages.error(request, _("Không có tài khoản nào được chọn."))
    return redirect("blocs:account_list")


# --- The import ----------------------------------------------------------------------------


def _finish_import(request, pending, created):
    """The result page: each new account with its one-time link, and a button to mail them."""
    rows = [
        {"user": user, "link": services.issue_password_link(user, actor=request.user)}
        for user in created
    ]
    messages.success(
        request,
        _("Đã nhập tệp %(name)s: %(count)s tài khoản mới.")
        % {"name": pending.filename, "count": len(created)},
    )
    return render(
        request,
        "blocs/accounts/import_result.html",
        {"rows": rows, "with_email": [row["user"] for row in rows if row["user"].email]},
    )


ACCOUNT_IMPORTER = pipeline.register(
    pipeline.Importer(
        kind="accounts",
        title=gettext_lazy("Nhập tài khoản từ Excel"),
        check=lambda data: read_sheet(data, ACCOUNT_COLUMNS),
        plan=lambda data, options: preview_accounts(data),
        commit=lambda data, options, *, actor: apply_accounts(data, actor=actor),
        finish=_finish_import,
        template="blocs/accounts/import.html",
        section_base="blocs/base.html",
        page_url_name="blocs:account_import",
        commit_url_name="blocs:account_import_commit",
        cancel_url_name="blocs:account_import_cancel",
        help_text=gettext_lazy(
            "Dùng tệp mẫu; tối đa %(max)s MB. Tải lên chưa thay đổi gì: bạn xem trước rồi "
            "mới xác nhận nhập."
        ),
        context={"columns": ACCOUNT_COLUMNS},
    )
)


def account_import(request):
    """Upload an account workbook (POST) or see its row-by-row preview (GET)."""
    return pipeline.import_page(request, ACCOUNT_IMPORTER)


def account_import_commit(request):
    return pipeline.import_commit(request, ACCOUNT_IMPORTER)


def account_import_cancel(request):
    return pipeline.import_cancel(request, ACCOUNT_IMPORTER)


@require_GET
def account_import_template(request):
    require_province_staff(request)
    return export_response(*account_template())


# --- Observers and liaison on the bloc-year page -------------------------------------------


def readers_panel(request, bloc_year, role):
    """Staff add and remove observers and link the liaison's account (read-only roles)."""
    if not role.is_staff:
        return None
    observers = list(bloc_year.observers.select_related("agency").order_by("full_name", "pk"))
    liaison = bloc_year.liaison_user
    return Panel(
        "blocs/accounts/readers_panel.html",
        {
            "bloc_year": bloc_year,
            "observers": observers,
            "liaison": liaison,
            "observer_form": ReaderForm(auto_id="observer_%s"),
            "liaison_form": LiaisonUserForm(
                auto_id="liaison_%s", initial={"username": liaison.username if liaison else ""}
            ),
        },
    )


def _back_to(bloc_year):
    return redirect(f"{reverse('blocs:bloc_year_detail', args=[bloc_year.pk])}#readers")


def _reader_change(request, pk, form_class, change) -> HttpResponse:
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_manage_structure")
    form = form_class(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return _back_to(bloc_year)
    try:
        message = change(bloc_year, form.cleaned_data["username"])
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, message)
    return _back_to(bloc_year)


@require_POST
def bloc_year_observer_add(request, pk):
    def add(bloc_year, username):
        user = services.add_observer(bloc_year, username, actor=request.user)
        return _("Đã thêm %(user)s theo dõi khối.") % {"user": user}

    return _reader_change(request, pk, ReaderForm, add)


@require_POST
def bloc_year_observer_remove(request, pk, user_pk):
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_manage_structure")
    user = get_object_or_404(bloc_year.observers, pk=user_pk)
    services.remove_observer(bloc_year, user, actor=request.user)
    messages.success(request, _("Đã bỏ %(user)s khỏi người theo dõi.") % {"user": user})
    return _back_to(bloc_year)


@require_POST
def bloc_year_liaison_user(request, pk):
    def link(bloc_year, username):
        user = services.set_liaison_user(bloc_year, username, actor=request.user)
        if user is None:
            return _("Đã bỏ liên kết tài khoản lãnh đạo phụ trách.")
        return _("Đã liên kết tài khoản %(user)s là lãnh đạo phụ trách.") % {"user": user}

    return _reader_change(request, pk, LiaisonUserForm, link)


# --- Password pages (Django's views, the portal's forms and templates) ---------------------


class PortalPasswordResetView(auth_views.PasswordResetView):
    """Mail a reset link; throttled, and the same answer whether the address exists or not."""

    form_class = ThrottledPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    extra_email_context = {"site_url": settings.SITE_URL}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a password from a one-time link (a reset mail or the staff's link)."""

    form_class = LinkSetPasswordForm
    template_name = "registration/password_set_form.html"
    success_url = reverse_lazy("password_reset_complete")


class PortalPasswordChangeView(auth_views.PasswordChangeView):
    """Change the password (forced at first sign-in when the account says so)."""

    form_class = AuditedPasswordChangeForm
    success_url = reverse_lazy("password_change_done")

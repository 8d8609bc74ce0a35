from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from blocs.panels import Panel
from blocs.permissions import bloc_years_for_user, get_bloc_year_for_user, require_province_staff
from emulation.documents import (
    document_filename,
    read_document,
    read_word_copy,
    sample_minutes_pdf,
)
from emulation.documents import verify as verify_document
from emulation.docx import DOCX
from emulation.forms import ThrottledAuthenticationForm, VerifyDocumentForm
from emulation.models import AuditEntry
from emulation.pdf import pdf_response


def home(request):
    """Province staff land on the year overview; bloc users on their newest bloc-year."""
    if request.user.is_province_staff:
        return redirect("blocs:year_overview")
    bloc_year = bloc_years_for_user(request.user).order_by("-year").first()
    if bloc_year:
        return redirect("blocs:bloc_year_detail", pk=bloc_year.pk)
    return render(request, "emulation/no_bloc.html")


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise (for the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_POST
def set_language(request):
    """Remember the chosen language in a cookie; Accept-Language is never consulted."""
    language = request.POST.get("language", settings.LANGUAGE_CODE)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=not settings.DEBUG,
        httponly=True,
    )
    return response


def audit_log(request):
    """Every audit entry, newest first, filterable by action, actor and object type (staff)."""
    require_province_staff(request)
    entries = AuditEntry.objects.select_related("content_type")
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    return render(
        request,
        "emulation/audit_log.html",
        {"page": page, "action": action, "actor": actor, "actions": actions},
    )


def sample_document(request, bloc_year_pk):
    """An empty BIÊN BẢN for the bloc-year, to print and fill in at a meeting."""
    bloc_year, _role = get_bloc_year_for_user(request, bloc_year_pk)
    return pdf_response(*sample_minutes_pdf(bloc_year))


def issued_document(request, bloc_year_pk, pk):
    """Download an issued document of a bloc-year (anyone who may read the bloc-year)."""
    bloc_year, _role = get_bloc_year_for_user(request, bloc_year_pk)
    document = get_object_or_404(bloc_year.issued_documents, pk=pk)
    try:
        data = read_document(document)
    except OSError:
        raise Http404 from None
    return pdf_response(document_filename(document), "application/pdf", data)


def issued_document_word(request, bloc_year_pk, pk):
    """The Word copy made at issue from the same data (404 for documents issued without one)."""
    bloc_year, _role = get_bloc_year_for_user(request, bloc_year_pk)
    document = get_object_or_404(bloc_year.issued_documents.exclude(docx_file=""), pk=pk)
    try:
        data = read_word_copy(document)
    except OSError:
        raise Http404 from None
    return pdf_response(document_filename(document, "docx"), DOCX, data, inline=False)


@never_cache
def verify(request):
    """Public: is this PDF (or hash, or code) one the portal issued, unchanged, and signed?"""
    result = None
    if request.method == "POST":
        form = VerifyDocumentForm(request.POST, request.FILES)
    elif request.GET.get("q"):
        form = VerifyDocumentForm(request.GET)
    else:
        form = VerifyDocumentForm()
    if form.is_bound and form.is_valid():
        kind, value = form.cleaned_data["q"]
        result = verify_document(
            data=form.cleaned_data["file"],
            sha256=value if kind == "sha256" else "",
            code=value if kind == "code" else "",
        )
    return render(request, "emulation/verify.html", {"form": form, "result": result})


def documents_panel(request, bloc_year, role):
    """The bloc-year's issued documents (newest first) and the blank BIÊN BẢN, on its page."""
    documents = list(bloc_year.issued_documents.order_by("-issued_at", "-pk")[:20])
    return Panel("emulation/documents_panel.html", {"bloc_year": bloc_year, "documents": documents})

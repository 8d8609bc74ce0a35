from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from emulation import two_factor
from emulation.audit_display import readable_entries
from emulation.audit_filters import AuditFilterForm
from emulation.documents import verify as verify_document
from emulation.forms import ThrottledAuthenticationForm, VerifyDocumentForm
from emulation.keyset import keyset_page
from emulation.models import AuditEntry
from emulation.params import local_url
from emulation.permissions import require_province_staff
from emulation.two_factor_views import remember_password_step


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise (for the load balancer). Served by
    `emulation.outage.HealthzMiddleware` before the session is read, so a cookie changes nothing."""
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

    def form_valid(self, form):
        """A right password signs in, unless the account has a second factor: then its code."""
        user = form.get_user()
        if two_factor.confirmed_device(user) is not None:
            return remember_password_step(self.request, user, self.get_success_url())
        return super().form_valid(form)


@require_POST
def set_language(request):
    """Remember the chosen language in a cookie; Accept-Language is never consulted."""
    language = request.POST.get("language", settings.LANGUAGE_CODE)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    response = HttpResponseRedirect(local_url(request, request.POST.get("next")))
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
    """Every audit entry, newest first, as people read it, filtered by bloc, object type,
    actor account, action and date range (province staff)."""
    require_province_staff(request)
    form = AuditFilterForm(request.GET)
    form.is_valid()
    page = keyset_page(form.filter(AuditEntry.objects.all()), request.GET)
    return render(
        request,
        "emulation/audit_log.html",
        {"page": page, "form": form, "rows": readable_entries(page.object_list, places=True)},
    )


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

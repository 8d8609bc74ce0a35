"""Request-wide policies: login everywhere, a forced password change, the second factor the
province requires of its staff, the chosen language, the client IP for audit."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from emulation import two_factor
from emulation.audit import remember_request_ip

PUBLIC_PATHS = (
    "/login/",
    "/healthz",
    "/verify/",
    "/static/",
    "/i18n/",
    "/favicon.ico",
    "/password/reset/",
    "/password/set/",
    "/calendar-feed/",
)
# What a user who must change the password may still open (besides the change page itself).
PASSWORD_CHANGE_EXEMPT = ("/logout/", "/healthz", "/static/", "/i18n/", "/favicon.ico")
# What a staff member still to give the second factor may open (besides its own pages).
SECOND_FACTOR_EXEMPT = PASSWORD_CHANGE_EXEMPT


def client_ip(request) -> str | None:
    # Behind nginx the real address arrives in X-Real-IP; only trust it when configured.
    if getattr(settings, "TRUST_X_REAL_IP", False):
        return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")
    return request.META.get("REMOTE_ADDR")


class LoginRequiredMiddleware:
    """Every page needs a login except the login page, /healthz, /verify/ and static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        remember_request_ip(client_ip(request))
        try:
            if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PATHS):
                return redirect_to_login(request.get_full_path())
            return self.get_response(request)
        finally:
            # The thread serves other requests and commands next: never log this IP for them.
            remember_request_ip(None)


class ForcedPasswordChangeMiddleware:
    """A user whose account says `must_change_password` sees only the password change page
    (and may sign out) until the password is changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password:
            allowed = (reverse("password_change"), reverse("password_change_done"))
            if not request.path.startswith((*allowed, *PASSWORD_CHANGE_EXEMPT)):
                return redirect("password_change")
        return self.get_response(request)


class SecondFactorMiddleware:
    """With `STAFF_TOTP_REQUIRED`, a province staff member signed in without a code is sent to
    set one up, or to type it, before any other page (after a forced password change)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.STAFF_TOTP_REQUIRED
            and user.is_authenticated
            and not user.must_change_password
            and not request.path.startswith(SECOND_FACTOR_EXEMPT)
            and not user.is_verified()
            and two_factor.required_for(user)
        ):
            setup, code = reverse("two_factor"), reverse("login_code")
            if not request.path.startswith((setup, code)):
                if two_factor.confirmed_device(user) is None:
                    return redirect(setup)
                return redirect(f"{code}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class SessionLanguageMiddleware:
    """Vietnamese unless the user picked English with the switcher (cookie), whatever the
    browser's Accept-Language says: official work is in Vietnamese."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response

"""The portal while the database is unreachable: /healthz says so, every page answers 503.

Django turns an exception raised inside any middleware into a response at that very layer
(`convert_exception_to_response`), so no middleware sees the failed session lookup of
`LoginRequiredMiddleware` as an exception, and `process_exception` only sees the view's. The one
place every uncaught exception reaches, from a middleware, a view or a template, is the 500
handler, called while the exception is being handled: `server_error` (`handler500` in
`portal/urls.py`) tells a database error from the rest there, and Django logs the request once.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

from emulation.views import healthz

# psycopg's refused or broken connections reach us wrapped as these two.
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60


class HealthzMiddleware:
    """Answers /healthz before the session exists, so a signed-in browser or a load balancer
    that keeps cookies sees the database's own 200 or 503, not a failed session lookup's error.

    A middleware rather than a view that avoids `request.user`: every later middleware (and the
    ones added after it) may touch the session; standing before SessionMiddleware, nothing can.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)


def server_error(request):
    """503 with the outage page when the database failed, Django's 500 page otherwise; both
    rendered without a request context (no session, no user, no query)."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)

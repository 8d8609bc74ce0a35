"""Settings for the emulation bloc portal, read from environment variables.

Every variable goes through a typed helper that refuses a bad value at start-up with a message
naming the variable, so a typo in production fails loudly instead of running with a default.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Behind nginx the client's address arrives in X-Real-IP; trust it only when nginx sets it.
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", False)

PROVINCE_NAME = env_str("PROVINCE_NAME", "Ninh Bình")
# The place printed before the date on official documents ("Hà Nam, ngày 05 tháng 02 năm 2024").
DOCUMENT_PLACE = env_str("DOCUMENT_PLACE", PROVINCE_NAME)
# Public address printed on issued documents so a reader knows where to verify them.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Days before a deadline on which `send_reminders` reminds whoever still has the step to do.
REMINDER_DAYS = (7, 1)
# The province body that issues the council's papers, as printed in their heading and number
# ("Sở Nội vụ", "05/DS-SNV"), and who signs the list of proposals for the council.
PROVINCE_OFFICE_NAME = env_str("PROVINCE_OFFICE_NAME", "Sở Nội vụ")
PROVINCE_OFFICE_CODE = env_str("PROVINCE_OFFICE_CODE", "SNV")
# The office of the province staff who run emulation and commendation (since the 2025
# reorganisation a "Phòng" of Sở Nội vụ; earlier a "Ban"): named on pages, in messages and in the
# covenant's copies clause, with a short form for the staff badge.
EMULATION_OFFICE_NAME = env_str("EMULATION_OFFICE_NAME", "Phòng Thi đua - Khen thưởng, Sở Nội vụ")
EMULATION_OFFICE_SHORT = env_str("EMULATION_OFFICE_SHORT", "Phòng TĐKT")
COUNCIL_LIST_SIGNER_AUTHORITY = env_str("COUNCIL_LIST_SIGNER_AUTHORITY", "KT. GIÁM ĐỐC")
COUNCIL_LIST_SIGNER_TITLE = env_str("COUNCIL_LIST_SIGNER_TITLE", "PHÓ GIÁM ĐỐC")
COUNCIL_LIST_SIGNER_NAME = env_str("COUNCIL_LIST_SIGNER_NAME", "")
# How many units may lead one bloc in a year (the Government Flag quota counts them).
LEADING_UNITS_PER_BLOC = env_int("LEADING_UNITS_PER_BLOC", 1)
# Print a number ("Phiếu số: 01") on each ballot paper. Off: the papers are identical, as most
# provinces print them, and the PDF repeats one rendered page (fast); on: every page is rendered.
BALLOT_PAPER_SERIALS = env_bool("BALLOT_PAPER_SERIALS", False)

# PAdES signing of issued documents: a PKCS#12 file and its passphrase. Optional.
SIGNING_PKCS12_PATH = env_str("SIGNING_PKCS12_PATH")
SIGNING_PKCS12_PASSPHRASE = env_str("SIGNING_PKCS12_PASSPHRASE")
if SIGNING_PKCS12_PATH and not Path(SIGNING_PKCS12_PATH).is_file():
    raise ImproperlyConfigured(f"SIGNING_PKCS12_PATH={SIGNING_PKCS12_PATH!r} is not a file.")
# PEM files of the certification authorities /verify/ trusts (comma-separated). Without them a
# signature is reported intact but its certificate as not verified against an authority.
SIGNING_TRUST_ROOTS = env_list("SIGNING_TRUST_ROOTS", [])
for _root in SIGNING_TRUST_ROOTS:
    if not Path(_root).is_file():
        raise ImproperlyConfigured(f"SIGNING_TRUST_ROOTS entry {_root!r} is not a file.")

# Login protection (emulation.login_protection, on django-axes): failures per account and
# address, and per address for any account; cool-offs doubling from the base to the maximum.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 50, minimum=1)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 5, minimum=1)
LOGIN_COOLOFF_MAX_MINUTES = env_int("LOGIN_COOLOFF_MAX_MINUTES", 60, minimum=1)
# Province staff must sign in with a code from an authenticator app as well (anyone may opt in).
STAFF_TOTP_REQUIRED = env_bool("STAFF_TOTP_REQUIRED", False)
# The name the authenticator app shows beside the codes.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", f"Cổng khối thi đua {PROVINCE_NAME}")
UPLOAD_MAX_MB = env_int("UPLOAD_MAX_MB", 20, minimum=1)

# Mail: set-password links and password resets. The console backend (the demo) prints them.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cong-thi-dua@localhost")
# How long a set-password or reset link stays valid (it dies earlier once used).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_HOURS", 72, minimum=1) * 3600
# A former province's whole history (docs/bundle.md): a large province's bundle is about 10 MB.
BUNDLE_MAX_MB = env_int("BUNDLE_MAX_MB", 100, minimum=1)

INSTALLED_APPS = [
    "emulation",
    "blocs",
    "awards",
    "portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: /healthz reports the database even to a signed-in browser.
    "emulation.outage.HealthzMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "emulation.middleware.SessionLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave its second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "emulation.middleware.LoginRequiredMiddleware",
    "emulation.middleware.ForcedPasswordChangeMiddleware",
    "emulation.middleware.SecondFactorMiddleware",
    # Last: turns a login refused for a cool-off into status 429 (the form says why).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "emulation.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A kept connection the database dropped (restart, outage) is replaced before the next
        # request uses it, instead of failing that request.
        conn_health_checks=True,
    )
}
# A read replica of the primary (streaming replication), for exports and statistics only
# (emulation.replica; docs/operations.md). Unset: every read stays on the primary.
READ_REPLICA = None
if env_str("DATABASE_REPLICA_URL"):
    READ_REPLICA = "replica"
    DATABASES[READ_REPLICA] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
DATABASE_ROUTERS = ["emulation.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "emulation.User"
# Django's model backend, loading the unread-notification badge with the signed-in user.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "emulation.backends.PortalBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "emulation.login_protection.failure_limit"
AXES_COOLOFF_TIME = "emulation.login_protection.cool_off"
AXES_USERNAME_CALLABLE = "emulation.login_protection.username_key"
AXES_CLIENT_IP_CALLABLE = "emulation.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "emulation.login_protection.lockout_response"
# Named, not left to axes' lazy default (a lazy object posing as a str in settings).
AXES_USERNAME_FORM_FIELD = "username"
# Each attempt expires by its own cool-off, not by the cool-off of whoever fails next.
AXES_USE_ATTEMPT_EXPIRATION = True
# Failures during a cool-off neither count nor lengthen it; the next cool-off doubles instead.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# The failure log remembers earlier cool-offs for the doubling; logins are in the audit log.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password", "csrfmiddlewaretoken"]
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media-not-served/"  # uploads are served by views that check permissions
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Drafts and working copies (ballot papers, an unissued covenant) rendered a moment ago are served
# again while their HTML is unchanged (emulation.pdf.render_key); per worker, a few dozen at most.
# DOCUMENT_RENDER_CACHE_SECONDS=0 turns it off.
DOCUMENT_RENDER_CACHE_SECONDS = env_int("DOCUMENT_RENDER_CACHE_SECONDS", 600)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "documents": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "documents",
        "OPTIONS": {"MAX_ENTRIES": 40},
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Stored files (issued documents, signed pages, dossiers) readable by the portal's user and its
# group (backups), never by other accounts on the server.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
# Office computers are shared: a session ends when the browser closes and after a working day
# (hours, SESSION_HOURS), unless the province chooses otherwise.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 10, minimum=1) * 3600
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Only this host's files; no inline script, style or on*= handler (docs/operations.md).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING") or "WARNING"},
    # WeasyPrint and fontTools are chatty at INFO about font subsetting.
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # pyHanko logs a traceback for every self-signed certificate /verify/ inspects.
        "pyhanko": {"level": "ERROR"},
    },
}

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from blocs.views import accounts, calendar, documents
from emulation import notification_views, two_factor_views, views
from portal.views import home

# A database outage answers 503 with its own page; any other error the usual 500.
handler500 = "emulation.outage.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", two_factor_views.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", two_factor_views.two_factor_settings, name="two_factor"),
    path("account/two-factor/off/", two_factor_views.two_factor_off, name="two_factor_off"),
    path("password/", accounts.PortalPasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("password/reset/", accounts.PortalPasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/set/<uidb64>/<token>/",
        accounts.PortalPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/language/", views.set_language, name="set_language"),
    path(
        "calendar-feed/<int:user_pk>/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"
    ),
    path("audit/", views.audit_log, name="audit_log"),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path(
        "notifications/<int:pk>/open/",
        notification_views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/preferences/",
        notification_views.notification_preferences,
        name="notification_preferences",
    ),
    path("verify/", views.verify, name="verify"),
    path("documents/sample/<int:bloc_year_pk>/", documents.sample_document, name="sample_document"),
    path(
        "documents/<int:bloc_year_pk>/<int:pk>/", documents.issued_document, name="issued_document"
    ),
    path(
        "documents/<int:bloc_year_pk>/<int:pk>.docx",
        documents.issued_document_word,
        name="issued_document_word",
    ),
    path("blocs/", include("blocs.urls")),
    path("awards/", include("awards.urls")),
    path("admin/", admin.site.urls),
]

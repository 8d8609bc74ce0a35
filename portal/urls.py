from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from blocs.views import documents
from emulation import views
from portal.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url="/password/done/"),
        name="password_change",
    ),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("i18n/language/", views.set_language, name="set_language"),
    path("audit/", views.audit_log, name="audit_log"),
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

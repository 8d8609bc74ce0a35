"""The Django admin is no side door: what the portal's services write is view-only here, and the
account edits it still allows (users, groups, until accounts pages exist) leave an audit entry."""

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from emulation.audit import log_action
from emulation.models import AuditEntry, IssuedDocument, User
from emulation.params import local_url

# Never the hash nor the typed value: the audit entry only says the password changed.
PASSWORD_FIELDS = frozenset({"password", "password1", "password2", "usable_password"})
PASSWORD_CHANGED = "đã thay đổi"


class ViewOnlyAdmin(admin.ModelAdmin):
    """Browse and search only: an edit here would bypass the service and its audit entry.
    `edited_on` names the portal page (URL name) that makes the change, shown on the list."""

    edited_on = ""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if self.edited_on:
            url = reverse(self.edited_on)
            note = format_html('{} <a href="{}">{}</a>', _("Chỉ xem. Sửa tại trang"), url, url)
            extra_context = {**(extra_context or {}), "subtitle": note}
        return super().changelist_view(request, extra_context)


def _readable(field, value):
    """A form value as the audit log shows it: related objects by name, never by id."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return sorted(str(item) for item in value or [])
    if isinstance(field, forms.ModelChoiceField) and value not in (None, ""):
        return value if hasattr(value, "pk") else field.queryset.filter(pk=value).first()
    return value


def form_changes(form, change: bool) -> dict:
    """{"field": [old, new]} for every field the admin form changed; passwords only as changed."""
    changes = {}
    for name in form.changed_data:
        if name in PASSWORD_FIELDS:
            changes["password"] = PASSWORD_CHANGED
            continue
        field = form.fields[name]
        before = _readable(field, form.initial.get(name)) if change else None
        changes[name] = [before, _readable(field, form.cleaned_data.get(name))]
    return changes


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete writes `<audit_prefix>.created|updated|deleted`, in the same
    transaction as the admin's own write (save_related runs after the many-to-many fields)."""

    audit_prefix = ""
    audit_deleted_fields = ()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        action = f"{self.audit_prefix}.{'updated' if change else 'created'}"
        changes = form_changes(form, change)
        if changes or not change:
            log_action(action, form.instance, actor=request.user, data=changes)

    def _log_deleted(self, request, obj):
        fields = {name: [getattr(obj, name), None] for name in self.audit_deleted_fields}
        log_action(f"{self.audit_prefix}.deleted", obj, actor=request.user, data=fields)

    def delete_model(self, request, obj):
        self._log_deleted(request, obj)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._log_deleted(request, obj)
        super().delete_queryset(request, queryset)


@admin.register(User)
class PortalUserAdmin(AuditedAdmin, UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Cổng khối thi đua", {"fields": ("full_name", "position", "agency")}),
    )
    list_display = ("username", "full_name", "agency", "is_active")
    list_select_related = ("agency",)
    audit_prefix = "emulation.user"
    audit_deleted_fields = ("username", "full_name", "agency")

    @transaction.atomic
    def user_change_password(self, request, id, form_url=""):
        """The admin's own password page saves outside save_model: audit its success here."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            log_action(
                "emulation.user.password_changed",
                user,
                actor=request.user,
                data={"password": PASSWORD_CHANGED},
            )
        return response


admin.site.unregister(Group)


@admin.register(Group)
class PortalGroupAdmin(AuditedAdmin, GroupAdmin):
    """Groups grant roles (province staff): their edits are audited like the users'."""

    audit_prefix = "emulation.group"
    audit_deleted_fields = ("name",)


@admin.register(AuditEntry)
class AuditEntryAdmin(ViewOnlyAdmin):
    list_display = ("created_at", "actor_name", "action", "object_repr")
    list_filter = ("action",)
    search_fields = ("actor_name", "action", "object_repr")
    date_hierarchy = "created_at"


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ViewOnlyAdmin):
    list_display = ("number", "title", "issued_at", "sha256")
    list_filter = ("kind", "year")
    search_fields = ("number", "title", "verification_code", "sha256")


def _portal_login(request, extra_context=None):
    """The admin has no login form of its own: the portal's login, with its throttling, cool-offs
    and audit, is the only way in (LoginRequiredMiddleware sends anonymous visitors there). A
    signed-in user with admin access goes on; one without it is refused, not looped."""
    next_url = local_url(request, request.GET.get("next"), default=reverse("admin:index"))
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, login_url=reverse("login"))
    if not admin.site.has_permission(request):
        raise PermissionDenied
    return HttpResponseRedirect(next_url)


admin.site.login = _portal_login


@receiver(post_save, sender=LogEntry)
def _changed_in_admin(sender, instance, created, **kwargs):
    """An admin change to a model without an AuditedAdmin (django-axes' cool-off records, deleted
    to end one) still reaches the audit log."""
    model = instance.content_type.model_class() if instance.content_type_id else None
    if not created or isinstance(admin.site._registry.get(model), AuditedAdmin):
        return
    log_action(
        "emulation.admin.changed",
        None,
        actor=instance.user,
        data={
            "admin_action": instance.get_action_flag_display(),
            "model": str(instance.content_type) if model else "",
            "object": instance.object_repr,
            "change": instance.get_change_message(),
        },
    )

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from emulation.models import AuditEntry, IssuedDocument, User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Cổng khối thi đua", {"fields": ("full_name", "position", "agency")}),
    )
    list_display = ("username", "full_name", "agency", "is_active")
    list_select_related = ("agency",)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_name", "action", "object_repr")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "issued_at", "sha256")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

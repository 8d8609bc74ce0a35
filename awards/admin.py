from django.contrib import admin

from awards.models import AwardType


@admin.register(AwardType)
class AwardTypeAdmin(admin.ModelAdmin):
    """Read-mostly: codes never change (edit labels on the award type pages, which audit)."""

    list_display = ("order", "code", "label", "kind", "recipient", "deciding_level", "active")
    list_display_links = ("code",)
    readonly_fields = ("code",)

    def has_delete_permission(self, request, obj=None):
        return False

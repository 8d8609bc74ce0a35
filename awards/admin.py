"""View-only admin for award types: the award type pages add and edit them, through the service
that keeps codes permanent and audits every change."""

from django.contrib import admin

from awards.models import AwardType
from emulation.admin import ViewOnlyAdmin


@admin.register(AwardType)
class AwardTypeAdmin(ViewOnlyAdmin):
    list_display = ("order", "code", "label", "kind", "recipient", "deciding_level", "active")
    list_display_links = ("code",)
    list_filter = ("kind", "recipient", "active")
    search_fields = ("code", "label", "legal_name")
    edited_on = "awards:award_type_list"

"""View-only admin for the structure: changes go through the portal's services (audited)."""

from django.contrib import admin

from blocs.models import Agency, AgencyChange, Bloc, BlocYear, Membership
from emulation.admin import ViewOnlyAdmin


class AgencyChangeInline(admin.TabularInline):
    model = AgencyChange
    fk_name = "agency"
    extra = 0
    fields = ("kind", "effective_on", "old_name", "new_name", "related_agency", "decision_ref")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(ViewOnlyAdmin):
    edited_on = "blocs:agency_list"
    list_display = ("name", "short_name", "kind", "status", "successor", "ended_on")
    list_filter = ("kind", "status")
    list_select_related = ("successor",)
    search_fields = ("search_name",)
    inlines = [AgencyChangeInline]


@admin.register(Bloc)
class BlocAdmin(ViewOnlyAdmin):
    edited_on = "blocs:bloc_list"
    list_display = ("name", "code", "kind", "active")
    list_filter = ("kind", "active")
    search_fields = ("search_name", "code")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("agency", "signatory_name", "signatory_title")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BlocYear)
class BlocYearAdmin(ViewOnlyAdmin):
    edited_on = "blocs:year_overview"
    list_display = ("bloc", "year", "head", "deputy")
    list_filter = ("year",)
    list_select_related = ("bloc", "head", "deputy")
    inlines = [MembershipInline]

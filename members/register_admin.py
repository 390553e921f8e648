"""Admin for the technology and contracts register, procurement interest and maturity (members/admin.py imports this)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from loti.admin import LongListMixin
from loti.import_admin import SpreadsheetAdminMixin

from .register_models import MaturityScore, MaturitySharing, ProcurementInterest, ServiceArea, System


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(System)
class SystemAdmin(LongListMixin, SpreadsheetAdminMixin, SimpleHistoryAdmin):
    import_kind = "systems"
    list_display = ["product", "supplier", "organisation", "service_area", "contract_start", "contract_end", "annual_value"]
    list_filter = ["service_area", "organisation"]
    search_fields = ["product", "supplier", "organisation__name", "service_area__name"]
    autocomplete_fields = ["organisation", "service_area"]
    list_select_related = ["organisation", "service_area"]
    readonly_fields = ["updated_at", "updated_by"]
    date_hierarchy = "contract_end"

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ProcurementInterest)
class ProcurementInterestAdmin(admin.ModelAdmin):
    """Which boroughs want to buy together in a service area: LOTI staff bring them together."""

    list_display = ["service_area", "organisation", "marked_by", "marked_at"]
    list_filter = ["service_area"]
    search_fields = ["organisation__name", "service_area__name"]
    list_select_related = ["service_area", "organisation", "marked_by"]
    autocomplete_fields = ["service_area", "organisation"]
    readonly_fields = ["marked_by", "marked_at"]


@admin.register(MaturityScore)
class MaturityScoreAdmin(LongListMixin, SpreadsheetAdminMixin, admin.ModelAdmin):
    import_kind = "maturity"
    list_display = ["organisation", "year", "dimension", "score", "updated_at"]
    list_filter = ["year", "dimension", "score"]
    search_fields = ["organisation__name", "evidence"]
    list_select_related = ["organisation", "year"]
    autocomplete_fields = ["organisation", "year"]
    readonly_fields = ["answered_by", "updated_at"]


@admin.register(MaturitySharing)
class MaturitySharingAdmin(admin.ModelAdmin):
    """Read only: a borough's own officers decide whether its scores are shared."""

    list_display = ["organisation", "shared", "decided_by", "decided_at"]
    list_filter = ["shared"]
    list_select_related = ["organisation", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

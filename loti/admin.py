from django.contrib import admin

from .models import FinancialYear, ImportRecord


@admin.register(FinancialYear)
class FinancialYearAdmin(admin.ModelAdmin):
    list_display = ["label", "start_date", "end_date"]
    search_fields = ["label"]
    ordering = ["-start_date"]


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ["imported_at", "kind", "filename", "imported_by", "via", "rows_new", "rows_updated", "rows_unchanged"]
    list_filter = ["kind", "via"]
    search_fields = ["filename", "sha256", "imported_by__email"]
    list_select_related = ["imported_by"]
    date_hierarchy = "imported_at"
    readonly_fields = [f.name for f in ImportRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin

from budget.models import ReportRecipient, ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["kind", "year", "status", "progress", "requested_by", "requested_at", "finished_at"]
    list_filter = ["kind", "status", "year"]
    list_select_related = ["year", "requested_by"]
    readonly_fields = [f.name for f in ReportRun._meta.fields]


@admin.register(ReportRecipient)
class ReportRecipientAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "role", "active"]
    list_filter = ["active"]
    search_fields = ["name", "email"]

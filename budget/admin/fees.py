from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from budget.models import FeeSchedule, Invoice, Payment
from loti.import_admin import SpreadsheetAdminMixin


@admin.register(FeeSchedule)
class FeeScheduleAdmin(SpreadsheetAdminMixin, SimpleHistoryAdmin):
    import_kind = "fee-schedules"
    list_display = ["year", "tier", "annual_fee", "vat_rate", "pro_rata"]
    list_filter = ["tier", "year"]
    search_fields = ["year__label", "tier"]
    list_select_related = ["year"]


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = ["amount", "received_on", "reference", "source", "recorded_by"]
    readonly_fields = ["source", "recorded_by"]


@admin.register(Invoice)
class InvoiceAdmin(SimpleHistoryAdmin):
    list_display = ["number", "kind", "organisation", "year", "issued_on", "due_on", "net", "vat", "gross"]
    list_filter = ["kind", "year"]
    search_fields = ["number", "organisation__name"]
    list_select_related = ["organisation", "year"]
    inlines = [PaymentInline]


@admin.register(Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    list_display = ["invoice", "amount", "received_on", "reference", "source"]
    list_filter = ["source"]
    search_fields = ["invoice__number", "reference", "invoice__organisation__name"]
    list_select_related = ["invoice"]
    autocomplete_fields = ["invoice"]

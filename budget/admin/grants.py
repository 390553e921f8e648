from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from budget.models import FundingAgreement, FundingCondition, Instalment


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0
    fields = ["year", "amount", "status", "claimed_on", "received_on", "received_amount"]


class FundingConditionInline(admin.TabularInline):
    model = FundingCondition
    extra = 0


@admin.register(FundingAgreement)
class FundingAgreementAdmin(SimpleHistoryAdmin):
    list_display = ["name", "funder", "kind", "reference", "total_amount", "terminated_on"]
    list_filter = ["kind", "funder"]
    search_fields = ["name", "reference", "funder__name"]
    list_select_related = ["funder"]
    autocomplete_fields = ["funder", "projects"]
    readonly_fields = ["terminated_on", "terminated_by"]
    inlines = [InstalmentInline, FundingConditionInline]


@admin.register(Instalment)
class InstalmentAdmin(SimpleHistoryAdmin):
    list_display = ["agreement", "year", "amount", "status", "claimed_on", "received_on"]
    list_filter = ["status", "year", "agreement__funder"]
    search_fields = ["agreement__name"]
    list_select_related = ["agreement", "year"]

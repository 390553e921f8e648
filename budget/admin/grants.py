"""Funders' agreements with their instalments by year, and exercising a right to terminate."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

from budget.admin.plan import InstalmentForm
from budget.models import FundingAgreement, FundingCondition, Instalment, InstalmentStatus
from budget.services.grants import agreement_terminate
from loti.admin import LongListMixin
from loti.admin_actions import action_page
from loti.import_admin import SpreadsheetAdminMixin


class InstalmentInline(admin.TabularInline):
    model = Instalment
    form = InstalmentForm  # refuses a change to a closed year
    extra = 0
    fields = ["year", "amount", "status", "claimed_on", "received_on", "received_amount"]


class FundingConditionInline(admin.TabularInline):
    model = FundingCondition
    extra = 0


class TerminateForm(forms.Form):
    on = forms.DateField(label="Termination date", help_text="YYYY-MM-DD; instalments of later years are cancelled")


@admin.register(FundingAgreement)
class FundingAgreementAdmin(SimpleHistoryAdmin):
    list_display = ["name", "funder", "kind", "reference", "total_amount", "expected", "received", "terminated_on"]
    list_filter = ["kind", "funder"]
    search_fields = ["name", "reference", "funder__name"]
    list_select_related = ["funder"]
    autocomplete_fields = ["funder", "projects"]
    readonly_fields = ["terminated_on", "terminated_by", "schedule"]
    inlines = [InstalmentInline, FundingConditionInline]
    actions = ["exercise_termination_option"]

    def get_queryset(self, request):
        live = ~Q(instalments__status=InstalmentStatus.CANCELLED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                expected_total=Sum("instalments__amount", filter=live),
                received_total=Sum("instalments__received_amount", filter=Q(instalments__status=InstalmentStatus.RECEIVED)),
            )
        )

    @admin.display(description="expected (not cancelled)", ordering="expected_total")
    def expected(self, agreement):
        return agreement.expected_total

    @admin.display(description="received", ordering="received_total")
    def received(self, agreement):
        return agreement.received_total

    @admin.display(description="schedule by year")
    def schedule(self, agreement):
        rows = agreement.instalments.select_related("year").order_by("year__start_date")
        return (
            format_html_join(
                "",
                "<div>{}: £{} — {}{}</div>",
                (
                    (
                        row.year.label,
                        f"{row.amount:,.2f}",
                        row.get_status_display(),
                        f" (received £{(row.received_amount if row.received_amount is not None else row.amount):,.2f})"
                        if row.status == InstalmentStatus.RECEIVED
                        else "",
                    )
                    for row in rows
                ),
            )
            or "—"
        )

    @admin.action(description="Exercise termination option…", permissions=["change"])
    def exercise_termination_option(self, request, queryset):
        agreements = list(queryset.select_related("termination_year"))
        form = TerminateForm(request.POST if "apply" in request.POST else None, initial={"on": timezone.localdate()})
        if "apply" in request.POST and form.is_valid():
            for agreement in agreements:
                try:
                    cancelled = agreement_terminate(agreement=agreement, on=form.cleaned_data["on"], by=request.user)
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    years = ", ".join(instalment.year.label for instalment in cancelled) or "none"
                    self.message_user(request, f"{agreement} terminated; cancelled instalments: {years}.", messages.SUCCESS)
            return None
        return action_page(
            self,
            request,
            title="Exercise termination option",
            form=form,
            objects=agreements,
            intro="The funder has exercised its right to terminate. The instalment of the year the termination falls in stands; "
            "every instalment of a later year not yet received is cancelled. Who did this, and when, is kept in the history.",
            lines=[
                agreement.name
                + (f" (right to terminate during {agreement.termination_year.label})" if agreement.termination_year else "")
                + (f": {agreement.termination_right}" if agreement.termination_right else "")
                for agreement in agreements
            ],
            submit="Exercise termination option",
        )


@admin.register(Instalment)
class InstalmentAdmin(LongListMixin, SpreadsheetAdminMixin, SimpleHistoryAdmin):
    import_kind = "instalments"
    form = InstalmentForm
    list_display = ["agreement", "year", "amount", "status", "claimed_on", "received_on", "received_amount"]
    list_filter = ["status", "year", "agreement__funder"]
    search_fields = ["agreement__name"]
    list_select_related = ["agreement", "year"]

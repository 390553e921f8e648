"""The plan and the books in the admin: budget lines (with commentary, and a filter for unexplained variances),
the ledger (import with preview and a template; entries are added, never edited), closing and reopening years
(an action with a confirmation page), and aged debt."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from budget.models import BudgetLine, ClosableYear, DebtInvoice, Instalment, InvoiceKind, LedgerEntry, YearClosing
from budget.resources.plan import ledger_entry_problems
from budget.selectors.debt import BANDS, aged_debt
from budget.selectors.report import unexplained_line_ids
from budget.services.ledger import ledger_entry_record
from budget.services.years import financial_year_ensure_open, next_year_label, year_close, year_reopen
from loti.admin import LongListMixin
from loti.import_admin import SpreadsheetAdminMixin

# Changing these on a closed year's line changes no money (the database's trigger lets them through too).
NOT_MONEY = {"commentary", "position"}


if TYPE_CHECKING:
    _ModelForm = forms.ModelForm  # what the mixin is mixed into, for type checking
else:
    _ModelForm = object


class ClosedYearFormMixin(_ModelForm):
    """A form refusing a change to a closed year's money, naming the year (before the database would)."""

    closed_year_what = "it"

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # the dict clean() returns, typed as never None
        changed = set(self.changed_data) - NOT_MONEY
        years = {cleaned.get("year")} | ({self.instance.year} if self.instance.pk and self.instance.year_id else set())
        if changed or not self.instance.pk:
            for year in filter(None, years):  # the years there are
                try:
                    financial_year_ensure_open(year=year, what=self.closed_year_what)
                except ValidationError as error:
                    raise ValidationError(error.messages) from None
        return cleaned


class BudgetLineForm(ClosedYearFormMixin, forms.ModelForm):
    closed_year_what = "its budget lines"

    class Meta:
        model = BudgetLine
        fields = "__all__"  # noqa: DJ007 - the ModelAdmin's fieldsets decide what is shown
        widgets = {"commentary": forms.Textarea(attrs={"rows": 4})}


class InstalmentForm(ClosedYearFormMixin, forms.ModelForm):
    closed_year_what = "its instalments"

    class Meta:
        model = Instalment
        fields = "__all__"  # noqa: DJ007 - the ModelAdmin's fieldsets decide what is shown


class CommentaryFilter(admin.SimpleListFilter):
    title = "commentary"
    parameter_name = "commentary"

    def lookups(self, request, model_admin):
        return [("needed", "Variance over the threshold, no commentary")]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.filter(pk__in=unexplained_line_ids())
        return queryset


@admin.register(BudgetLine)
class BudgetLineAdmin(LongListMixin, SpreadsheetAdminMixin, SimpleHistoryAdmin):
    import_kind = "budget-lines"
    form = BudgetLineForm
    list_display = ["name", "year", "section", "amount", "status", "pillar", "actuals_from", "has_commentary", "position"]
    list_filter = [CommentaryFilter, "year", "section", "status", "pillar", "actuals_from"]
    search_fields = ["name"]
    list_select_related = ["year", "pillar", "funding_agreement"]
    list_editable = ["position"]

    @admin.display(description="Commentary", boolean=True)
    def has_commentary(self, line):
        return bool(line.commentary.strip())


class LedgerEntryForm(forms.ModelForm):
    class Meta:
        model = LedgerEntry
        fields = ["budget_line", "date", "counterparty", "description", "amount", "reference"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # the dict clean() returns, typed as never None
        line = cleaned.get("budget_line")
        if line is not None:
            try:
                financial_year_ensure_open(year=line.year, what="its ledger")
            except ValidationError as error:
                self.add_error("budget_line", error.messages)
                return cleaned
            # The import's rules, said on the form rather than refused by the service after it.
            entry = LedgerEntry(year=line.year, budget_line=line, date=cleaned.get("date"), amount=cleaned.get("amount"))  # type: ignore[misc]  # None when the field failed: the checks below say so
            for field, message in ledger_entry_problems(entry=entry, line=line, year=line.year).items():
                self.add_error(field, message)
            reference = (cleaned.get("reference") or "").strip()
            if reference and LedgerEntry.objects.filter(year=line.year, reference=reference).exists():
                self.add_error("reference", f"{reference!r} is already in the {line.year} ledger; references are unique within a year")
        return cleaned


@admin.register(LedgerEntry)
class LedgerEntryAdmin(LongListMixin, SpreadsheetAdminMixin, SimpleHistoryAdmin):
    import_kind = "ledger"
    form = LedgerEntryForm
    list_display = ["reference", "date", "year", "budget_line", "counterparty", "amount", "description"]
    list_filter = ["year", "budget_line__section"]
    search_fields = ["reference", "counterparty", "description", "budget_line__name"]
    list_select_related = ["year", "budget_line"]
    autocomplete_fields = ["budget_line"]
    date_hierarchy = "date"

    def has_change_permission(self, request, obj=None):
        return False  # the books keep every figure reported: a mistake is put right by another entry

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def save_model(self, request, obj, form, change):
        entry = ledger_entry_record(
            line=obj.budget_line,
            date=obj.date,
            counterparty=obj.counterparty,
            description=obj.description,
            amount=obj.amount,
            reference=obj.reference,
            by=request.user,
        )
        obj.pk = entry.pk


class ReopenForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept in the year's history")


@admin.register(ClosableYear)
class ClosableYearAdmin(admin.ModelAdmin):
    list_display = ["label", "start_date", "end_date", "state", "closed_at", "closing_balance"]
    actions = ["close_years", "reopen_years"]
    ordering = ["-start_date"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("closing")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _closing(self, year):
        try:
            return year.closing
        except YearClosing.DoesNotExist:
            return None

    @admin.display(description="State")
    def state(self, year):
        closing = self._closing(year)
        if closing is None:
            return "Open"
        return "Closed" if closing.closed else f"Reopened ({closing.reopen_reason[:60]})"

    @admin.display(description="Closed at")
    def closed_at(self, year):
        closing = self._closing(year)
        return timezone.localtime(closing.closed_at).strftime("%d %b %Y %H:%M") if closing and closing.closed and closing.closed_at else "–"

    @admin.display(description="Balance carried forward")
    def closing_balance(self, year):
        closing = self._closing(year)
        return f"£{closing.closing_balance:,.2f}" if closing and closing.closed and closing.closing_balance is not None else "–"

    @admin.action(description="Close the selected years (confirm on the next page)", permissions=["close"])
    def close_years(self, request, queryset):
        years = list(queryset.order_by("start_date"))
        if "apply" in request.POST:
            for year in years:
                try:
                    closing = year_close(year=year, by=request.user)
                except ValidationError as error:
                    self.message_user(request, f"{year}: {' '.join(error.messages)}", messages.ERROR)
                    continue
                self.message_user(
                    request, f"Closed {year}: £{closing.closing_balance:,.2f} carried into {next_year_label(year)}.", messages.SUCCESS
                )
            return None
        previews = []
        for year in years:
            try:
                preview = year_close(year=year, dry_run=True)
                previews.append(
                    {
                        "year": year,
                        "balance": preview.closing_balance,
                        "next": next_year_label(year),
                        "already": bool(preview.pk),
                        "error": "",
                    }
                )
            except ValidationError as error:
                previews.append({"year": year, "error": " ".join(error.messages)})
        context = {
            **self.admin_site.each_context(request),
            "title": "Close years",
            "opts": self.model._meta,
            "previews": previews,
            "years": years,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/budget/closableyear/close.html", context)

    @admin.action(description="Reopen the selected years (give a reason on the next page)", permissions=["close"])
    def reopen_years(self, request, queryset):
        years = list(queryset.order_by("start_date"))
        form = ReopenForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            for year in years:
                try:
                    year_reopen(year=year, reason=form.cleaned_data["reason"], by=request.user)
                except ValidationError as error:
                    self.message_user(request, f"{year}: {' '.join(error.messages)}", messages.ERROR)
                    continue
                self.message_user(request, f"Reopened {year}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reopen years",
            "opts": self.model._meta,
            "form": form,
            "years": years,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/budget/closableyear/reopen.html", context)

    def has_close_permission(self, request):
        return request.user.has_perm("budget.add_yearclosing") and request.user.has_perm("budget.change_yearclosing")


class BandFilter(admin.SimpleListFilter):
    title = "days overdue"
    parameter_name = "band"

    def lookups(self, request, model_admin):
        return [(str(index), label) for index, (label, _, _) in enumerate(BANDS)]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        try:
            _, first, last = BANDS[int(value)]
        except (ValueError, IndexError):
            return queryset
        today = timezone.localdate()
        queryset = queryset.filter(due_on__lte=today - datetime.timedelta(days=first))
        if last is not None:
            queryset = queryset.filter(due_on__gte=today - datetime.timedelta(days=last))
        return queryset


@admin.register(DebtInvoice)
class DebtInvoiceAdmin(LongListMixin, admin.ModelAdmin):
    """Unpaid fee invoices past their due date, most overdue first, with the totals by band above the list."""

    list_display = ["number", "organisation", "year", "due_on", "days_overdue", "band", "balance_owing"]
    list_filter = [BandFilter, "year"]
    search_fields = ["number", "organisation__name"]
    list_select_related = ["organisation", "year"]
    change_list_template = "admin/budget/debtinvoice/change_list.html"
    ordering = ["due_on", "number"]

    def get_queryset(self, request):
        from budget.selectors.invoices import invoices_with_status

        today = timezone.localdate()
        return invoices_with_status(super().get_queryset(request).filter(kind=InvoiceKind.INVOICE), today=today).filter(
            balance__gt=Decimal(0), credited=Decimal(0), due_on__lte=today
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Days overdue")
    def days_overdue(self, invoice):
        return (timezone.localdate() - invoice.due_on).days

    @admin.display(description="Band")
    def band(self, invoice):
        from budget.selectors.debt import band_for

        return band_for((timezone.localdate() - invoice.due_on).days)

    @admin.display(description="Owing")
    def balance_owing(self, invoice):
        return f"£{invoice.balance:,.2f}"

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "debt": aged_debt()})

"""Fee schedules, invoices and payments in the admin. Every change to money goes through budget.services."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from budget.models import FeeSchedule, Invoice, InvoiceKind, Payment, PaymentSource
from budget.selectors.invoices import InvoiceStatus, invoices_totals, invoices_with_status
from budget.services.invoice_pdf import invoice_pdf
from budget.services.invoice_sending import invoice_send_status, invoices_send_again
from budget.services.invoicing import invoice_billing_correct, invoice_credit, invoices_issue
from budget.services.payments import payment_check, payment_date_check, payment_record
from budget.services.supplier import supplier_missing
from loti.admin import LongListMixin
from loti.admin_actions import action_page
from loti.import_admin import SpreadsheetAdminMixin, SpreadsheetExportAdminMixin
from loti.money import pounds_display
from loti.responses import pdf_response
from loti.selectors import financial_year_for_reading
from loti.services import financial_year_get_or_create
from loti.text import plural
from loti.years import parse_year_label, year_label_for

MONEY = DecimalField(max_digits=14, decimal_places=2)


if TYPE_CHECKING:
    from budget.selectors.invoices import InvoiceWithStatus

    _ModelAdmin = admin.ModelAdmin  # what the mixin is mixed into, for type checking
else:
    _ModelAdmin = object


class MoneyTotalsMixin(_ModelAdmin):
    """Below the list, the totals of every row the filters select (not only this page's)."""

    money_totals: dict = {}  # label -> aggregate expression

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            changelist = context["cl"]
            context["money_totals"] = [(label, pounds_display(amount)) for label, amount in self.money_totals_of(changelist.queryset)]
            context["money_totals_count"] = changelist.result_count
        return response

    def money_totals_of(self, queryset) -> list[tuple[str, object]]:
        sums = queryset.order_by().aggregate(
            **{
                f"total_{index}": Coalesce(expression, Value(0), output_field=MONEY)
                for index, expression in enumerate(self.money_totals.values())
            }
        )
        return [(label, sums[f"total_{index}"]) for index, label in enumerate(self.money_totals)]


@admin.register(FeeSchedule)
class FeeScheduleAdmin(SpreadsheetAdminMixin, SimpleHistoryAdmin):
    import_kind = "fee-schedules"
    list_display = ["year", "tier", "annual_fee", "vat_rate", "pro_rata"]
    list_filter = ["tier", "year"]
    search_fields = ["year__label", "tier"]
    list_select_related = ["year"]


def _annotated(invoice: Invoice) -> "InvoiceWithStatus":
    return invoices_with_status(Invoice.objects.filter(pk=invoice.pk)).get()


class PaymentInlineFormSet(BaseInlineFormSet):
    """New payments on one invoice are checked together against what is outstanding."""

    def clean(self):
        super().clean()
        if not self.instance.pk:
            return
        invoice = _annotated(self.instance)
        pending = Decimal(0)
        for form in self.forms:
            if form.instance.pk or not form.has_changed() or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            received_on = form.cleaned_data.get("received_on")
            if received_on is not None:
                try:
                    payment_date_check(invoice=invoice, received_on=received_on)
                except ValidationError as error:
                    form.add_error("received_on", error)
            amount = form.cleaned_data.get("amount")
            if amount is None:
                continue
            try:
                payment_check(invoice=invoice, amount=amount, already_pending=pending)
            except ValidationError as error:
                form.add_error("amount", error)
            else:
                pending += amount


class PaymentInline(admin.TabularInline):
    model = Payment
    formset = PaymentInlineFormSet
    extra = 1
    fields = ["amount", "received_on", "reference", "source", "recorded_by", "recorded_at"]
    readonly_fields = ["source", "recorded_by", "recorded_at"]

    def has_change_permission(self, request, obj=None):
        return False  # a recorded payment is never edited; existing rows show read-only

    def has_delete_permission(self, request, obj=None):
        return False


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return InvoiceStatus.choices + [(InvoiceStatus.CREDIT_NOTE, "Credit note")]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=InvoiceStatus.OVERDUE)
        if self.value() == "no":
            return queryset.exclude(status=InvoiceStatus.OVERDUE)
        return queryset


def _issue_year_choices() -> list[tuple[str, str]]:
    """Years with a fee schedule, and this year and next: the only years invoices can sensibly be issued for."""
    this_year = year_label_for(timezone.localdate())
    start = int(this_year[:4])
    labels = set(FeeSchedule.objects.values_list("year__label", flat=True))
    labels |= {this_year, f"{start + 1}/{(start + 2) % 100:02d}"}
    return [(label, label) for label in sorted(labels, reverse=True)]


class IssueInvoicesForm(forms.Form):
    year = forms.ChoiceField(
        label="Financial year", choices=_issue_year_choices, help_text="Years with a fee schedule, and this year and next"
    )
    issued_on = forms.DateField(
        label="Date of issue",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d"),
        help_text="YYYY-MM-DD; also the tax point. Leave empty for today; give a date in a past year to date its invoices then.",
    )

    def clean_year(self):
        label = self.cleaned_data["year"].strip()
        try:
            parse_year_label(label)
        except ValueError as error:
            raise ValidationError(str(error)) from error
        return label


class SentFilter(admin.SimpleListFilter):
    title = "sent to finance"
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("yes", "Sent"), ("no", "Not sent"), ("problem", "Not sent, with a problem")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(sent_at__isnull=True)
        if self.value() == "problem":
            return queryset.filter(sent_at__isnull=True).exclude(send_error="")
        return queryset


class CreditForm(forms.Form):
    reason = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"size": 60}), help_text="Shown on the credit note")


@admin.register(Invoice)
class InvoiceAdmin(LongListMixin, MoneyTotalsMixin, SpreadsheetExportAdminMixin, SimpleHistoryAdmin):
    export_kind = "invoices"
    import_export_change_list_template = "admin/budget/invoice/change_list.html"
    list_display = [
        "number",
        "kind",
        "organisation",
        "year",
        "issued_on",
        "due_on",
        "net_amount",
        "vat_amount",
        "gross_amount",
        "status_label",
        "balance_amount",
        "sent_short",
        "pdf_link",
    ]
    list_filter = [StatusFilter, "year", OverdueFilter, "kind", SentFilter]
    search_fields = ["number", "organisation__name"]
    list_select_related = ["organisation", "year"]
    readonly_fields = [
        "number",
        "kind",
        "year",
        "sequence",
        "organisation",
        "membership",
        "credits",
        "description",
        "issued_on",
        "due_on",
        "net",
        "vat_rate",
        "vat",
        "gross",
        "issued_by",
        "last_reminded_at",
        "status_label",
        "paid_amount",
        "balance_amount",
        "pdf_link",
        "sent_to_finance",
        "sent_at",
        "sent_to",
        "send_attempts",
        "send_error",
    ]
    fieldsets = [
        (None, {"fields": ["number", "kind", "organisation", "year", "description", "credits", "pdf_link"]}),
        ("Amounts", {"fields": ["net", "vat_rate", "vat", "gross", "paid_amount", "balance_amount", "status_label"]}),
        ("Dates", {"fields": ["issued_on", "due_on", "issued_by", "last_reminded_at"]}),
        (
            "Made out to",
            {
                "fields": ["billing_address", "purchase_order"],
                "description": "As issued, from the organisation and its membership. Correct them here if the borough asks "
                "(e.g. a purchase order raised late), then use “Send to finance again”.",
            },
        ),
        ("Sent to finance", {"fields": ["sent_to_finance", "sent_at", "sent_to", "send_attempts", "send_error"]}),
    ]
    inlines = [PaymentInline]
    actions = ["issue_invoices", "credit_invoices", "send_to_finance"]

    def get_queryset(self, request):
        return invoices_with_status(super().get_queryset(request))

    def _warn_if_supplier_missing(self, request):
        """Staff learn here, not from a borough, that this deployment cannot make invoices yet."""
        missing = supplier_missing()
        if missing:
            self.message_user(
                request,
                (
                    f"Invoices cannot be issued, credited, made into PDFs or sent to finance: {', '.join(missing)} "
                    f"{'is' if len(missing) == 1 else 'are'} not set in this deployment's environment. Boroughs see their "
                    "invoices' figures but no PDF until they are set (docs/invoices.md)."
                ),
                messages.WARNING,
            )

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            self._warn_if_supplier_missing(request)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self._warn_if_supplier_missing(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def money_totals_of(self, queryset) -> list[tuple[str, object]]:
        # Credit notes count negative, as they show in the list; joins, not the list's per-row subqueries.
        sums = invoices_totals(queryset)
        return [("Net", sums["net"]), ("VAT", sums["vat"]), ("Gross", sums["gross"]), ("Balance owed", sums["balance"])]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.kind == InvoiceKind.INVOICE else []

    def has_add_permission(self, request):
        return False  # invoices are issued, never typed in

    def has_delete_permission(self, request, obj=None):
        return False  # money is credited, never deleted

    @admin.display(description="status", ordering="status")
    def status_label(self, invoice):
        return InvoiceStatus.labels.get(invoice.status, invoice.status)

    @admin.display(description="net", ordering="net")
    def net_amount(self, invoice):
        return pounds_display(invoice.net, negative=invoice.kind == InvoiceKind.CREDIT_NOTE)

    @admin.display(description="VAT", ordering="vat")
    def vat_amount(self, invoice):
        return pounds_display(invoice.vat, negative=invoice.kind == InvoiceKind.CREDIT_NOTE)

    @admin.display(description="gross", ordering="gross")
    def gross_amount(self, invoice):
        return pounds_display(invoice.gross, negative=invoice.kind == InvoiceKind.CREDIT_NOTE)

    @admin.display(description="balance", ordering="balance")
    def balance_amount(self, invoice):
        return pounds_display(invoice.balance)

    @admin.display(description="paid", ordering="paid")
    def paid_amount(self, invoice):
        return pounds_display(invoice.paid)

    @admin.display(description="sent to finance", ordering="sent_at")
    def sent_to_finance(self, invoice):
        return invoice_send_status(invoice)

    @admin.display(description="sent", ordering="sent_at")
    def sent_short(self, invoice):
        """A word or two in the list; the whole story on hover and on the invoice's page."""
        if invoice.sent_at:
            short = f"Sent {timezone.localtime(invoice.sent_at):%-d %b %Y}"
        elif "no accounts-payable email" in invoice.send_error:
            short = "No address"
        elif "trying again" in invoice.send_error:
            short = "Retrying"
        elif invoice.send_error.startswith("Queued"):
            short = "Queued"
        elif invoice.send_error:
            short = "Failed"
        else:
            short = "Not sent"
        return format_html('<span title="{}">{}</span>', invoice_send_status(invoice), short)

    @admin.action(description="Send to finance again (PDF to the accounts-payable address)", permissions=["change"])
    def send_to_finance(self, request, queryset):
        count = invoices_send_again(invoices=list(queryset), by=request.user)
        self.message_user(request, f"{count} invoice(s) queued to be emailed to their accounts-payable address.", messages.SUCCESS)

    @admin.display(description="PDF")
    def pdf_link(self, invoice):
        if not invoice.pk:
            return ""
        return format_html('<a href="{}">PDF</a>', reverse("admin:budget_invoice_pdf", args=[invoice.pk]))

    def save_model(self, request, obj, form, change):
        # Money is read-only; only whom it is made out to may be corrected (and payments added, by save_formset).
        if change and {"billing_address", "purchase_order"} & set(form.changed_data):
            invoice_billing_correct(
                invoice=obj,
                billing_address=form.cleaned_data["billing_address"],
                purchase_order=form.cleaned_data["purchase_order"],
                by=request.user,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Payment:
            return super().save_formset(request, form, formset, change)
        recorded = []
        for payment_form in formset.forms:
            if payment_form.instance.pk or not payment_form.has_changed():
                continue
            data = payment_form.cleaned_data
            recorded.append(
                payment_record(
                    invoice=form.instance,
                    amount=data["amount"],
                    received_on=data["received_on"],
                    reference=data.get("reference", ""),
                    by=request.user,
                    source=PaymentSource.MANUAL,
                )
            )
        # What the admin's change message reads.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = recorded, [], []
        return None

    def get_urls(self):
        own = [
            path("issue/", self.admin_site.admin_view(self.issue_view), name="budget_invoice_issue"),
            path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="budget_invoice_pdf"),
        ]
        return own + super().get_urls()

    def pdf_view(self, request, pk):
        invoice = get_object_or_404(Invoice, pk=pk)
        if not self.has_view_or_change_permission(request, invoice):
            return HttpResponse(status=403)
        try:
            data = invoice_pdf(invoice=invoice)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:budget_invoice_change", args=[invoice.pk]))
        return pdf_response(data, filename=f"{invoice.number}.pdf", inline=True)

    def issue_view(self, request):
        """Choose a year, see what would be issued, then issue it."""
        if not request.user.has_perm("budget.add_invoice"):
            return HttpResponse(status=403)
        form = IssueInvoicesForm(request.POST or None, initial={"year": year_label_for(timezone.localdate())})
        if request.method == "GET":
            self._warn_if_supplier_missing(request)
        preview = None
        if request.method == "POST" and form.is_valid():
            label = form.cleaned_data["year"]
            # The preview reads; only issuing creates a year not held yet.
            year = financial_year_get_or_create(label=label) if "confirm" in request.POST else financial_year_for_reading(label)
            try:
                issued_on = form.cleaned_data.get("issued_on") or timezone.localdate()
                if "confirm" in request.POST:
                    issued = invoices_issue(year=year, issued_by=request.user, issued_on=issued_on)
                    if issued:
                        total = pounds_display(sum(invoice.gross for invoice in issued))
                        self.message_user(
                            request, f"Issued {plural(len(issued), 'invoice')} for {year.label}, {total} in all.", messages.SUCCESS
                        )
                    else:
                        self.message_user(request, f"No invoices to issue for {year.label}: every member already has one.", messages.INFO)
                    url = reverse("admin:budget_invoice_changelist") + f"?year__id__exact={year.pk}"
                    return HttpResponseRedirect(url)
                preview = invoices_issue(year=year, dry_run=True, issued_on=issued_on)
            except ValidationError as error:
                form.add_error(None, error)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Issue this year's invoices",
            "form": form,
            "preview": preview,
            "preview_total": sum(invoice.gross for invoice in preview) if preview else 0,
            "preview_date": preview[0].issued_on if preview else None,
        }
        return TemplateResponse(request, "admin/budget/invoice/issue.html", context)

    @admin.action(description="Issue this year's invoices…", permissions=["add_invoice"])
    def issue_invoices(self, request, queryset):
        return HttpResponseRedirect(reverse("admin:budget_invoice_issue"))

    def has_add_invoice_permission(self, request):
        return request.user.has_perm("budget.add_invoice")

    @admin.action(description="Credit the selected invoices…", permissions=["change"])
    def credit_invoices(self, request, queryset):
        invoices = list(queryset.filter(kind=InvoiceKind.INVOICE).select_related("organisation"))
        form = CreditForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            credited = []
            for invoice in invoices:
                try:
                    note = invoice_credit(invoice=invoice, reason=form.cleaned_data["reason"], by=request.user)
                except ValidationError as error:
                    self.message_user(request, f"{invoice.number}: {' '.join(error.messages)}", messages.ERROR)
                else:
                    credited.append(f"{invoice.number} with {note.number}")
            if credited:
                self.message_user(request, f"Credited {plural(len(credited), 'invoice')}: {'; '.join(credited)}.", messages.SUCCESS)
            return None
        return action_page(
            self,
            request,
            title="Credit invoices",
            form=form,
            objects=invoices,
            intro="Each invoice below is cancelled by a credit note for its full amount. Nothing is deleted. An invoice with "
            "payments against it cannot be credited until the money is refunded through finance.",
            lines=[f"{invoice.number}: {invoice.organisation.name}, {pounds_display(invoice.gross)}" for invoice in invoices],
            empty="No invoices selected (credit notes cannot be credited).",
            submit=f"Credit {plural(len(invoices), 'invoice')}",
        )


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["invoice", "amount", "received_on", "reference"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # the dict clean() returns, typed as never None
        invoice, amount, received_on = cleaned.get("invoice"), cleaned.get("amount"), cleaned.get("received_on")
        if invoice and amount is not None:
            try:
                payment_check(invoice=_annotated(invoice), amount=amount)
            except ValidationError as error:
                self.add_error("amount", error)
        if invoice and received_on is not None:
            try:
                payment_date_check(invoice=invoice, received_on=received_on)
            except ValidationError as error:
                self.add_error("received_on", error)
        return cleaned


@admin.register(Payment)
class PaymentAdmin(LongListMixin, MoneyTotalsMixin, SpreadsheetAdminMixin, SimpleHistoryAdmin):
    import_kind = "payments"
    form = PaymentForm
    list_display = ["invoice", "amount_display", "received_on", "reference", "source", "recorded_by"]
    money_totals = {"Received": Sum("amount")}
    list_filter = ["source", "invoice__year"]
    search_fields = ["invoice__number", "reference", "invoice__organisation__name"]
    list_select_related = ["invoice", "recorded_by"]
    autocomplete_fields = ["invoice"]

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, payment):
        return pounds_display(payment.amount)

    def has_change_permission(self, request, obj=None):
        return False  # a recorded payment is never edited

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        # An import only adds payments (a row that would change a recorded one is refused), so adding is enough.
        return self.has_add_permission(request)

    def save_model(self, request, obj, form, change):
        payment = payment_record(
            invoice=obj.invoice,
            amount=obj.amount,
            received_on=obj.received_on,
            reference=obj.reference,
            by=request.user,
            source=PaymentSource.MANUAL,
        )
        obj.pk = payment.pk

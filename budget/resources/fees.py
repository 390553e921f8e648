"""Import and export kinds for fees: `payments` (the finance system's CSV) and `invoices` (export only).

payments columns: invoice_number, amount, received_on (YYYY-MM-DD), reference.
Each row is matched to an invoice by its number. A row naming no invoice, a credited invoice, or one
that (together with earlier rows of the same file) would overpay its invoice is an error on that row,
and nothing in the file is written. A row whose invoice and reference were recorded before (the same
file imported again) is skipped when it agrees, and an error when it does not.
"""
import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from budget.models import Invoice, Payment, PaymentSource
from budget.selectors.invoices import invoices_with_status
from budget.services.payments import payment_check, payment_record
from loti.imports import register
from loti.models import FinancialYear
from loti.money import to_money

DATE_FORMAT = "%Y-%m-%d"


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _day(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.datetime.strptime(_text(value), DATE_FORMAT).date()
    except ValueError:
        raise ValidationError(f"{_text(value)!r} is not a date; write it as YYYY-MM-DD.") from None


class AllOrNothingResource(resources.ModelResource):
    """Every import runs in one transaction that rolls back if any row is bad, whoever calls it."""

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        return super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
            collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True, **kwargs,
        )


def _year_filter(queryset, year):
    if year is None or year == "":
        return queryset
    if not isinstance(year, FinancialYear):
        year = FinancialYear.objects.for_label(str(year))
    return queryset.filter(year=year)


@register("payments")
class PaymentResource(AllOrNothingResource):
    invoice_number = fields.Field(attribute="invoice__number", column_name="invoice_number")
    amount = fields.Field(attribute="amount", column_name="amount", widget=widgets.DecimalWidget())
    received_on = fields.Field(attribute="received_on", column_name="received_on", widget=widgets.DateWidget(DATE_FORMAT))
    reference = fields.Field(attribute="reference", column_name="reference")

    class Meta:
        model = Payment
        fields = ("invoice_number", "amount", "received_on", "reference")
        import_order = fields
        export_order = fields
        import_id_fields = ("invoice_number", "reference")
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Payment.objects.select_related("invoice").order_by("received_on", "pk")

    def filter_export(self, queryset, **kwargs):
        return queryset.filter(invoice__in=_year_filter(Invoice.objects.all(), kwargs.get("year")))

    def before_import(self, dataset, **kwargs):
        """Read every invoice and earlier payment the file names in two queries, before any row."""
        self._user = kwargs.get("user")
        self._pending: dict[int, Decimal] = defaultdict(Decimal)
        numbers = {_text(n) for n in dataset["invoice_number"]} if "invoice_number" in (dataset.headers or []) else set()
        self._invoices = {
            invoice.number: invoice for invoice in invoices_with_status(Invoice.objects.filter(number__in=numbers))
        }
        self._recorded = {
            (payment.invoice.number, payment.reference): payment
            for payment in Payment.objects.filter(invoice__number__in=numbers).exclude(reference="").select_related("invoice")
        }

    def get_instance(self, instance_loader, row):
        return self._recorded.get((_text(row.get("invoice_number")), _text(row.get("reference"))))

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        number = _text(row.get("invoice_number"))
        invoice = self._invoices.get(number)
        if not number:
            errors["invoice_number"] = ["The invoice number is missing."]
        elif invoice is None:
            errors["invoice_number"] = [f"No invoice is numbered {number!r}."]
        try:
            amount = to_money(_text(row.get("amount")))
        except (ValueError, TypeError):
            errors["amount"] = [f"{_text(row.get('amount'))!r} is not an amount of money."]
            amount = None
        try:
            received_on = _day(row.get("received_on"))
        except ValidationError as error:
            errors["received_on"] = error.messages
        reference = _text(row.get("reference"))
        if not errors and instance.pk:
            if instance.amount != amount or instance.received_on != received_on:
                errors["reference"] = [
                    f"Payment {reference!r} on {number} was already recorded as £{instance.amount:,.2f} on "
                    f"{instance.received_on.isoformat()}; an import never changes a recorded payment."
                ]
        elif not errors:
            try:
                payment_check(invoice=invoice, amount=amount, already_pending=self._pending[invoice.pk])
            except ValidationError as error:
                errors["amount"] = error.messages
            else:
                self._pending[invoice.pk] += amount
                instance.invoice = invoice
                instance.amount = amount
                instance.received_on = received_on
                instance.reference = reference
                instance.source = PaymentSource.IMPORT
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A payment recorded before, and agreeing with the row (checked in import_instance), is skipped.
        return bool(instance.pk) and not import_validation_errors

    def do_instance_save(self, instance, is_create):
        if not is_create:
            return  # recorded payments are never changed
        payment = payment_record(
            invoice=instance.invoice,
            amount=instance.amount,
            received_on=instance.received_on,
            reference=instance.reference,
            by=self._user if getattr(self._user, "pk", None) else None,
            source=PaymentSource.IMPORT,
        )
        instance.pk = payment.pk
        instance.recorded_at = payment.recorded_at


@register("invoices")
class InvoiceResource(resources.ModelResource):
    """Export only: invoices are issued by the portal, never imported."""

    number = fields.Field(attribute="number", column_name="number")
    organisation = fields.Field(attribute="organisation__name", column_name="organisation")
    year = fields.Field(attribute="year__label", column_name="year")
    net = fields.Field(attribute="net", column_name="net")
    vat = fields.Field(attribute="vat", column_name="vat")
    gross = fields.Field(attribute="gross", column_name="gross")
    status = fields.Field(attribute="status", column_name="status")
    balance = fields.Field(attribute="balance", column_name="balance")

    class Meta:
        model = Invoice
        fields = ("number", "organisation", "year", "net", "vat", "gross", "status", "balance")
        export_order = fields

    def get_queryset(self):
        return invoices_with_status(Invoice.objects.all()).select_related("organisation", "year").order_by(
            "year__start_date", "sequence"
        )

    def filter_export(self, queryset, **kwargs):
        if not hasattr(queryset, "query") or "status" not in queryset.query.annotations:
            queryset = invoices_with_status(queryset).select_related("organisation", "year")
        return _year_filter(queryset, kwargs.get("year"))

    def dehydrate_net(self, invoice):
        return f"{invoice.net:.2f}"

    def dehydrate_vat(self, invoice):
        return f"{invoice.vat:.2f}"

    def dehydrate_gross(self, invoice):
        return f"{invoice.gross:.2f}"

    def dehydrate_balance(self, invoice):
        return f"{invoice.balance:.2f}"

    def before_import(self, dataset, **kwargs):
        raise ValidationError("Invoices are issued by the portal (issue_invoices), not imported.")

"""Spreadsheet kinds for fees: `payments` (the finance system's file) and `invoices` (export only); see docs/imports.md.

A payments row is matched to its invoice by number. A row naming no invoice, a credited invoice, a date before the
invoice was issued, or one that (together with earlier rows of the same file) would overpay its invoice is an error
on that row, every problem of the row said at once, and nothing in the file is written. A payment already recorded with the same invoice and reference (the same file imported
again) is left as it is when the row agrees, and is an error when it does not: an import never changes one.
"""

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from import_export.fields import Field

from budget.models import Invoice, Payment, PaymentSource
from budget.resources.guards import ClosedYearGuard
from budget.selectors.invoices import invoices_with_status
from budget.services.payments import payment_check, payment_date_check, payment_record
from loti.imports import (
    DateWidget,
    FinancialYearWidget,
    LotiResource,
    MoneyWidget,
    NamedWidget,
    TextWidget,
    current_lookups,
    register,
)
from members.resources import OrganisationWidget

if TYPE_CHECKING:
    from budget.selectors.invoices import InvoiceWithStatus


class InvoiceWidget(NamedWidget):
    """An invoice by its number, e.g. INV-2020-21-0001."""

    def __init__(self):
        super().__init__(Invoice, lookups=("number",), noun="invoice")


@register("payments")
class PaymentResource(ClosedYearGuard, LotiResource):
    closed_year_column = "invoice"
    closed_year_what = "payments against its invoices"

    invoice = Field(attribute="invoice", column_name="invoice_number", widget=InvoiceWidget())
    amount = Field(attribute="amount", column_name="amount", widget=MoneyWidget())
    received_on = Field(attribute="received_on", column_name="received_on", widget=DateWidget())
    reference = Field(attribute="reference", column_name="reference", widget=TextWidget())

    year_path = "invoice__year"
    example = {"invoice_number": "INV-2020-21-0001", "amount": "120.00", "received_on": "2020-05-01", "reference": "FIN-1001"}
    constraint_messages = {
        "payment_amount_positive": "amount must be more than 0.00",
        "payment_reference_unique_per_invoice": "this invoice already has a payment with this reference",
    }

    class Meta:
        model = Payment
        fields = ("invoice", "amount", "received_on", "reference")
        import_id_fields = ("invoice", "reference")
        use_bulk = False  # each payment goes through payment_record, which locks its invoice against overpayment

    def get_queryset(self):
        return super().get_queryset().select_related("invoice").order_by("received_on", "pk")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._user = kwargs.get("user")
        self._invoices: dict[int, InvoiceWithStatus] = {}  # with status and balance as they were before this file
        self._pending: dict[int, Decimal] = defaultdict(Decimal)  # this file's new payments, per invoice

    def get_instance(self, instance_loader, row):
        # The reference is what tells a payment imported before from a new one, so it cannot be left empty.
        if not str(row.get("reference") or "").strip():
            errors = {
                "reference": [("the finance system's reference is needed, so that importing the same file again records each payment once")]
            }
            # The row goes no further, so say what else is wrong with it too.
            for resource_field in self.get_import_fields():
                if resource_field.column_name in row and resource_field.attribute != "reference":
                    try:
                        resource_field.clean(row)
                    except ValueError as field_error:
                        errors[resource_field.attribute] = [str(field_error)]
            raise ValidationError(errors)
        return super().get_instance(instance_loader, row)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # A row with a column already wrong still has its other columns checked against its invoice.
        errors = dict(import_validation_errors or {})
        if errors:
            try:
                self.check_row(instance)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        return super().validate_instance(instance, errors, validate_unique)

    def _invoice(self, pk: int) -> "InvoiceWithStatus":
        if pk not in self._invoices:
            # Every invoice the file names, with its status and balance, in one query.
            lookups = current_lookups()
            named = {invoice.pk for invoice in lookups.found(Invoice)} if lookups is not None else set()
            wanted = (named | {pk}) - self._invoices.keys()
            for invoice in invoices_with_status(Invoice.objects.filter(pk__in=wanted)):
                self._invoices[invoice.pk] = invoice
        return self._invoices[pk]

    def year_of(self, payment) -> int | None:
        return self._invoice(payment.invoice_id).year_id if payment.invoice_id else None

    def check_row(self, payment):
        """Every problem of the row at once; a column that could not be read (None here) is already reported."""
        if payment.pk:
            # Reached only when the row differs from the recorded payment (an agreeing row is skipped).
            recorded = Payment.objects.get(pk=payment.pk)
            raise ValidationError(
                {
                    "reference": (
                        f"payment {payment.reference!r} on {recorded.invoice.number} was already recorded as "
                        f"£{recorded.amount:,.2f} on {recorded.received_on.isoformat()}; an import never changes a recorded payment"
                    )
                }
            )
        if payment.invoice_id is None:
            return
        invoice = self._invoice(payment.invoice_id)
        errors: dict[str, list[str]] = {}
        if payment.amount is not None:
            try:
                payment_check(invoice=invoice, amount=payment.amount, already_pending=self._pending[invoice.pk])
            except ValidationError as error:
                errors["amount"] = error.messages
        if payment.received_on is not None:
            try:
                payment_date_check(invoice=invoice, received_on=payment.received_on)
            except ValidationError as error:
                errors["received_on"] = error.messages
        if errors:
            raise ValidationError(errors)
        if payment.amount is not None:
            self._pending[invoice.pk] += payment.amount

    def do_instance_save(self, instance, is_create):
        if not is_create:
            return  # recorded payments are never changed (check_row refuses a row that would)
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
class InvoiceResource(LotiResource):
    """Export only: invoices are issued by the portal, never imported."""

    number = Field(attribute="number", column_name="number", widget=TextWidget())
    organisation = Field(attribute="organisation", column_name="organisation", widget=OrganisationWidget())
    year = Field(attribute="year", column_name="year", widget=FinancialYearWidget())
    net = Field(attribute="net", column_name="net", widget=MoneyWidget())
    vat = Field(attribute="vat", column_name="vat", widget=MoneyWidget())
    gross = Field(attribute="gross", column_name="gross", widget=MoneyWidget())
    status = Field(attribute="status", column_name="status", widget=TextWidget())  # from invoices_with_status
    balance = Field(attribute="balance", column_name="balance", widget=MoneyWidget())

    importable = False

    class Meta:
        model = Invoice
        fields = ("number", "organisation", "year", "net", "vat", "gross", "status", "balance")

    def get_queryset(self):
        return invoices_with_status(Invoice.objects.all()).select_related("organisation", "year").order_by("year__start_date", "sequence")

    def before_import(self, dataset, **kwargs):
        raise ValidationError("Invoices are issued by the portal (issue_invoices), not imported.")

"""Payments against fee invoices: entered by hand in the admin or imported from the finance system."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from budget.models import Invoice, InvoiceKind, Payment, PaymentSource
from loti.money import to_money

if TYPE_CHECKING:
    from budget.selectors.invoices import InvoiceWithStatus


def payment_date_check(*, invoice: Invoice, received_on: datetime.date) -> None:
    """Money cannot arrive for an invoice before the invoice was issued: such a date is a typing or matching error."""
    if received_on < invoice.issued_on:
        raise ValidationError(
            f"received on {received_on.isoformat()}, before {invoice.number} was issued on {invoice.issued_on.isoformat()}; "
            "check the date and the invoice number"
        )


def payment_check(*, invoice: "InvoiceWithStatus", amount: Decimal, already_pending: Decimal = Decimal(0)) -> None:
    """Refuse a payment that a credit note, a credit note's number, or the outstanding balance does not allow.

    `invoice` must be annotated by invoices_with_status; `already_pending` is money in the same batch
    (e.g. earlier rows of one import file) that is not yet in the database.
    """
    from budget.services.years import financial_year_ensure_open
    from loti.models import FinancialYear

    # By id: the check reads the year's label itself only when the year is closed.
    financial_year_ensure_open(year=FinancialYear(pk=invoice.year_id), what=f"payments against {invoice.number}")
    if invoice.kind != InvoiceKind.INVOICE:
        raise ValidationError(f"{invoice.number} is a credit note; payments are recorded against invoices.")
    if invoice.credited:
        raise ValidationError(f"{invoice.number} has been credited; it takes no payments.")
    if amount <= 0:
        raise ValidationError("A payment must be more than £0.00.")
    outstanding = invoice.balance - already_pending
    if amount > outstanding:
        raise ValidationError(f"£{amount:,.2f} would overpay {invoice.number}: only £{max(outstanding, Decimal(0)):,.2f} is outstanding.")


def payment_record(
    *,
    invoice: Invoice,
    amount,
    received_on: datetime.date,
    reference: str = "",
    by=None,
    source: str = PaymentSource.MANUAL,
) -> Payment:
    """Record money received against an invoice. Refuses over-payment and credited invoices. (What people enter, by
    hand or by import, is also checked with payment_date_check; code recording older history may not be.)"""
    from budget.selectors.invoices import invoices_with_status

    amount = to_money(amount)
    with transaction.atomic():
        # Lock the invoice so two people recording at once cannot together overpay it.
        locked = invoices_with_status(Invoice.objects.select_for_update(of=("self",)).select_related("year").filter(pk=invoice.pk)).get()
        payment_check(invoice=locked, amount=amount)
        payment = Payment(
            invoice=locked,
            amount=amount,
            received_on=received_on,
            reference=(reference or "").strip(),
            source=source,
            recorded_by=by,
        )
        payment._history_user = by
        payment.full_clean(exclude=["invoice", "recorded_by"])
        payment.save()
        return payment

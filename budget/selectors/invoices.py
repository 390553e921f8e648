"""Invoices with what has been paid and credited against them, worked out in the database (no N+1)."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, CharField, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from budget.models import Invoice, InvoiceKind, Payment
from loti.models import FinancialYear
from members.models import Organisation

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(0, output_field=MONEY_FIELD)


class StatusFields(TypedDict):
    """What invoices_with_status adds to each invoice."""

    paid: Decimal
    credited: Decimal
    balance: Decimal
    status: str


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    InvoiceWithStatus = WithAnnotations[Invoice, StatusFields]


class InvoiceStatus:
    ISSUED = "issued"
    PART_PAID = "part_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    CREDITED = "credited"
    CREDIT_NOTE = "credit_note"

    choices = [
        (ISSUED, "Issued"),
        (PART_PAID, "Part paid"),
        (PAID, "Paid"),
        (OVERDUE, "Overdue"),
        (CREDITED, "Credited"),
    ]
    labels = dict(choices) | {CREDIT_NOTE: "Credit note"}


def invoices_with_status(queryset: QuerySet | None = None, *, today: datetime.date | None = None) -> "QuerySet[InvoiceWithStatus]":
    """Annotate paid, credited, balance and status on invoices (fee invoices only when no queryset is given).

    status is one of issued, part_paid, paid, overdue, credited; a credit note itself is credit_note.
    An invoice past its due date with money still owing is overdue, whether or not part was paid.
    """
    today = today or timezone.localdate()
    if queryset is None:
        queryset = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
    paid = Payment.objects.filter(invoice=OuterRef("pk")).order_by().values("invoice").annotate(total=Sum("amount")).values("total")
    credited = (
        Invoice.objects.filter(credits=OuterRef("pk"), kind=InvoiceKind.CREDIT_NOTE)
        .order_by()
        .values("credits")
        .annotate(total=Sum("gross"))
        .values("total")
    )
    return (
        queryset.annotate(
            paid=Coalesce(Subquery(paid, output_field=MONEY_FIELD), ZERO),
            credited=Coalesce(Subquery(credited, output_field=MONEY_FIELD), ZERO),
        )
        .annotate(
            balance=Case(
                When(kind=InvoiceKind.CREDIT_NOTE, then=ZERO),
                default=F("gross") - F("paid") - F("credited"),
                output_field=MONEY_FIELD,
            ),
        )
        .annotate(
            status=Case(
                When(kind=InvoiceKind.CREDIT_NOTE, then=Value(InvoiceStatus.CREDIT_NOTE)),
                When(credited__gt=0, then=Value(InvoiceStatus.CREDITED)),
                When(balance__lte=0, then=Value(InvoiceStatus.PAID)),
                When(due_on__lt=today, then=Value(InvoiceStatus.OVERDUE)),
                When(paid__gt=0, then=Value(InvoiceStatus.PART_PAID)),
                default=Value(InvoiceStatus.ISSUED),
                output_field=CharField(),
            ),
        )
    )


def invoices_totals(queryset: QuerySet) -> dict:
    """Net, VAT and gross of these invoices (credit notes negative) and the balance still owed on them: the sums
    of invoices_with_status()'s columns, but with payments and credit notes joined once each rather than a paid
    and a credited subquery run for every row (at 10x those took most of the admin's invoice list)."""
    rows = queryset.order_by()
    fee_invoices = rows.filter(kind=InvoiceKind.INVOICE).values("pk")

    def signed(column: str) -> Sum:
        return Sum(Case(When(kind=InvoiceKind.CREDIT_NOTE, then=-F(column)), default=F(column), output_field=MONEY_FIELD))

    # Aliases unlike the annotations' names (paid, credited, balance): aggregate() refuses a clash.
    sums = rows.aggregate(
        net_total=signed("net"),
        vat_total=signed("vat"),
        gross_total=signed("gross"),
        owed_total=Sum("gross", filter=Q(kind=InvoiceKind.INVOICE)),
    )
    paid = Payment.objects.filter(invoice__in=fee_invoices).aggregate(total=Sum("amount"))["total"]
    # What credit notes took off these invoices, whether or not the notes themselves are among the rows.
    credited = Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE, credits__in=fee_invoices).aggregate(total=Sum("gross"))["total"]
    zero = Decimal("0.00")
    return {
        "net": sums["net_total"] or zero,
        "vat": sums["vat_total"] or zero,
        "gross": sums["gross_total"] or zero,
        "balance": (sums["owed_total"] or zero) - (paid or zero) - (credited or zero),
    }


def invoice_for(*, organisation: Organisation, year: FinancialYear) -> "InvoiceWithStatus | None":
    """The organisation's fee invoice for the year, annotated, or None."""
    return (
        invoices_with_status(Invoice.objects.filter(organisation=organisation, year=year, kind=InvoiceKind.INVOICE))
        .select_related("organisation", "year")
        .first()
    )


def overdue_invoices(*, today: datetime.date | None = None) -> QuerySet:
    return invoices_with_status(today=today).filter(status=InvoiceStatus.OVERDUE)

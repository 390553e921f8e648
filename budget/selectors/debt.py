"""Aged debt: fee invoices with money still owing, by how long they are overdue."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from budget.models import Invoice, InvoiceKind
from budget.selectors.invoices import invoices_with_status
from loti.models import FinancialYear
from loti.money import to_money

ZERO = Decimal("0.00")
# (label, first day overdue, last day overdue); an invoice due today is 0 days overdue.
BANDS = [("0–30 days", 0, 30), ("31–60 days", 31, 60), ("61–90 days", 61, 90), ("Over 90 days", 91, None)]


def band_for(days_overdue: int) -> str | None:
    for label, first, last in BANDS:
        if days_overdue >= first and (last is None or days_overdue <= last):
            return label
    return None  # not yet due


@dataclass(frozen=True)
class DebtBand:
    label: str
    invoices: int
    amount: Decimal


@dataclass(frozen=True)
class OwingInvoice:
    number: str
    organisation: str
    year: str
    due_on: datetime.date
    balance: Decimal
    days_overdue: int

    @property
    def band(self) -> str | None:
        return band_for(self.days_overdue)


@dataclass(frozen=True)
class AgedDebt:
    as_of: datetime.date
    bands: list[DebtBand]
    not_yet_due: Decimal
    invoices: list[OwingInvoice] = field(default_factory=list)  # overdue ones, most overdue first

    @property
    def overdue_total(self) -> Decimal:
        return to_money(sum((band.amount for band in self.bands), ZERO))

    @property
    def over_90(self) -> Decimal:
        return self.bands[-1].amount

    def as_json(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "bands": [{"label": band.label, "invoices": band.invoices, "amount": f"{band.amount:.2f}"} for band in self.bands],
            "overdue_total": f"{self.overdue_total:.2f}",
            "not_yet_due": f"{self.not_yet_due:.2f}",
        }


def owing_invoices(*, year: FinancialYear | None = None, today: datetime.date | None = None) -> list[OwingInvoice]:
    """Fee invoices not credited with a balance still owing (one query), most overdue first."""
    today = today or timezone.localdate()
    queryset = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
    if year is not None:
        queryset = queryset.filter(year=year)
    rows = (
        invoices_with_status(queryset, today=today)
        .filter(balance__gt=Decimal(0), credited=Decimal(0))
        .order_by("due_on", "number")
        .values("number", "organisation__name", "year__label", "due_on", "balance")
    )
    return [
        OwingInvoice(
            number=row["number"],
            organisation=row["organisation__name"],
            year=row["year__label"],
            due_on=row["due_on"],
            balance=to_money(row["balance"]),
            days_overdue=(today - row["due_on"]).days,
        )
        for row in rows
    ]


def aged_debt(*, year: FinancialYear | None = None, today: datetime.date | None = None) -> AgedDebt:
    """Money owed on fee invoices by 0–30, 31–60, 61–90 and over 90 days overdue (a year's invoices, or all)."""
    today = today or timezone.localdate()
    owing = owing_invoices(year=year, today=today)
    bands = []
    for label, _, _ in BANDS:
        mine = [invoice for invoice in owing if invoice.band == label]
        bands.append(DebtBand(label=label, invoices=len(mine), amount=to_money(sum((i.balance for i in mine), ZERO))))
    return AgedDebt(
        as_of=today,
        bands=bands,
        not_yet_due=to_money(sum((i.balance for i in owing if i.band is None), ZERO)),
        invoices=[invoice for invoice in owing if invoice.band is not None],
    )

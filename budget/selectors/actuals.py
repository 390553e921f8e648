"""What actually came in and went out in a financial year, beside the budget (the plan).

Rules:
- Membership fees are counted net of VAT (VAT is not LOTI's income), by the year the invoice is for.
  invoiced = net of the year's invoices minus net of their credit notes; received = each payment scaled
  from gross to net by its invoice's net/gross, summed and rounded half-up once.
- Each funding agreement with a (not cancelled) instalment in the year is a line: invoiced = the
  instalment's amount (expected, claimed or received), claimed = the amount claimed or received,
  received = the amount received (received_amount, or the instalment's amount when none was entered).
- Other income: the portal has no record of other actual income yet, so there is no such line.
- Expenditure actuals are the budget lines whose status is Paid.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, When
from django.db.models.functions import Coalesce

from budget.models import BudgetLine, BudgetSection, ExpenditureStatus, Instalment, InstalmentStatus, Invoice, InvoiceKind, Payment
from loti.models import FinancialYear
from loti.money import to_money

MEMBERSHIP_FEES = "Membership fees"
ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=20, decimal_places=6)


@dataclass(frozen=True)
class ActualIncome:
    name: str
    invoiced: Decimal
    received: Decimal
    claimed: Decimal = ZERO
    source: str = ""  # "fees", "funder" or "other"


def _membership_fees(year: FinancialYear) -> ActualIncome | None:
    totals = Invoice.objects.filter(year=year).aggregate(
        invoiced=Sum("net", filter=Q(kind=InvoiceKind.INVOICE)),
        credited=Sum("net", filter=Q(kind=InvoiceKind.CREDIT_NOTE)),
        count=Count("pk"),
    )
    if not totals["count"]:
        return None
    received = Payment.objects.filter(invoice__year=year, invoice__gross__gt=0).aggregate(
        net=Sum(F("amount") * F("invoice__net") / F("invoice__gross"), output_field=MONEY_FIELD)
    )["net"]
    invoiced = (totals["invoiced"] or ZERO) - (totals["credited"] or ZERO)
    return ActualIncome(
        name=MEMBERSHIP_FEES, invoiced=to_money(invoiced), received=to_money(received or 0), source="fees"
    )


def _instalments(year: FinancialYear) -> list[ActualIncome]:
    received_amount = Case(
        When(status=InstalmentStatus.RECEIVED, then=Coalesce("received_amount", "amount")),
        default=None,
        output_field=MONEY_FIELD,
    )
    rows = (
        Instalment.objects.filter(year=year)
        .exclude(status=InstalmentStatus.CANCELLED)
        .values("agreement__name")
        .annotate(
            invoiced=Sum("amount"),
            claimed=Sum("amount", filter=Q(status__in=[InstalmentStatus.CLAIMED, InstalmentStatus.RECEIVED])),
            received=Sum(received_amount),
        )
        .order_by("agreement__funder__name", "agreement__name")
    )
    return [
        ActualIncome(
            name=row["agreement__name"],
            invoiced=to_money(row["invoiced"] or 0),
            claimed=to_money(row["claimed"] or 0),
            received=to_money(row["received"] or 0),
            source="funder",
        )
        for row in rows
    ]


def actual_income(*, year: FinancialYear) -> list[ActualIncome]:
    """Actual income by source: membership fees first, then each funding agreement."""
    fees = _membership_fees(year)
    return ([fees] if fees else []) + _instalments(year)


def actual_income_total(*, year: FinancialYear) -> Decimal:
    """Income received in the year (net of VAT)."""
    return to_money(sum((line.received for line in actual_income(year=year)), ZERO))


def actual_expenditure_total(*, year: FinancialYear) -> Decimal:
    total = BudgetLine.objects.filter(
        year=year, section=BudgetSection.EXPENDITURE, status=ExpenditureStatus.PAID
    ).aggregate(total=Sum("amount"))["total"]
    return to_money(total or 0)


def has_actuals(*, year: FinancialYear) -> bool:
    """True once anything has been invoiced, an instalment claimed or received, or a budget line paid."""
    return (
        Invoice.objects.filter(year=year).exists()
        or Instalment.objects.filter(year=year, status__in=[InstalmentStatus.CLAIMED, InstalmentStatus.RECEIVED]).exists()
        or BudgetLine.objects.filter(year=year, section=BudgetSection.EXPENDITURE, status=ExpenditureStatus.PAID).exists()
    )


@dataclass(frozen=True)
class YearActuals:
    income_total: Decimal
    expenditure_total: Decimal


def actual_totals_by_year() -> dict[int, YearActuals]:
    """Received income and paid expenditure for every year with actuals (as has_actuals), keyed by year id.

    The multi-year view: four grouped queries whatever the number of years, with the same rules and the
    same rounding as actual_income_total and actual_expenditure_total."""
    invoiced_years = set(Invoice.objects.values_list("year_id", flat=True).distinct())
    fees = {
        row["invoice__year"]: to_money(row["net"] or 0)
        for row in Payment.objects.filter(invoice__gross__gt=0)
        .values("invoice__year")
        .annotate(net=Sum(F("amount") * F("invoice__net") / F("invoice__gross"), output_field=MONEY_FIELD))
        .order_by()
    }
    received_amount = Case(
        When(status=InstalmentStatus.RECEIVED, then=Coalesce("received_amount", "amount")),
        default=None,
        output_field=MONEY_FIELD,
    )
    instalment_income: dict[int, Decimal] = {}
    claimed_years = set()
    rows = (
        Instalment.objects.exclude(status=InstalmentStatus.CANCELLED)
        .values("year", "agreement__funder__name", "agreement__name")  # one line per agreement, as _instalments
        .annotate(
            received=Sum(received_amount),
            claimed=Count("pk", filter=Q(status__in=[InstalmentStatus.CLAIMED, InstalmentStatus.RECEIVED])),
        )
        .order_by()
    )
    for row in rows:
        instalment_income[row["year"]] = instalment_income.get(row["year"], ZERO) + to_money(row["received"] or 0)
        if row["claimed"]:
            claimed_years.add(row["year"])
    paid = {
        row["year"]: to_money(row["total"] or 0)
        for row in BudgetLine.objects.filter(section=BudgetSection.EXPENDITURE, status=ExpenditureStatus.PAID)
        .values("year")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    return {
        year: YearActuals(
            income_total=to_money(fees.get(year, ZERO) if year in invoiced_years else ZERO) + instalment_income.get(year, ZERO),
            expenditure_total=paid.get(year, ZERO),
        )
        for year in invoiced_years | claimed_years | set(paid)
    }

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
- Each source has a key ("membership_fees", "agreement:<id>") that a planned income line names through its
  actuals_from, so plan and actual are matched by where the money is recorded, not by their names.
- Any number of years is read in a fixed number of queries (actuals_by_year), so a multi-year view does not
  grow in queries with the years it shows.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, When
from django.db.models.functions import Coalesce

from budget.models import BudgetLine, BudgetSection, ExpenditureStatus, Instalment, InstalmentStatus, Invoice, InvoiceKind, Payment
from loti.models import FinancialYear
from loti.money import to_money

MEMBERSHIP_FEES = "Membership fees"
MEMBERSHIP_FEES_KEY = "membership_fees"
ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=20, decimal_places=6)


def agreement_key(agreement_id: int) -> str:
    return f"agreement:{agreement_id}"


@dataclass(frozen=True)
class ActualIncome:
    name: str
    invoiced: Decimal
    received: Decimal
    claimed: Decimal = ZERO
    source: str = ""  # "fees", "funder" or "other"
    key: str = ""  # matches a planned income line's actuals (see BudgetLine.actuals_from)


@dataclass(frozen=True)
class YearActuals:
    income: list[ActualIncome] = field(default_factory=list)
    expenditure_paid: Decimal = ZERO
    has_any: bool = False

    @property
    def income_received(self) -> Decimal:
        return to_money(sum((line.received for line in self.income), ZERO))


def actuals_by_year(*, years: list[FinancialYear]) -> dict[int, YearActuals]:
    """Actuals for each of these years, keyed by the year's primary key, in four queries whatever their number."""
    year_ids = [year.pk for year in years]
    income: dict[int, list[ActualIncome]] = {pk: [] for pk in year_ids}
    anything: dict[int, bool] = {pk: False for pk in year_ids}

    fees = (
        Invoice.objects.filter(year_id__in=year_ids)
        .values("year_id")
        .annotate(
            invoiced=Sum("net", filter=Q(kind=InvoiceKind.INVOICE)),
            credited=Sum("net", filter=Q(kind=InvoiceKind.CREDIT_NOTE)),
            count=Count("pk"),
        )
        .order_by()
    )
    received_by_year = dict(
        Payment.objects.filter(invoice__year_id__in=year_ids, invoice__gross__gt=0)
        .values("invoice__year_id")
        .annotate(net=Sum(F("amount") * F("invoice__net") / F("invoice__gross"), output_field=MONEY_FIELD))
        .order_by()
        .values_list("invoice__year_id", "net")
    )
    for row in fees:
        anything[row["year_id"]] = True
        income[row["year_id"]].append(
            ActualIncome(
                name=MEMBERSHIP_FEES,
                invoiced=to_money((row["invoiced"] or ZERO) - (row["credited"] or ZERO)),
                received=to_money(received_by_year.get(row["year_id"]) or 0),
                source="fees",
                key=MEMBERSHIP_FEES_KEY,
            )
        )

    received_amount = Case(
        When(status=InstalmentStatus.RECEIVED, then=Coalesce("received_amount", "amount")),
        default=None,
        output_field=MONEY_FIELD,
    )
    instalments = (
        Instalment.objects.filter(year_id__in=year_ids)
        .exclude(status=InstalmentStatus.CANCELLED)
        .values("year_id", "agreement_id", "agreement__name")
        .annotate(
            invoiced=Sum("amount"),
            claimed=Sum("amount", filter=Q(status__in=[InstalmentStatus.CLAIMED, InstalmentStatus.RECEIVED])),
            received=Sum(received_amount),
            moved=Count("pk", filter=Q(status__in=[InstalmentStatus.CLAIMED, InstalmentStatus.RECEIVED])),
        )
        .order_by("agreement__funder__name", "agreement__name")
    )
    for row in instalments:
        anything[row["year_id"]] = anything[row["year_id"]] or row["moved"] > 0
        income[row["year_id"]].append(
            ActualIncome(
                name=row["agreement__name"],
                invoiced=to_money(row["invoiced"] or 0),
                claimed=to_money(row["claimed"] or 0),
                received=to_money(row["received"] or 0),
                source="funder",
                key=agreement_key(row["agreement_id"]),
            )
        )

    paid = dict(
        BudgetLine.objects.filter(year_id__in=year_ids, section=BudgetSection.EXPENDITURE, status=ExpenditureStatus.PAID)
        .values("year_id")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("year_id", "total")
    )
    return {
        pk: YearActuals(
            income=income[pk],
            expenditure_paid=to_money(paid.get(pk) or 0),
            has_any=anything[pk] or pk in paid,
        )
        for pk in year_ids
    }


def _for(year: FinancialYear) -> YearActuals:
    return actuals_by_year(years=[year])[year.pk]


def actual_income(*, year: FinancialYear) -> list[ActualIncome]:
    """Actual income by source: membership fees first, then each funding agreement."""
    return _for(year).income


def actual_income_total(*, year: FinancialYear) -> Decimal:
    """Income received in the year (net of VAT)."""
    return _for(year).income_received


def actual_expenditure_total(*, year: FinancialYear) -> Decimal:
    return _for(year).expenditure_paid


def has_actuals(*, year: FinancialYear) -> bool:
    """True once anything has been invoiced, an instalment claimed or received, or a budget line paid."""
    return _for(year).has_any

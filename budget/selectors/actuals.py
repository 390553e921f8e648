"""What actually came in and went out in a financial year: one rule for "actual", per budget line.

A line's actual comes from where its money is recorded (BudgetLine.actuals_from; docs/money.md):
- ledger (the default): the sum of its ledger entries, refunds negative;
- membership_fees: the net of the year's fee invoices less the net of their credit notes (VAT is not LOTI's
  income); the cash received, each payment scaled from gross to net, is shown beside it but is not the actual;
- funding_agreement: the agreement's instalments for the year that are claimed or received (an expected
  instalment is not actual; a cancelled one is nothing);
- brought_forward: its amount (a balance carried from the previous year).

Fee and funder money is read per source ("membership_fees", "agreement:<id>"); a source with money but no
plan line naming it is reported as income without a plan line, so no money goes uncounted.
Any number of years is read in five queries (actuals_by_year), so a multi-year view does not grow in queries
with the years it shows.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, When
from django.db.models.functions import Coalesce

from budget.models import ActualsFrom, BudgetLine, BudgetSection, Instalment, InstalmentStatus, Invoice, InvoiceKind, LedgerEntry, Payment
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
    """Fee or funder money for a year, by source.

    fees: invoiced (net of credit notes) is the actual; received is the cash, net of VAT.
    funder: claimed (claimed or received instalments) is the actual; invoiced is every instalment not cancelled
    (expected ones included); expected is what is still only expected.
    """

    name: str
    invoiced: Decimal
    received: Decimal
    claimed: Decimal = ZERO
    source: str = ""  # "fees" or "funder"
    key: str = ""  # matches a plan line's actuals_from (see BudgetLine.actuals_from)
    expected: Decimal = ZERO
    count: int = 0  # fees: invoices not credited

    @property
    def actual(self) -> Decimal:
        return self.invoiced if self.source == "fees" else self.claimed


@dataclass(frozen=True)
class YearActuals:
    income: list[ActualIncome] = field(default_factory=list)  # by source: fees first, then each agreement
    ledger_by_line: dict[int, Decimal] = field(default_factory=dict)
    ledger_totals: dict[str, Decimal] = field(default_factory=dict)  # by section
    ledger_count: int = 0
    brought_forward: dict[str, Decimal] = field(default_factory=dict)  # by section

    def source(self, key: str) -> ActualIncome | None:
        return next((line for line in self.income if line.key == key), None)

    @property
    def has_any(self) -> bool:
        """True once anything is in the ledger, invoiced, or an instalment claimed or received."""
        return bool(self.ledger_count) or any(line.actual or line.received for line in self.income)

    @property
    def income_received(self) -> Decimal:
        """Cash received from fees and funders, net of VAT."""
        return to_money(sum((line.received for line in self.income), ZERO))

    @property
    def income_total(self) -> Decimal:
        """Actual income: the ledger's income, fees invoiced, instalments claimed or received, balances brought forward."""
        return to_money(
            self.ledger_totals.get(BudgetSection.INCOME, ZERO)
            + self.brought_forward.get(BudgetSection.INCOME, ZERO)
            + sum((line.actual for line in self.income), ZERO)
        )

    @property
    def expenditure_total(self) -> Decimal:
        return to_money(self.ledger_totals.get(BudgetSection.EXPENDITURE, ZERO) + self.brought_forward.get(BudgetSection.EXPENDITURE, ZERO))


def actuals_by_year(*, years: list[FinancialYear]) -> dict[int, YearActuals]:
    """Actuals for each of these years, keyed by the year's primary key, in five queries whatever their number."""
    year_ids = [year.pk for year in years]
    income: dict[int, list[ActualIncome]] = {pk: [] for pk in year_ids}

    fees = (
        Invoice.objects.filter(year_id__in=year_ids)
        .values("year_id")
        .annotate(
            invoiced=Sum("net", filter=Q(kind=InvoiceKind.INVOICE)),
            credited=Sum("net", filter=Q(kind=InvoiceKind.CREDIT_NOTE)),
            invoices=Count("pk", filter=Q(kind=InvoiceKind.INVOICE)),
            credit_note_count=Count("pk", filter=Q(kind=InvoiceKind.CREDIT_NOTE)),
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
        income[row["year_id"]].append(
            ActualIncome(
                name=MEMBERSHIP_FEES,
                invoiced=to_money((row["invoiced"] or ZERO) - (row["credited"] or ZERO)),
                received=to_money(received_by_year.get(row["year_id"]) or 0),
                source="fees",
                key=MEMBERSHIP_FEES_KEY,
                count=row["invoices"] - row["credit_note_count"],
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
            claimed=Sum(
                Case(
                    When(status=InstalmentStatus.RECEIVED, then=Coalesce("received_amount", "amount")),
                    When(status=InstalmentStatus.CLAIMED, then="amount"),
                    default=None,
                    output_field=MONEY_FIELD,
                )
            ),
            expected=Sum("amount", filter=Q(status=InstalmentStatus.EXPECTED)),
            received=Sum(received_amount),
        )
        .order_by("agreement__funder__name", "agreement__name")
    )
    for grant in instalments:
        income[grant["year_id"]].append(
            ActualIncome(
                name=grant["agreement__name"],
                invoiced=to_money(grant["invoiced"] or 0),
                claimed=to_money(grant["claimed"] or 0),
                received=to_money(grant["received"] or 0),
                expected=to_money(grant["expected"] or 0),
                source="funder",
                key=agreement_key(grant["agreement_id"]),
            )
        )

    ledger_by_line: dict[int, dict[int, Decimal]] = {pk: {} for pk in year_ids}
    ledger_totals: dict[int, dict[str, Decimal]] = {pk: defaultdict(lambda: ZERO) for pk in year_ids}
    ledger_count: dict[int, int] = defaultdict(int)
    ledger_rows = (
        LedgerEntry.objects.filter(year_id__in=year_ids)
        .values("year_id", "budget_line_id", "budget_line__section")
        .annotate(total=Sum("amount"), entries=Count("pk"))
        .order_by()
    )
    for entry in ledger_rows:
        ledger_by_line[entry["year_id"]][entry["budget_line_id"]] = to_money(entry["total"])
        ledger_totals[entry["year_id"]][entry["budget_line__section"]] += entry["total"]
        ledger_count[entry["year_id"]] += entry["entries"]

    brought_forward: dict[int, dict[str, Decimal]] = {pk: {} for pk in year_ids}
    line_rows = (
        BudgetLine.objects.filter(year_id__in=year_ids, actuals_from=ActualsFrom.BROUGHT_FORWARD)
        .values("year_id", "section")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for line in line_rows:
        brought_forward[line["year_id"]][line["section"]] = to_money(line["total"])

    return {
        pk: YearActuals(
            income=income[pk],
            ledger_by_line=ledger_by_line[pk],
            ledger_totals=dict(ledger_totals[pk]),
            ledger_count=ledger_count[pk],
            brought_forward=brought_forward[pk],
        )
        for pk in year_ids
    }


def _for(year: FinancialYear) -> YearActuals:
    return actuals_by_year(years=[year])[year.pk]


def actual_income(*, year: FinancialYear) -> list[ActualIncome]:
    """Fee and funder money by source: membership fees first, then each funding agreement."""
    return _for(year).income


def actual_income_total(*, year: FinancialYear) -> Decimal:
    """Actual income of the year (net of VAT), by the one rule above."""
    return _for(year).income_total


def actual_expenditure_total(*, year: FinancialYear) -> Decimal:
    return _for(year).expenditure_total


def has_actuals(*, year: FinancialYear) -> bool:
    return _for(year).has_any

"""The budget as LOTI publishes it: income, expenditure with status, funds remaining, allocations, unallocated."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from budget.models import ActualsFrom, BudgetLine, BudgetSection
from budget.selectors.actuals import MEMBERSHIP_FEES_KEY, agreement_key
from loti.models import FinancialYear
from loti.money import money_str, to_money


@dataclass(frozen=True)
class PlanLine:
    name: str
    amount: Decimal
    status: str = ""
    pillar: str = ""
    actuals_key: str = ""  # for fee or funder income: its source's key (see budget.selectors.actuals)
    pk: int | None = None
    source: str = ""  # where its actuals come from: ledger, membership_fees, funding_agreement, brought_forward
    commentary: str = ""


@dataclass(frozen=True)
class BudgetPlan:
    year: str
    income: list[PlanLine] = field(default_factory=list)
    expenditure: list[PlanLine] = field(default_factory=list)
    allocations: list[PlanLine] = field(default_factory=list)

    @property
    def income_total(self) -> Decimal:
        return to_money(sum((line.amount for line in self.income), Decimal(0)))

    @property
    def expenditure_total(self) -> Decimal:
        return to_money(sum((line.amount for line in self.expenditure), Decimal(0)))

    @property
    def funds_remaining(self) -> Decimal:
        return self.income_total - self.expenditure_total

    @property
    def allocation_total(self) -> Decimal:
        return to_money(sum((line.amount for line in self.allocations), Decimal(0)))

    @property
    def unallocated(self) -> Decimal:
        return self.funds_remaining - self.allocation_total

    def expenditure_by_status(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for line in self.expenditure:
            totals[line.status] = totals.get(line.status, Decimal(0)) + line.amount
        return totals

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "income_total": money_str(self.income_total),
            "expenditure_total": money_str(self.expenditure_total),
            "funds_remaining": money_str(self.funds_remaining),
            "allocation_total": money_str(self.allocation_total),
            "unallocated": money_str(self.unallocated),
            "income": [{"name": line.name, "amount": money_str(line.amount)} for line in self.income],
            "expenditure": [{"name": line.name, "amount": money_str(line.amount), "status": line.status} for line in self.expenditure],
            "allocations": [{"name": line.name, "amount": money_str(line.amount), "pillar": line.pillar} for line in self.allocations],
        }


def budget_plan(*, year: FinancialYear) -> BudgetPlan:
    """One query: every line of the year's budget, in the order LOTI publishes it."""
    sections: dict[str, list[PlanLine]] = {section: [] for section in BudgetSection.values}
    lines = BudgetLine.objects.filter(year=year).select_related("pillar").order_by("section", "position", "name")
    for line in lines:
        sections[line.section].append(
            PlanLine(
                name=line.name,
                amount=line.amount,
                status=line.status,
                pillar=line.pillar.name if line.pillar else "",
                actuals_key=_actuals_key(line),
                pk=line.pk,
                source=line.actuals_source,
                commentary=line.commentary,
            )
        )
    return BudgetPlan(
        year=year.label,
        income=sections[BudgetSection.INCOME],
        expenditure=sections[BudgetSection.EXPENDITURE],
        allocations=sections[BudgetSection.ALLOCATION],
    )


def _actuals_key(line: BudgetLine) -> str:
    if line.actuals_from == ActualsFrom.MEMBERSHIP_FEES:
        return MEMBERSHIP_FEES_KEY
    if line.actuals_from == ActualsFrom.FUNDING_AGREEMENT:
        assert line.funding_agreement_id is not None  # a database constraint: such a line names its agreement
        return agreement_key(line.funding_agreement_id)
    return ""


def budget_years_with_lines() -> list[FinancialYear]:
    return list(FinancialYear.objects.filter(budget_lines__isnull=False).distinct().order_by("start_date"))


def plan_totals_by_year() -> dict[str, dict[str, Decimal]]:
    """Totals per year and section, for the multi-year view, in one query."""
    rows = BudgetLine.objects.values("year__label", "section").annotate(total=Sum("amount")).order_by("year__start_date")
    totals: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        totals.setdefault(row["year__label"], {})[row["section"]] = row["total"]
    return totals


def pillar_allocation_total(*, pillar_id: int, year_id: int) -> Decimal:
    """What a year's budget allocates to a pillar (0 when it allocates nothing); read by projects' approvals."""
    total = BudgetLine.objects.filter(year_id=year_id, section=BudgetSection.ALLOCATION, pillar_id=pillar_id).aggregate(
        total=Sum("amount")
    )["total"]
    return to_money(total or 0)

"""The budget report: the published plan, the actuals beside it and the variance, and the multi-year trend.

The plan comes from budget_plan(); the actuals (invoiced, received, paid) from the fees part's selectors.
Where no actuals exist for a year the report is the plan alone, and the JSON leaves the actual totals out.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from budget.models import ExpenditureStatus
from budget.selectors.plan import BudgetPlan, budget_plan, plan_totals_by_year
from loti.models import FinancialYear
from loti.money import money_str, to_money

from budget.selectors import actuals as actuals_selectors

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class IncomeActual:
    name: str
    planned: Decimal
    invoiced: Decimal | None
    received: Decimal | None

    @property
    def variance(self) -> Decimal | None:
        """Received against plan: negative when less came in than planned; none where no actuals are recorded."""
        return None if self.received is None else self.received - self.planned


@dataclass(frozen=True)
class Actuals:
    income: list[IncomeActual]
    income_total: Decimal
    expenditure_total: Decimal


@dataclass(frozen=True)
class TrendYear:
    year: str
    income: Decimal
    expenditure: Decimal
    allocations: Decimal
    actual_income: Decimal | None = None
    actual_expenditure: Decimal | None = None

    @property
    def funds_remaining(self) -> Decimal:
        return self.income - self.expenditure


@dataclass(frozen=True)
class BudgetReport:
    plan: BudgetPlan
    actuals: Actuals | None = None
    trend: list[TrendYear] = field(default_factory=list)

    @property
    def year(self) -> str:
        return self.plan.year

    @property
    def has_plan(self) -> bool:
        return bool(self.plan.income or self.plan.expenditure or self.plan.allocations)

    @property
    def income_variance(self) -> Decimal | None:
        return None if self.actuals is None else self.actuals.income_total - self.plan.income_total

    @property
    def expenditure_variance(self) -> Decimal | None:
        return None if self.actuals is None else self.actuals.expenditure_total - self.plan.expenditure_total

    @property
    def actual_funds_remaining(self) -> Decimal | None:
        return None if self.actuals is None else self.actuals.income_total - self.actuals.expenditure_total

    def expenditure_by_status(self) -> list[tuple[str, Decimal]]:
        """(status label, total) in the order Estimated, Committed, Paid, skipping statuses with no lines."""
        totals = self.plan.expenditure_by_status()
        return [(label, to_money(totals[value])) for value, label in ExpenditureStatus.choices if value in totals]

    def as_json(self) -> dict:
        data = self.plan.as_json()
        if self.actuals is not None:
            data["actual_income_total"] = money_str(self.actuals.income_total)
            data["actual_expenditure_total"] = money_str(self.actuals.expenditure_total)
            data["income_variance"] = money_str(self.income_variance)
            data["expenditure_variance"] = money_str(self.expenditure_variance)
            data["actual_income"] = [
                {
                    "name": line.name,
                    "planned": money_str(line.planned),
                    "invoiced": money_str(line.invoiced) if line.invoiced is not None else None,
                    "received": money_str(line.received) if line.received is not None else None,
                    "variance": money_str(line.variance) if line.variance is not None else None,
                }
                for line in self.actuals.income
            ]
        data["trend"] = [
            {
                "year": row.year,
                "income_total": money_str(row.income),
                "expenditure_total": money_str(row.expenditure),
                "allocation_total": money_str(row.allocations),
                **(
                    {"actual_income_total": money_str(row.actual_income), "actual_expenditure_total": money_str(row.actual_expenditure)}
                    if row.actual_income is not None
                    else {}
                ),
            }
            for row in self.trend
        ]
        return data

    def csv_rows(self) -> list[list[str]]:
        """One row per line of the plan, with actual and variance where they exist, then the totals."""
        rows = [["section", "name", "status", "pillar", "planned", "actual", "variance"]]
        beside = {line.name: line for line in self.actuals.income} if self.actuals else {}
        for line in self.plan.income:
            actual = beside.get(line.name)
            received = actual.received if actual else None
            rows.append([
                "income", line.name, "", "", money_str(line.amount),
                money_str(received) if received is not None else "",
                money_str(actual.variance) if received is not None else "",
            ])
        for line in self.plan.expenditure:
            rows.append(["expenditure", line.name, line.status, "", money_str(line.amount), "", ""])
        for line in self.plan.allocations:
            rows.append(["allocation", line.name, "", line.pillar, money_str(line.amount), "", ""])
        actual = self.actuals
        rows += [
            ["total", "income_total", "", "", money_str(self.plan.income_total),
             money_str(actual.income_total) if actual else "", money_str(self.income_variance) if actual else ""],
            ["total", "expenditure_total", "", "", money_str(self.plan.expenditure_total),
             money_str(actual.expenditure_total) if actual else "", money_str(self.expenditure_variance) if actual else ""],
            ["total", "funds_remaining", "", "", money_str(self.plan.funds_remaining),
             money_str(self.actual_funds_remaining) if actual else "", ""],
            ["total", "allocation_total", "", "", money_str(self.plan.allocation_total), "", ""],
            ["total", "unallocated", "", "", money_str(self.plan.unallocated), "", ""],
        ]
        return rows


def _income_beside_plan(plan: BudgetPlan, year_actuals: actuals_selectors.YearActuals) -> list[IncomeActual]:
    """Each planned income line with the actual money recorded for it (matched by source, not by name), then any
    source that came in without a plan line."""
    sources = {line.key: line for line in year_actuals.income}
    matched = set()
    rows = []
    for line in plan.income:
        actual = sources.get(line.actuals_key) if line.actuals_key else None
        if line.actuals_key:
            matched.add(line.actuals_key)
        rows.append(
            IncomeActual(
                name=line.name,
                planned=line.amount,
                invoiced=actual.invoiced if actual else (ZERO if line.actuals_key else None),
                received=actual.received if actual else (ZERO if line.actuals_key else None),
            )
        )
    rows += [
        IncomeActual(name=source.name, planned=ZERO, invoiced=source.invoiced, received=source.received)
        for source in year_actuals.income
        if source.key not in matched
    ]
    return rows


def budget_actuals(*, year: FinancialYear, plan: BudgetPlan, year_actuals=None) -> Actuals | None:
    """The year's actuals beside its plan, or None when nothing has been invoiced, received or paid yet."""
    year_actuals = year_actuals or actuals_selectors.actuals_by_year(years=[year])[year.pk]
    if not year_actuals.has_any:
        return None
    return Actuals(
        income=_income_beside_plan(plan, year_actuals),
        income_total=year_actuals.income_received,
        expenditure_total=year_actuals.expenditure_paid,
    )


def budget_trend(*, up_to: FinancialYear, actuals: dict | None = None) -> list[TrendYear]:
    """Every year with a budget up to and including this one, oldest first, in a fixed number of queries."""
    years = list(FinancialYear.objects.filter(start_date__lte=up_to.start_date, budget_lines__isnull=False).distinct())
    by_label = {year.label: year for year in years}
    actuals = actuals if actuals is not None else actuals_selectors.actuals_by_year(years=years)
    trend = []
    for label, sections in plan_totals_by_year().items():
        if label not in by_label:
            continue
        year_actuals = actuals.get(by_label[label].pk)
        recorded = year_actuals is not None and year_actuals.has_any
        trend.append(
            TrendYear(
                year=label,
                income=to_money(sections.get("income", ZERO)),
                expenditure=to_money(sections.get("expenditure", ZERO)),
                allocations=to_money(sections.get("allocation", ZERO)),
                actual_income=year_actuals.income_received if recorded else None,
                actual_expenditure=year_actuals.expenditure_paid if recorded else None,
            )
        )
    return trend


def budget_report(*, year: FinancialYear) -> BudgetReport:
    plan = budget_plan(year=year)
    years = list(FinancialYear.objects.filter(start_date__lte=year.start_date, budget_lines__isnull=False).distinct())
    actuals = actuals_selectors.actuals_by_year(years=[*years, year])
    return BudgetReport(
        plan=plan,
        actuals=budget_actuals(year=year, plan=plan, year_actuals=actuals[year.pk]),
        trend=budget_trend(up_to=year, actuals=actuals),
    )

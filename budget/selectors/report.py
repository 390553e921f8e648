"""The budget report: the published plan, each line's actual, variance, forecast outturn and commentary, the
allocations as budgets, the funders' terms, aged debt, risks, key messages and every year that has data.

The page in the portal, the PDF, the JSON and the CSV all read one BudgetReport from budget_report(). Rules
(docs/money.md):
- actual: budget.selectors.actuals (one rule per line, from where its money is recorded);
- variance = actual − plan, per line and in total;
- forecast outturn: a closed year's is its actual; otherwise a funder line is its actual plus the instalments
  still expected, a balance brought forward is its amount, and any other line is its actual plus whatever of
  its plan is not yet reached (committed or estimated money still to come);
- a line needs commentary when its variance is over both thresholds (LOTI_VARIANCE_THRESHOLD_PERCENT of its
  plan and LOTI_VARIANCE_THRESHOLD_AMOUNT pounds).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from budget.models import (
    ActualsFrom,
    BudgetSection,
    ExpenditureStatus,
    FeeSchedule,
    FundingAgreement,
    Instalment,
    InstalmentStatus,
    YearClosing,
)
from budget.selectors import actuals as actuals_selectors
from budget.selectors.debt import AgedDebt, aged_debt
from budget.selectors.plan import BudgetPlan, PlanLine, budget_plan, plan_totals_by_year
from loti.models import FinancialYear
from loti.money import money_str, to_money, whole_pounds_display
from members.models import MembershipTier
from projects.models import Project, ProjectStatus

ZERO = Decimal("0.00")
FUNDED_STATUSES = [ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.COMPLETED]


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def variance_thresholds() -> tuple[Decimal, Decimal]:
    percent = Decimal(str(getattr(settings, "LOTI_VARIANCE_THRESHOLD_PERCENT", 10)))
    amount = Decimal(str(getattr(settings, "LOTI_VARIANCE_THRESHOLD_AMOUNT", 5000)))
    return percent, amount


def variance_matters(*, plan: Decimal, variance: Decimal) -> bool:
    """Over both thresholds: more than the percentage of its plan and more than the amount."""
    percent, amount = variance_thresholds()
    return abs(variance) > amount and abs(variance) * 100 > percent * plan


@dataclass(frozen=True)
class ReportLine:
    name: str
    section: str
    plan: Decimal
    actual: Decimal
    forecast: Decimal
    status: str = ""
    commentary: str = ""
    source: str = ActualsFrom.LEDGER
    received: Decimal | None = None  # fee and funder lines: the cash in, beside the actual
    planned: bool = True  # False for fee or funder money that no plan line names
    pk: int | None = None

    @property
    def variance(self) -> Decimal:
        return self.actual - self.plan

    @property
    def needs_commentary(self) -> bool:
        return variance_matters(plan=self.plan, variance=self.variance)

    @property
    def unexplained(self) -> bool:
        return self.needs_commentary and not self.commentary.strip()

    @property
    def source_label(self) -> str:
        labels: dict[str, str] = {
            ActualsFrom.LEDGER: "Ledger",
            ActualsFrom.MEMBERSHIP_FEES: "Fee invoices less credit notes",
            ActualsFrom.FUNDING_AGREEMENT: "Instalments claimed",
            ActualsFrom.BROUGHT_FORWARD: "Brought forward",
        }
        return labels.get(self.source, "")

    def as_json(self) -> dict:
        data: dict[str, str | bool] = {"name": self.name, "amount": money_str(self.plan)}
        if self.section == BudgetSection.EXPENDITURE:
            data["status"] = self.status
        data |= {
            "actual": money_str(self.actual),
            "variance": money_str(self.variance),
            "forecast": money_str(self.forecast),
            "commentary": self.commentary,
            "actuals_from": self.source,
        }
        if self.received is not None:
            data["received"] = money_str(self.received)
        if not self.planned:
            data["planned"] = False
        return data


@dataclass(frozen=True)
class OtherLines(ReportLine):
    """The lines a board paper's table totals rather than lists."""

    unexplained_count: int = 0


@dataclass(frozen=True)
class PillarBudget:
    pillar: str
    allocated: Decimal
    approved: Decimal
    projects: int

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.approved


@dataclass(frozen=True)
class InstalmentTerm:
    year: str
    amount: Decimal
    status: str
    in_this_year: bool


@dataclass(frozen=True)
class AgreementTerms:
    name: str
    funder: str
    reference: str
    total: Decimal
    instalments: list[InstalmentTerm]
    conditions: list[tuple[str, datetime.date | None, datetime.date | None]]  # description, due, met
    termination_right: str
    termination_year: str
    terminated_on: datetime.date | None


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

    @property
    def actual_funds_remaining(self) -> Decimal | None:
        if self.actual_income is None or self.actual_expenditure is None:  # both are set, or neither
            return None
        return self.actual_income - self.actual_expenditure


@dataclass(frozen=True)
class BudgetReport:
    plan: BudgetPlan
    income: list[ReportLine] = field(default_factory=list)
    expenditure: list[ReportLine] = field(default_factory=list)
    has_actuals: bool = False
    closed: bool = False
    closed_on: datetime.date | None = None
    pillars: list[PillarBudget] = field(default_factory=list)
    funding: list[AgreementTerms] = field(default_factory=list)
    debt: AgedDebt | None = None
    trend: list[TrendYear] = field(default_factory=list)
    fees_invoices: int = 0
    planned_fee: Decimal | None = None  # the core annual fee, to say how many members the plan allowed for
    year_ended: bool = False
    notes: str = ""  # decisions or notes for CELC, written per run

    @property
    def year(self) -> str:
        return self.plan.year

    @property
    def has_plan(self) -> bool:
        return bool(self.plan.income or self.plan.expenditure or self.plan.allocations)

    @property
    def is_empty(self) -> bool:
        """Nothing to report: no plan, no actuals, no funder's instalment in the year, no fee owing. The PDF is one page."""
        instalments = any(term.in_this_year for agreement in self.funding for term in agreement.instalments)
        owing = self.debt is not None and (self.debt.overdue_total > 0 or self.debt.not_yet_due > 0)
        return not (self.has_plan or self.has_actuals or instalments or owing or self.fees_invoices)

    @property
    def years_with_data(self) -> list[str]:
        return [
            row.year
            for row in self.trend
            if row.income or row.expenditure or row.allocations or row.actual_income or row.actual_expenditure
        ]

    def _total(self, lines: list[ReportLine], attribute: str) -> Decimal:
        return to_money(sum((getattr(line, attribute) for line in lines), ZERO))

    @property
    def actual_income_total(self) -> Decimal:
        return self._total(self.income, "actual")

    @property
    def actual_expenditure_total(self) -> Decimal:
        return self._total(self.expenditure, "actual")

    @property
    def actual_funds_remaining(self) -> Decimal:
        return self.actual_income_total - self.actual_expenditure_total

    @property
    def income_variance(self) -> Decimal:
        return self.actual_income_total - self.plan.income_total

    @property
    def expenditure_variance(self) -> Decimal:
        return self.actual_expenditure_total - self.plan.expenditure_total

    @property
    def forecast_income_total(self) -> Decimal:
        return self._total(self.income, "forecast")

    @property
    def forecast_expenditure_total(self) -> Decimal:
        return self._total(self.expenditure, "forecast")

    @property
    def forecast_funds_remaining(self) -> Decimal:
        return self.forecast_income_total - self.forecast_expenditure_total

    @property
    def forecast_unallocated(self) -> Decimal:
        return self.forecast_funds_remaining - self.plan.allocation_total

    @property
    def lines(self) -> list[ReportLine]:
        return self.income + self.expenditure

    @property
    def unexplained(self) -> list[ReportLine]:
        return [line for line in self.lines if line.unexplained]

    @property
    def fee_line(self) -> ReportLine | None:
        return next((line for line in self.income if line.source == ActualsFrom.MEMBERSHIP_FEES), None)

    def shown(self, section: str, *, top: int = 25) -> tuple[list[ReportLine], ReportLine | None]:
        """A board paper's lines: every one when there are few; otherwise the `top` lines with the largest variances
        (those with or needing a commentary first), in the published order, and one line totalling the rest. The CSV
        and JSON keep every line."""
        lines = self.income if section == BudgetSection.INCOME else self.expenditure
        if len(lines) <= top + 1:
            return lines, None
        # The largest variances first (explained or not), then the largest lines.
        ranked = sorted(lines, key=lambda line: (not (line.needs_commentary or line.commentary), -abs(line.variance), -line.plan))
        keep = {id(line) for line in ranked[:top]}
        shown = [line for line in lines if id(line) in keep]
        others = [line for line in lines if id(line) not in keep]
        rest = OtherLines(
            name=f"Other lines ({len(others)})",
            section=section,
            source="",
            plan=self._total(others, "plan"),
            actual=self._total(others, "actual"),
            forecast=self._total(others, "forecast"),
            unexplained_count=sum(1 for line in others if line.unexplained),
        )
        return shown, rest

    def expenditure_by_status(self) -> list[tuple[str, Decimal]]:
        """(status label, total) in the order Estimated, Committed, Paid, skipping statuses with no lines."""
        totals = self.plan.expenditure_by_status()
        return [(label, to_money(totals[value])) for value, label in ExpenditureStatus.choices if value in totals]

    # -- what CELC reads first --------------------------------------------------------------------------

    def key_messages(self) -> list[str]:
        """Three to five sentences drawn from the figures, most telling first."""
        messages = []
        fee = self.fee_line
        if self.has_actuals and fee is not None and fee.needs_commentary and not self.fees_invoices:
            messages.append(
                f"No {self.year} membership fee invoices are recorded in the portal, so {fee.name} show nothing "
                f"against {whole_pounds_display(fee.plan)} planned."
            )
        elif self.has_actuals and fee is not None and fee.needs_commentary:
            words = "above" if fee.variance > 0 else "below"
            message = f"{fee.name} are {whole_pounds_display(abs(fee.variance))} {words} plan"
            if self.planned_fee and self.fees_invoices and fee.plan % self.planned_fee == 0:
                allowed = int(fee.plan / self.planned_fee)
                if 0 < allowed != self.fees_invoices:
                    message += (
                        f" because {self.fees_invoices} members were invoiced, not the {allowed} "
                        f"the plan allowed for at {whole_pounds_display(self.planned_fee)}"
                    )
            messages.append(message + ".")
        if self.has_actuals:
            messages.append(
                f"Income recorded is {whole_pounds_display(self.actual_income_total)} against a plan of {whole_pounds_display(self.plan.income_total)}; "
                f"spending recorded is {whole_pounds_display(self.actual_expenditure_total)} against {whole_pounds_display(self.plan.expenditure_total)}."
            )
        outturn = self.forecast_funds_remaining
        verb = "ends" if self.closed else "is forecast to end"
        messages.append(
            f"The year {verb} with {'funds' if outturn >= 0 else 'a deficit'} of {whole_pounds_display(abs(outturn))} "
            f"against {whole_pounds_display(self.plan.funds_remaining)} planned; after {whole_pounds_display(self.plan.allocation_total)} allocated to "
            f"the pillars, {whole_pounds_display(self.forecast_unallocated)} is unallocated."
            if outturn >= 0
            else f"The year {verb} with a deficit of {whole_pounds_display(abs(outturn))} against {whole_pounds_display(self.plan.funds_remaining)} of funds planned."
        )
        over = [pillar for pillar in self.pillars if pillar.remaining < 0]
        if over:
            messages.append(
                "Approved project funding is over its allocation for "
                + ", ".join(f"{pillar.pillar} (by {whole_pounds_display(-pillar.remaining)})" for pillar in over)
                + "."
            )
        if self.debt is not None and self.debt.overdue_total > 0:
            messages.append(
                f"{whole_pounds_display(self.debt.overdue_total)} of fee invoices is overdue"
                + (f", {whole_pounds_display(self.debt.over_90)} of it by more than 90 days." if self.debt.over_90 else ".")
            )
        unexplained = self.unexplained
        if unexplained:
            messages.append(
                f"{len(unexplained)} line{'s differ' if len(unexplained) != 1 else ' differs'} from plan by more than the "
                "reporting threshold without a commentary yet: " + ", ".join(line.name for line in unexplained) + "."
            )
        return messages[:5]

    def risks(self) -> list[str]:
        risks = []
        for agreement in self.funding:
            if agreement.termination_right and agreement.termination_year == self.year and not agreement.terminated_on:
                risks.append(f"{agreement.funder} may terminate {agreement.name} during {self.year}: {agreement.termination_right}")
            if agreement.terminated_on:
                risks.append(f"{agreement.name} was terminated on {agreement.terminated_on:%d %B %Y}; its later instalments are cancelled.")
            if self.year_ended:
                for instalment in agreement.instalments:
                    if instalment.in_this_year and instalment.status in (InstalmentStatus.EXPECTED, InstalmentStatus.CLAIMED):
                        risks.append(
                            f"{possessive(agreement.funder)} {self.year} instalment of {whole_pounds_display(instalment.amount)} is still "
                            f"{instalment.status} after the year ended."
                        )
        if self.debt is not None and self.debt.overdue_total > 0:
            risks.append(f"Aged debt: {whole_pounds_display(self.debt.overdue_total)} of fee invoices is overdue (see Aged debt).")
        for line in self.expenditure:
            if line.actual > line.plan:
                risks.append(
                    f"{line.name} has spent {whole_pounds_display(line.actual)}, {whole_pounds_display(line.variance)} over its plan of {whole_pounds_display(line.plan)}."
                )
        for pillar in self.pillars:
            if pillar.remaining < 0:
                risks.append(f"{pillar.pillar}: approved projects exceed its allocation by {whole_pounds_display(-pillar.remaining)}.")
        return risks

    # -- the contract's JSON, and the CSV ---------------------------------------------------------------

    def as_json(self) -> dict:
        data = self.plan.as_json()
        data["income"] = [line.as_json() for line in self.income]
        data["expenditure"] = [line.as_json() for line in self.expenditure]
        data |= {
            "actual_income_total": money_str(self.actual_income_total),
            "actual_expenditure_total": money_str(self.actual_expenditure_total),
            "actual_funds_remaining": money_str(self.actual_funds_remaining),
            "income_variance": money_str(self.income_variance),
            "expenditure_variance": money_str(self.expenditure_variance),
            "forecast_income_total": money_str(self.forecast_income_total),
            "forecast_expenditure_total": money_str(self.forecast_expenditure_total),
            "forecast_funds_remaining": money_str(self.forecast_funds_remaining),
            "has_actuals": self.has_actuals,
            "closed": self.closed,
            "pillars": [
                {
                    "pillar": p.pillar,
                    "allocated": money_str(p.allocated),
                    "approved": money_str(p.approved),
                    "remaining": money_str(p.remaining),
                    "projects": p.projects,
                }
                for p in self.pillars
            ],
            "aged_debt": self.debt.as_json() if self.debt else None,
            "funding": [
                {
                    "name": a.name,
                    "funder": a.funder,
                    "reference": a.reference,
                    "total": money_str(a.total),
                    "instalments": [{"year": i.year, "amount": money_str(i.amount), "status": i.status} for i in a.instalments],
                    "conditions": [
                        {"description": text, "due_on": due.isoformat() if due else None, "met_on": met.isoformat() if met else None}
                        for text, due, met in a.conditions
                    ],
                    "termination_right": a.termination_right,
                    "termination_year": a.termination_year or None,
                    "terminated_on": a.terminated_on.isoformat() if a.terminated_on else None,
                }
                for a in self.funding
            ],
            "key_messages": self.key_messages(),
            "risks": self.risks(),
            "trend": [
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
            ],
        }
        return data

    def csv_rows(self) -> list[list[str]]:
        """One row per line of the plan with its actual, variance, forecast and commentary, then the totals."""
        rows = [["section", "name", "status", "pillar", "planned", "actual", "variance", "forecast", "commentary"]]
        for line in self.lines:
            rows.append(
                [
                    line.section,
                    line.name,
                    line.status,
                    "",
                    money_str(line.plan),
                    money_str(line.actual),
                    money_str(line.variance),
                    money_str(line.forecast),
                    line.commentary,
                ]
            )
        for allocation in self.plan.allocations:
            rows.append(["allocation", allocation.name, "", allocation.pillar, money_str(allocation.amount), "", "", "", ""])
        rows += [
            [
                "total",
                "income_total",
                "",
                "",
                money_str(self.plan.income_total),
                money_str(self.actual_income_total),
                money_str(self.income_variance),
                money_str(self.forecast_income_total),
                "",
            ],
            [
                "total",
                "expenditure_total",
                "",
                "",
                money_str(self.plan.expenditure_total),
                money_str(self.actual_expenditure_total),
                money_str(self.expenditure_variance),
                money_str(self.forecast_expenditure_total),
                "",
            ],
            [
                "total",
                "funds_remaining",
                "",
                "",
                money_str(self.plan.funds_remaining),
                money_str(self.actual_funds_remaining),
                "",
                money_str(self.forecast_funds_remaining),
                "",
            ],
            ["total", "allocation_total", "", "", money_str(self.plan.allocation_total), "", "", "", ""],
            ["total", "unallocated", "", "", money_str(self.plan.unallocated), "", "", "", ""],
        ]
        return rows


# -- reading it -------------------------------------------------------------------------------------------


def _line(plan_line: PlanLine, section: str, year_actuals: actuals_selectors.YearActuals, *, closed: bool, used: set) -> ReportLine:
    received = None
    expected = ZERO
    if plan_line.source in (ActualsFrom.MEMBERSHIP_FEES, ActualsFrom.FUNDING_AGREEMENT):
        # A source is counted once: the first line naming it takes it.
        source = None if plan_line.actuals_key in used else year_actuals.source(plan_line.actuals_key)
        used.add(plan_line.actuals_key)
        actual = source.actual if source else ZERO
        received = source.received if source else ZERO
        expected = source.expected if source else ZERO
    elif plan_line.source == ActualsFrom.BROUGHT_FORWARD:
        actual = plan_line.amount
    else:
        actual = ZERO if plan_line.pk is None else year_actuals.ledger_by_line.get(plan_line.pk, ZERO)
    if closed:
        forecast = actual
    elif plan_line.source == ActualsFrom.FUNDING_AGREEMENT:
        forecast = actual + expected
    else:
        forecast = actual + max(plan_line.amount - actual, ZERO)
    return ReportLine(
        name=plan_line.name,
        section=section,
        plan=plan_line.amount,
        actual=to_money(actual),
        forecast=to_money(forecast),
        status=plan_line.status,
        commentary=plan_line.commentary,
        source=plan_line.source,
        received=received,
        pk=plan_line.pk,
    )


def report_lines(plan: BudgetPlan, year_actuals: actuals_selectors.YearActuals, *, closed: bool) -> tuple[list, list]:
    used: set[str] = set()
    income = [_line(line, BudgetSection.INCOME, year_actuals, closed=closed, used=used) for line in plan.income]
    expenditure = [_line(line, BudgetSection.EXPENDITURE, year_actuals, closed=closed, used=used) for line in plan.expenditure]
    for source in year_actuals.income:
        if source.key not in used and (source.actual or source.received or source.expected):
            forecast = source.actual if closed else source.actual + source.expected
            income.append(
                ReportLine(
                    name=source.name,
                    section=BudgetSection.INCOME,
                    plan=ZERO,
                    actual=source.actual,
                    forecast=forecast,
                    source=ActualsFrom.MEMBERSHIP_FEES if source.source == "fees" else ActualsFrom.FUNDING_AGREEMENT,
                    received=source.received,
                    planned=False,
                )
            )
    return income, expenditure


def pillar_budgets(*, year: FinancialYear, plan: BudgetPlan) -> list[PillarBudget]:
    """Allocated, approved and remaining per pillar: approved project funding is spend against its allocation.

    A project counts in the year it began (its year, else the year holding its start date) once approved."""
    allocated: dict[str, Decimal] = {}
    for line in plan.allocations:
        allocated[line.pillar or line.name] = allocated.get(line.pillar or line.name, ZERO) + line.amount
    in_year = Q(year=year) | Q(year__isnull=True, start_date__gte=year.start_date, start_date__lte=year.end_date)
    approved = {
        row["pillar__name"]: row
        for row in Project.objects.filter(in_year, status__in=FUNDED_STATUSES, pillar__isnull=False, funding_approved__gt=0)
        .values("pillar__name")
        .annotate(total=Sum("funding_approved"), projects=Count("pk"))
        .order_by()
    }
    names = list(allocated) + [name for name in approved if name not in allocated]
    return [
        PillarBudget(
            pillar=name,
            allocated=to_money(allocated.get(name, ZERO)),
            approved=to_money(approved[name]["total"]) if name in approved else ZERO,
            projects=approved[name]["projects"] if name in approved else 0,
        )
        for name in names
    ]


def funding_terms(*, year: FinancialYear) -> list[AgreementTerms]:
    """Each funder's agreement that has an instalment in the year or may be terminated in it (three queries)."""
    agreements = (
        FundingAgreement.objects.filter(Q(instalments__year=year) | Q(termination_year=year))
        .distinct()
        .select_related("funder", "termination_year")
        .prefetch_related(
            Prefetch("instalments", queryset=Instalment.objects.select_related("year").order_by("year__start_date")),
            "conditions",
        )
        .order_by("funder__name", "name")
    )
    return [
        AgreementTerms(
            name=agreement.name,
            funder=agreement.funder.name,
            reference=agreement.reference,
            total=agreement.total_amount,
            instalments=[
                InstalmentTerm(year=i.year.label, amount=i.amount, status=i.status, in_this_year=i.year_id == year.pk)
                for i in agreement.instalments.all()
            ],
            conditions=[(c.description, c.due_on, c.met_on) for c in agreement.conditions.all()],
            termination_right=agreement.termination_right,
            termination_year=agreement.termination_year.label if agreement.termination_year else "",
            terminated_on=agreement.terminated_on,
        )
        for agreement in agreements
    ]


def budget_trend(*, up_to: FinancialYear, actuals: dict, years: list[FinancialYear]) -> list[TrendYear]:
    """Every year up to and including this one that has a plan or any actuals, oldest first."""
    plans = plan_totals_by_year()
    trend = []
    for year in sorted(years, key=lambda y: y.start_date):
        if year.start_date > up_to.start_date:
            continue
        year_actuals = actuals.get(year.pk)
        sections = plans.get(year.label, {})
        recorded = year_actuals is not None and year_actuals.has_any
        if not sections and not recorded:
            continue
        trend.append(
            TrendYear(
                year=year.label,
                income=to_money(sections.get("income", ZERO)),
                expenditure=to_money(sections.get("expenditure", ZERO)),
                allocations=to_money(sections.get("allocation", ZERO)),
                actual_income=year_actuals.income_total if year_actuals is not None and recorded else None,
                actual_expenditure=year_actuals.expenditure_total if year_actuals is not None and recorded else None,
            )
        )
    return trend


def budget_report(*, year: FinancialYear, today: datetime.date | None = None, notes: str = "") -> BudgetReport:
    """The whole budget report for a year, in a fixed number of queries however many years and lines there are."""
    today = today or timezone.localdate()
    plan = budget_plan(year=year)
    years = list(FinancialYear.objects.filter(start_date__lte=year.start_date))
    if year.pk not in {y.pk for y in years}:
        years.append(year)
    actuals = actuals_selectors.actuals_by_year(years=years)
    closings = {c.year_id: c for c in YearClosing.objects.filter(year__in=years, closed=True)}
    closing = closings.get(year.pk)
    income, expenditure = report_lines(plan, actuals[year.pk], closed=closing is not None)
    fees = actuals[year.pk].source(actuals_selectors.MEMBERSHIP_FEES_KEY)
    core_fee = FeeSchedule.objects.filter(year=year, tier=MembershipTier.CORE).values_list("annual_fee", flat=True).first()
    return BudgetReport(
        plan=plan,
        income=income,
        expenditure=expenditure,
        has_actuals=actuals[year.pk].has_any,
        closed=closing is not None,
        closed_on=timezone.localdate(closing.closed_at) if closing and closing.closed_at else None,
        pillars=pillar_budgets(year=year, plan=plan),
        funding=funding_terms(year=year),
        debt=aged_debt(year=year, today=today),
        trend=budget_trend(up_to=year, actuals=actuals, years=years),
        fees_invoices=fees.count if fees else 0,
        planned_fee=core_fee or None,
        year_ended=today > year.end_date,
        notes=notes,
    )


@dataclass(frozen=True)
class Actuals:
    income_total: Decimal
    expenditure_total: Decimal


def budget_actuals(*, year: FinancialYear, plan: BudgetPlan | None = None) -> Actuals | None:
    """The year's actual totals, or None when nothing is recorded yet (the evaluation's cost per project)."""
    year_actuals = actuals_selectors.actuals_by_year(years=[year])[year.pk]
    if not year_actuals.has_any:
        return None
    return Actuals(income_total=year_actuals.income_total, expenditure_total=year_actuals.expenditure_total)


def unexplained_line_ids() -> list[int]:
    """Budget lines of every year whose variance is over the threshold and that have no commentary (the admin's
    filter): a query for the actuals of all years, and one per year with a budget for its plan."""
    years = list(FinancialYear.objects.filter(budget_lines__isnull=False).distinct())
    actuals = actuals_selectors.actuals_by_year(years=years)
    closed = set(YearClosing.objects.filter(closed=True).values_list("year_id", flat=True))
    found = []
    for year in years:
        income, expenditure = report_lines(budget_plan(year=year), actuals[year.pk], closed=year.pk in closed)
        found += [line.pk for line in income + expenditure if line.pk and line.unexplained]
    return found

"""The evaluation report: the projects' figures with the money beside them (cost per project delivered),
against the previous year."""
from dataclasses import dataclass
from decimal import Decimal

from budget.selectors.plan import budget_plan
from budget.selectors.report import budget_actuals
from loti.models import FinancialYear
from loti.money import money_str, to_money
from members.register_selectors import maturity_report_json
from projects.evaluation import ProjectFigures, project_figures


@dataclass(frozen=True)
class YearEvaluation:
    figures: ProjectFigures
    spent: Decimal
    spent_basis: str  # "actual" once money has been paid out, otherwise "plan"

    @property
    def year(self) -> str:
        return self.figures.year

    @property
    def cost_per_project_delivered(self) -> Decimal | None:
        if not self.figures.delivered_count:
            return None
        return to_money(self.spent / self.figures.delivered_count)

    def headline(self) -> dict[str, str | int | None]:
        """The KPIs in the order the report shows them; None where a figure cannot be worked out."""
        per_project = self.figures.boroughs_per_project
        cost = self.cost_per_project_delivered
        return {
            "member_boroughs": self.figures.member_borough_count,
            "projects_delivered": self.figures.delivered_count,
            "projects_active": self.figures.active_count,
            "boroughs_per_project": None if per_project is None else str(per_project),
            "survey_answers": self.figures.answers_total,
            "savings_total": money_str(self.figures.savings_total),
            "hours_saved": str(self.figures.hours_total),
            "expenditure": money_str(self.spent),
            "cost_per_project_delivered": None if cost is None else money_str(cost),
        }


MONEY_KPIS = {"savings_total", "expenditure", "cost_per_project_delivered"}
KPI_LABELS = {
    "member_boroughs": "Member boroughs",
    "projects_delivered": "Projects delivered",
    "projects_active": "Projects active",
    "boroughs_per_project": "Boroughs per project (average)",
    "survey_answers": "Survey answers",
    "savings_total": "Cashable savings",
    "hours_saved": "Time saved (hours)",
    "expenditure": "Expenditure",
    "cost_per_project_delivered": "Cost per project delivered",
}


@dataclass(frozen=True)
class EvaluationReport:
    current: YearEvaluation
    previous: YearEvaluation | None

    @property
    def year(self) -> str:
        return self.current.year

    def comparison(self) -> list[tuple[str, str | None, str | None]]:
        """(label, this year, previous year) for every KPI, as printed: pounds with separators."""
        now = self.current.headline()
        before = self.previous.headline() if self.previous else {}

        def shown(key, value):
            if value is None:
                return None
            return f"£{Decimal(value):,.2f}" if key in MONEY_KPIS else f"{value:,}" if isinstance(value, int) else str(value)

        return [(label, shown(key, now[key]), shown(key, before.get(key))) for key, label in KPI_LABELS.items()]

    def as_json(self) -> dict:
        figures = self.current.figures
        return {
            "year": self.year,
            **self.current.headline(),
            "expenditure_basis": self.current.spent_basis,
            "member_borough_names": figures.member_boroughs,
            "delivered": figures.delivered,
            "active": [{"title": p.title, "status": p.status, "boroughs": p.boroughs} for p in figures.active],
            "satisfaction": [
                {
                    "workstream": row.workstream,
                    "average": str(row.average),
                    "answers": row.answers,
                    "added_value_yes": row.added_value_yes,
                    "added_value_answers": row.added_value_answers,
                }
                for row in figures.satisfaction
            ],
            "savings": [
                {"project": row.title, "amount": money_str(row.savings), "hours": str(row.hours)} for row in figures.benefits
            ],
            "previous": None if self.previous is None else {"year": self.previous.year, **self.previous.headline()},
            "maturity": maturity_report_json(year=FinancialYear.objects.get(label=self.year)),
        }

    def csv_rows(self) -> list[list[str]]:
        rows = [["section", "name", "value", "count", "previous_year"]]
        for label, now, before in self.comparison():
            rows.append(["kpi", label, "" if now is None else str(now), "", "" if before is None else str(before)])
        for row in self.current.figures.satisfaction:
            rows.append(["satisfaction", row.workstream, str(row.average), str(row.answers), ""])
        for row in self.current.figures.benefits:
            rows.append(["savings", row.title, money_str(row.savings), "", ""])
        for project in self.current.figures.active:
            rows.append(["boroughs_per_project", project.title, str(project.boroughs), "", ""])
        return rows


def year_evaluation(*, year: FinancialYear) -> YearEvaluation:
    plan = budget_plan(year=year)
    actuals = budget_actuals(year=year, plan=plan)
    if actuals is not None and actuals.expenditure_total > 0:
        spent, basis = actuals.expenditure_total, "actual"
    else:
        spent, basis = plan.expenditure_total, "plan"
    return YearEvaluation(figures=project_figures(year=year), spent=spent, spent_basis=basis)


def evaluation_report(*, year: FinancialYear) -> EvaluationReport:
    previous = year.previous()
    return EvaluationReport(
        current=year_evaluation(year=year), previous=year_evaluation(year=previous) if previous else None
    )

"""The evaluation report: the projects' figures with the money beside them (cost per project delivered), against
the previous year, with the key messages the figures support and what the data leaves out."""

from dataclasses import dataclass, field
from decimal import Decimal

from budget.selectors.plan import budget_plan
from budget.selectors.report import budget_actuals
from loti.models import FinancialYear
from loti.money import money_str, to_money, whole_pounds_display
from members.register_selectors import maturity_report_json
from projects.evaluation import DataQualityItem, ProjectFigures, data_quality, project_figures


@dataclass(frozen=True)
class YearEvaluation:
    figures: ProjectFigures
    spent: Decimal
    spent_basis: str  # "actual" once money has been paid out, "plan" before, "none" when neither holds a figure

    @property
    def year(self) -> str:
        return self.figures.year

    @property
    def cost_per_project_delivered(self) -> Decimal | None:
        """Only where both figures exist: money spent, and at least one project delivered."""
        if not self.figures.delivered_count or self.spent <= 0:
            return None
        return to_money(self.spent / self.figures.delivered_count)

    def headline(self) -> dict[str, str | int | None]:
        """The figures in the order the report shows them; None where a figure cannot be worked out."""
        figures = self.figures
        per_project = figures.boroughs_per_project
        cost = self.cost_per_project_delivered
        overall = figures.overall.average
        return {
            "member_boroughs": figures.member_borough_count,
            "projects_delivered": figures.delivered_count,
            "projects_successful": figures.successful_count,
            "projects_active": figures.active_count,
            "boroughs_per_project": None if per_project is None else str(per_project),
            "survey_answers": figures.respondents,
            "satisfaction_overall": None if overall is None else str(overall),
            "savings_total": money_str(figures.savings_total),
            "savings_estimated_total": money_str(figures.savings_estimated_total),
            "cost_avoidance_total": money_str(figures.cost_avoidance_total),
            "hours_saved": str(figures.hours_total),
            "expenditure": None if self.spent_basis == "none" else money_str(self.spent),
            "cost_per_project_delivered": None if cost is None else money_str(cost),
        }


MONEY_KPIS = {"savings_total", "savings_estimated_total", "cost_avoidance_total", "expenditure", "cost_per_project_delivered"}
KPI_LABELS = {
    "member_boroughs": "Member boroughs",
    "projects_delivered": "Projects delivered",
    "projects_successful": "Delivered with a recorded benefit",
    "projects_active": "Projects active",
    "boroughs_per_project": "Boroughs per project (average)",
    "survey_answers": "Officers who answered the survey",
    "satisfaction_overall": "Overall satisfaction (1 to 5)",
    "savings_total": "Cashable savings, realised",
    "savings_estimated_total": "Cashable savings, estimated (not in the total)",
    "cost_avoidance_total": "Cost avoidance, realised",
    "hours_saved": "Time saved, realised (hours)",
    "expenditure": "Expenditure",
    "cost_per_project_delivered": "Cost per project delivered",
}
# Page 1: what the year achieved, in five figures against last year.
SUMMARY_KPIS = ["member_boroughs", "projects_delivered", "projects_active", "satisfaction_overall", "savings_total"]


def shown(key: str, value, *, whole: bool = False) -> str | None:
    """A figure as printed: pounds with separators (whole pounds on the board paper), counts with separators, None as None."""
    if value is None:
        return None
    if key in MONEY_KPIS:
        return whole_pounds_display(value) if whole else f"£{Decimal(value):,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


@dataclass(frozen=True)
class EvaluationReport:
    current: YearEvaluation
    previous: YearEvaluation | None
    quality: list[DataQualityItem] = field(default_factory=list)

    @property
    def year(self) -> str:
        return self.current.year

    def comparison(self, keys: list[str] | None = None, *, whole: bool = False) -> list[tuple[str, str | None, str | None]]:
        """(label, this year, previous year) for each figure, as printed."""
        now = self.current.headline()
        before = self.previous.headline() if self.previous else {}
        return [
            (KPI_LABELS[key], shown(key, now[key], whole=whole), shown(key, before.get(key), whole=whole))
            for key in (keys or list(KPI_LABELS))
        ]

    @property
    def years_skipped(self) -> int:
        """How many years lie between this year and the one compared with (none when the portal holds last year)."""
        if self.previous is None:
            return 0
        return int(self.year[:4]) - int(self.previous.year[:4]) - 1

    def summary(self) -> list[tuple[str, str | None, str | None]]:
        return self.comparison(SUMMARY_KPIS, whole=True)  # page 1 of the board paper

    def key_messages(self) -> list[str]:
        """Sentences drawn from the figures alone, each saying what it rests on; nothing the data does not hold."""
        figures, year = self.current.figures, self.year
        before = self.previous.figures if self.previous else None
        messages = []

        previous_year = self.previous.year if self.previous else None

        def against(now: int, then: int | None) -> str:
            if then is None:
                return ""
            if now == then:
                return f" (none in {previous_year} either)" if now == 0 else f", as many as in {previous_year}"
            return f", {'up' if now > then else 'down'} from {then:,} in {previous_year}"

        delivered, active = figures.delivered_count, figures.active_count
        was_delivered = before.delivered_count if before else None
        if delivered:
            delivery = (
                f"{delivered:,} project{'s' if delivered != 1 else ''} delivered in {year}{against(delivered, was_delivered)}; "
                f"{figures.successful_count:,} of them with a recorded benefit."
            )
        else:
            delivery = f"No project has a completion date in {year}{against(0, was_delivered)}."
        messages.append(
            f"{delivery} {active:,} project{'s' if active != 1 else ''} count as active{against(active, before.active_count if before else None)}."
        )
        members = figures.member_borough_count
        messages.append(
            f"{members:,} London borough{'s' if members != 1 else ''} held membership during the year"
            f"{against(members, before.member_borough_count if before else None)} (from the memberships recorded)."
        )
        if figures.overall.answers:
            messages.append(
                f"Members rated LOTI {figures.overall.average} out of 5 overall ({figures.overall.answers:,} answer"
                f"{'s' if figures.overall.answers != 1 else ''})."
            )
        elif figures.respondents:
            messages.append("No overall satisfaction answers are recorded for the year: the question was not asked or not answered.")
        else:
            messages.append("No survey answers are recorded for the year, so there is no satisfaction figure.")
        money = []
        if figures.savings_total:
            money.append(f"{whole_pounds_display(figures.savings_total)} of realised cashable savings")
        if figures.savings_estimated_total:
            money.append(f"{whole_pounds_display(figures.savings_estimated_total)} of estimated cashable savings")
        if figures.cost_avoidance_total:
            money.append(f"{whole_pounds_display(figures.cost_avoidance_total)} of costs avoided")
        if money:
            apart = "; these are different kinds of benefit, never added together" if len(money) > 1 else ""
            messages.append("Projects recorded " + _join(money) + apart + ".")
        else:
            messages.append("No savings in pounds are recorded for the year.")
        quiet = sum(1 for project in figures.active if project.quiet)
        if quiet:
            messages.append(
                f"{quiet:,} of the {active:,} active project{'s' if active != 1 else ''} had no progress update in the six months "
                f"to the year's end: they count as active by their dates, but the portal cannot confirm they were still under way."
            )
        left_out = len(figures.undated) + len(figures.no_end_date)
        if left_out:
            messages.append(
                f"{left_out:,} project{'s are' if left_out != 1 else ' is'} left out of the counts because a date is missing "
                "(see Data quality)."
            )
        return messages

    def as_json(self) -> dict:
        figures = self.current.figures
        return {
            "year": self.year,
            **self.current.headline(),
            "expenditure_basis": self.current.spent_basis,
            "member_borough_names": figures.member_boroughs,
            "delivered": [
                {"title": p.title, "workstream": p.workstream, "boroughs": p.boroughs, "has_benefit": p.has_benefit}
                for p in figures.delivered_projects
            ],
            "active": [{"title": p.title, "status": p.status, "workstream": p.workstream, "boroughs": p.boroughs} for p in figures.active],
            "undated": figures.undated,
            "no_end_date": figures.no_end_date,
            "projects_without_boroughs": figures.without_boroughs,
            "added_value_to": figures.added_value_to(),
            "delivery_by_workstream": [
                {"workstream": row.workstream, "active": row.active, "delivered": row.delivered, "no_update_six_months": row.quiet}
                for row in figures.delivery_by_workstream()
            ],
            "satisfaction_overall_answers": figures.overall.answers,
            "survey_organisations": figures.responding_organisations,
            "satisfaction": [
                {
                    "workstream": row.workstream,
                    "average": None if row.average is None else str(row.average),
                    "answers": row.answers,
                    "not_involved": row.not_involved,
                    "added_value_yes": row.added_value_yes,
                    "added_value_answers": row.added_value_answers,
                }
                for row in figures.satisfaction
            ],
            "savings": [
                {
                    "project": row.title,
                    "amount": money_str(row.savings),
                    "estimated": money_str(row.estimated),
                    "cost_avoidance": money_str(row.cost_avoidance),
                    "non_cashable": money_str(row.non_cashable),
                    "hours": str(row.hours),
                }
                for row in figures.benefits
            ],
            "benefits": [
                {
                    "kind": row.kind,
                    "confidence": row.confidence,
                    "count": row.count,
                    "amount": None if row.amount is None else money_str(row.amount),
                    "hours": None if row.hours is None else str(row.hours),
                    "reach": row.reach,
                    "unit": row.unit,
                }
                for row in figures.benefit_totals
            ],
            "other_benefits": [
                {"project": row.project, "description": row.description, "confidence": row.confidence, "evidence": row.evidence}
                for row in figures.other_benefits
            ],
            "data_quality": [{"problem": item.key, "count": item.count, "examples": item.examples} for item in self.quality],
            "previous": None if self.previous is None else {"year": self.previous.year, **self.previous.headline()},
            "maturity": maturity_report_json(year=FinancialYear.objects.get(label=self.year)),
        }

    def csv_rows(self) -> list[list[str]]:
        rows = [["section", "name", "value", "count", "previous_year"]]
        for label, now, before in self.comparison():
            rows.append(["kpi", label, "" if now is None else str(now), "", "" if before is None else str(before)])
        figures = self.current.figures
        for project in figures.delivered_projects:
            rows.append(["delivered", project.title, "with a recorded benefit" if project.has_benefit else "", str(project.boroughs), ""])
        for project in figures.active:
            rows.append(["active", project.title, project.status, str(project.boroughs), ""])
        for title in figures.undated:
            rows.append(["undated", title, "not counted: no start date and no year", "", ""])
        for title in figures.no_end_date:
            rows.append(["no_end_date", title, "not counted: completed with no end date", "", ""])
        for key, value in figures.added_value_to().items():
            rows.append(["added_value_to", key, str(value), "", ""])
        for row in figures.delivery_by_workstream():
            rows.append(
                ["delivery", row.workstream, f"active {row.active}; delivered {row.delivered}; no update six months {row.quiet}", "", ""]
            )
        for satisfaction in figures.satisfaction:
            rows.append(
                [
                    "satisfaction",
                    satisfaction.workstream,
                    "" if satisfaction.average is None else str(satisfaction.average),
                    str(satisfaction.answers),
                    "",
                ]
            )
        for benefit in figures.benefits:
            rows.append(["savings", benefit.title, money_str(benefit.savings), "", ""])
        for total in figures.benefit_totals:
            figure = total.amount if total.amount is not None else total.hours if total.hours is not None else total.reach
            rows.append(
                [
                    "benefits",
                    f"{total.kind} {total.confidence}{' ' + total.unit if total.unit else ''}",
                    "" if figure is None else str(figure),
                    str(total.count),
                    "",
                ]
            )
        for other in figures.other_benefits:
            rows.append(["other_benefit", other.project, other.description, "", ""])
        for item in self.quality:
            rows.append(["data_quality", item.key, "", str(item.count), ""])
        return rows


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def year_evaluation(*, year: FinancialYear) -> YearEvaluation:
    plan = budget_plan(year=year)
    actuals = budget_actuals(year=year, plan=plan)
    if actuals is not None and actuals.expenditure_total > 0:
        spent, basis = actuals.expenditure_total, "actual"
    elif plan.expenditure_total > 0:
        spent, basis = plan.expenditure_total, "plan"
    else:
        spent, basis = Decimal("0.00"), "none"
    return YearEvaluation(figures=project_figures(year=year), spent=spent, spent_basis=basis)


def evaluation_report(*, year: FinancialYear) -> EvaluationReport:
    previous = year.previous()
    return EvaluationReport(
        current=year_evaluation(year=year),
        previous=year_evaluation(year=previous) if previous else None,
        quality=data_quality(),
    )

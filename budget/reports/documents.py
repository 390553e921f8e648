"""One place that turns a report's figures into JSON, CSV or PDF: the command and the jobs both call it."""

import csv
import datetime
import io
import json
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from budget.models import ReportKind
from budget.reports.charts import Chart, bar_chart, grouped_bar_chart
from budget.reports.pdf import render_pdf
from budget.selectors.evaluation import EvaluationReport, evaluation_report
from budget.selectors.report import BudgetReport, budget_report
from loti.models import FinancialYear
from projects.models import RATING_SCALE

FORMATS = ["pdf", "json", "csv"]
CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json", "csv": "text/csv"}
# The PDFs summarise: a chart of hundreds of bars says nothing and takes WeasyPrint half a minute to lay out.
# Past these counts they show the largest items and total the rest; the JSON and CSV keep every row.
TOP_SOURCES = 10
TOP_PROJECTS = 15
TOP_LINES = 25  # budget lines per section in the PDF's table of plan, actual and forecast
TOP_DELIVERED = 40  # delivered projects named in the evaluation PDF; the CSV and JSON name every one


def largest_with_rest(rows: list[tuple[str, Decimal]], *, top: int, rest: str) -> list[tuple[str, Decimal]]:
    """Rows as given when there are few; otherwise the `top` largest and one row totalling the others.

    `rest` is formatted with the number of rows it stands for, e.g. "Other sources ({count})"."""
    if len(rows) <= top + 1:
        return rows
    ranked = sorted(rows, key=lambda row: -row[1])
    others = ranked[top:]
    return ranked[:top] + [(rest.format(count=len(others)), sum((row[1] for row in others), Decimal(0)))]


def budget_charts(report: BudgetReport) -> list[Chart]:
    """Income by source, expenditure by status, the pillars' allocations, plan/actual/forecast, and the years."""
    plan = report.plan
    charts = [
        bar_chart(
            title=f"Income by source, {report.year}",
            rows=largest_with_rest([(line.name, line.amount) for line in plan.income], top=TOP_SOURCES, rest="Other sources ({count})"),
        ),
        bar_chart(title=f"Expenditure by status, {report.year}", rows=report.expenditure_by_status()),
        grouped_bar_chart(
            title=f"Allocated and approved per pillar, {report.year}",
            series=["Allocated", "Approved"],
            rows=[(pillar.pillar, [pillar.allocated, pillar.approved]) for pillar in report.pillars],
        ),
    ]
    known = report.has_actuals
    charts.append(
        grouped_bar_chart(
            title=f"Plan, actual and forecast outturn, {report.year}",
            series=["Plan", "Actual", "Forecast"],
            rows=[
                ("Income", [plan.income_total, report.actual_income_total if known else None, report.forecast_income_total]),
                (
                    "Expenditure",
                    [plan.expenditure_total, report.actual_expenditure_total if known else None, report.forecast_expenditure_total],
                ),
            ],
        )
    )
    with_actuals = any(row.actual_income is not None for row in report.trend)
    series = ["Income (plan)", "Expenditure (plan)"] + (["Income (actual)", "Expenditure (actual)"] if with_actuals else [])
    charts.append(
        grouped_bar_chart(
            title="Income and expenditure by year",
            series=series,
            rows=[
                (row.year, [row.income, row.expenditure] + ([row.actual_income, row.actual_expenditure] if with_actuals else []))
                for row in report.trend
            ],
        )
    )
    return charts


def evaluation_charts(report: EvaluationReport) -> list[Chart]:
    figures = report.current.figures
    savings = figures.savings_leaders(top=TOP_PROJECTS)
    boroughs = figures.borough_leaders(top=TOP_PROJECTS)
    return [
        bar_chart(
            title=f"Satisfaction per workstream (average of 1 to 5), {report.year}",
            rows=[(f"{row.workstream} ({row.answers} answers)", row.average) for row in figures.satisfaction if row.answers],
            series="Average rating",
            unit="",
        ),
        bar_chart(
            title=f"Realised cashable savings by project, {report.year}" + (f": the {TOP_PROJECTS} largest" if savings.others else ""),
            rows=[(row.title, row.savings) for row in savings.shown if row.savings],
        ),
        bar_chart(
            title=f"Boroughs taking part per project, {report.year}"
            + (f": the {TOP_PROJECTS} projects with the most" if boroughs.others else ""),
            rows=[(project.title, project.boroughs) for project in boroughs.shown],
            series="Boroughs",
            unit="boroughs",
        ),
    ]


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _json(data: dict) -> bytes:
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


def report_output(
    *,
    kind: str,
    year: FinancialYear,
    fmt: str,
    as_of: datetime.datetime | None = None,
    on_progress: Callable[[int], None] | None = None,
    notes: str = "",
) -> bytes:
    """The report in one format. as_of is the moment the figures were read, printed on the PDF; notes are the
    decisions or notes for CELC written for this run (the budget report prints them on its first page)."""
    as_of = as_of or timezone.now()
    progress = on_progress or (lambda percent: None)
    report: BudgetReport | EvaluationReport
    if kind == ReportKind.BUDGET:
        report = budget_report(year=year, notes=notes)
    elif kind == ReportKind.EVALUATION:
        report = evaluation_report(year=year)
    else:
        raise ValueError(f"Unknown report {kind!r}: choose budget or evaluation")
    progress(30)
    if fmt == "json":
        return _json({**report.as_json(), "data_as_of": as_of.isoformat()})
    if fmt == "csv":
        return _csv(report.csv_rows())
    if fmt != "pdf":
        raise ValueError(f"Unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    charts = budget_charts(report) if isinstance(report, BudgetReport) else evaluation_charts(report)
    progress(50)
    context: dict[str, object] = {
        "report": report,
        "charts": charts,
        "as_of": timezone.localtime(as_of),
        "title": f"{ReportKind(kind).label} {year.label}",
        "year": year,
    }
    if isinstance(report, BudgetReport):  # the kind said so
        context["income_lines"], context["income_rest"] = report.shown("income", top=TOP_LINES)
        context["expenditure_lines"], context["expenditure_rest"] = report.shown("expenditure", top=TOP_LINES)
    if isinstance(report, EvaluationReport):
        figures = report.current.figures
        context["savings"] = figures.savings_leaders(top=TOP_PROJECTS)
        context["boroughs"] = figures.borough_leaders(top=TOP_PROJECTS)
        context["rating_scale"] = RATING_SCALE
        context["estimates"] = figures.estimate_leaders(top=TOP_PROJECTS)
        context["delivered"] = figures.delivered_leaders(top=TOP_DELIVERED)
    return render_pdf(template=f"reports/{kind}_report.html", context=context)

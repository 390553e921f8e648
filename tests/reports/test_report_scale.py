"""The reports as the data grows: the PDFs summarise long lists (the JSON and CSV keep every row), and the
selectors ask the database the same number of questions however many years and projects there are."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budget.models import (
    AgreementKind,
    BudgetLine,
    FundingAgreement,
    Instalment,
    InstalmentStatus,
    Invoice,
    Payment,
)
from budget.reports.documents import TOP_PROJECTS, TOP_SOURCES, report_output
from budget.selectors import actuals as actuals_selectors
from budget.selectors.evaluation import evaluation_report
from budget.selectors.report import budget_report
from loti.models import FinancialYear
from members.models import Organisation
from projects.models import Benefit, Participant, Project

from .conftest import borough, seed_published_budget
from .pdf_reading import pdf_text, structure


def add_projects(year: FinancialYear, count: int, *, first: int = 0) -> None:
    """Active projects, each with a recorded saving of £1,000 × its number and two boroughs taking part."""
    camden, hackney = borough(7, "Camden"), borough(12, "Hackney")
    for n in range(first, first + count):
        project = Project.objects.create(
            title=f"Scale project {n:02d}", slug=f"scale-{n}", status="active", year=year, start_date=datetime.date(2020, 6, 1)
        )
        Participant.objects.create(project=project, organisation=camden, role="lead")
        Participant.objects.create(project=project, organisation=hackney, role="supporter")
        Benefit.objects.create(project=project, year=year, kind="cashable_saving", description="Saving", amount=Decimal(1000 * (n + 1)))


def count_queries(function, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        function(**kwargs)
    return len(queries.captured_queries)


def test_the_evaluation_pdf_shows_the_largest_savings_and_totals_the_rest(evaluation_year):
    add_projects(evaluation_year, 30)  # savings £1,000 … £30,000, beside the fixture's £1,400,000 and £242,000.50
    content = report_output(kind="evaluation", year=evaluation_year, fmt="pdf")
    text = pdf_text(content)
    # 32 projects with savings: the 15 largest are named, the other 17 (Scale projects 00–16) are one line.
    others = sum(1000 * (n + 1) for n in range(17))
    # A board paper in whole pounds, rounded half-up.
    assert f"Other projects (17) £{others:,}\n" in text or f"Other projects (17) £{others:,} " in text
    assert f"the other 17 projects recorded £{others:,}" in " ".join(text.split())
    assert "£2,107,001" in text and "£2,107,000.50" not in text  # the total still counts every project
    assert "CSV and JSON" in text  # the report says where the full lists are
    figures = [e for e in structure(content)[1] if e["tag"] == "/Figure"]
    assert len(figures) == 3
    savings_alt = str(figures[2]["alt"])
    assert savings_alt.startswith(f"Bar chart, Realised cashable savings by project, 2020/21: the {TOP_PROJECTS} largest")
    assert "Information Governance Toolkit £1,400,000" in savings_alt and "Scale project 17 £18,000" in savings_alt
    assert "Scale project 16" not in savings_alt

    # The boroughs chart: the projects with the most boroughs, the rest summed up in the text.
    boroughs_alt = str(figures[0]["alt"])
    assert boroughs_alt.startswith(f"Bar chart, Boroughs taking part per project, 2020/21: the {TOP_PROJECTS} projects")
    assert boroughs_alt.count("boroughs;") == TOP_PROJECTS - 1
    assert "Information Governance Toolkit 3 boroughs" in boroughs_alt
    assert "the other 17 have 2.0 boroughs each on average" in " ".join(text.split())

    # Nothing is lost from the figures themselves.
    data = json.loads(report_output(kind="evaluation", year=evaluation_year, fmt="json"))
    assert len(data["savings"]) == 32 and len(data["active"]) + len(data["delivered"]) == 32


def test_a_small_year_is_shown_in_full(evaluation_year):
    text = pdf_text(report_output(kind="evaluation", year=evaluation_year, fmt="pdf"))
    assert "Other projects" not in text and "To keep this a summary" not in text


def test_the_budget_pdf_keeps_every_published_line_and_charts_the_largest_sources(published_budget):
    for n in range(20):
        BudgetLine.objects.create(
            year=published_budget, section="income", name=f"Borough grant {n:02d}", amount=Decimal(100 + n), position=10 + n
        )
    content = report_output(kind="budget", year=published_budget, fmt="pdf")
    text = pdf_text(content)
    # The published table (no actuals yet): every line, in whole pounds.
    assert all(f"Borough grant {n:02d}" in text for n in range(20))
    assert "£1,002,190" in text  # £1,000,000 published + £2,190 of small grants
    # The chart: the largest sources and one bar for the rest.
    income_alt = str(next(e for e in structure(content)[1] if e["tag"] == "/Figure")["alt"])
    assert "Borough Contributions £450,000" in income_alt and "Borough grant 19 £119" in income_alt
    rest = 24 - TOP_SOURCES
    assert f"Other sources ({rest})" in income_alt
    assert "Borough grant 00" not in income_alt


def add_year_with_actuals(label: str, funder: Organisation, agreement: FundingAgreement, number: int) -> FinancialYear:
    year = seed_published_budget(label)
    payer = borough(7, "Camden")
    invoice = Invoice.objects.create(
        year=year,
        sequence=1,
        number=f"LOTI-{number}",
        organisation=payer,
        description="Membership",
        issued_on=year.start_date,
        due_on=year.start_date,
        net=Decimal("30000.00"),
        vat_rate=Decimal("0.2"),
        vat=Decimal("6000.00"),
        gross=Decimal("36000.00"),
    )
    Payment.objects.create(invoice=invoice, amount=Decimal("10000.00"), received_on=year.start_date)
    Instalment.objects.create(
        agreement=agreement, year=year, amount=Decimal("100000.00"), status=InstalmentStatus.RECEIVED, received_amount=Decimal("99999.99")
    )
    return year


def test_the_multi_year_view_asks_the_same_number_of_questions_for_any_number_of_years(db):
    gla = Organisation.objects.create(name="Greater London Authority", slug="gla", kind="gla")
    agreement = FundingAgreement.objects.create(funder=gla, name="GLA grant", kind=AgreementKind.GRANT, total_amount=Decimal("1000000"))
    latest = add_year_with_actuals("2017/18", gla, agreement, 1)
    few = count_queries(budget_report, year=latest)
    for number, label in enumerate(["2018/19", "2019/20", "2020/21", "2021/22"], start=2):
        latest = add_year_with_actuals(label, gla, agreement, number)
    assert count_queries(budget_report, year=latest) == few

    # The grouped totals are the per-year figures, rounding and all.
    trend = budget_report(year=latest).trend
    assert len(trend) == 5
    for row in trend:
        year = FinancialYear.objects.get(label=row.year)
        # Fees as invoiced (30,000 net) and the instalment as received (99,999.99); Paid lines are not spending.
        assert row.actual_income == actuals_selectors.actual_income_total(year=year) == Decimal("129999.99")
        assert row.actual_expenditure == actuals_selectors.actual_expenditure_total(year=year) == Decimal("0.00")


def test_the_evaluation_asks_the_same_number_of_questions_for_any_number_of_projects(evaluation_year):
    few = count_queries(evaluation_report, year=evaluation_year)
    add_projects(evaluation_year, 40)
    assert count_queries(evaluation_report, year=evaluation_year) == few


@pytest.mark.parametrize("top", [1, 2])
def test_leaders_keep_every_project_counted(evaluation_year, top):
    figures = evaluation_report(year=evaluation_year).current.figures
    savings = figures.savings_leaders(top=top)
    assert len(savings.shown) + savings.others == len(figures.benefits)
    assert sum(row.savings for row in savings.shown) + savings.others_savings == figures.savings_total
    boroughs = figures.borough_leaders(top=top)
    assert boroughs.shown[0].title == "Information Governance Toolkit"  # three boroughs, the most
    assert len(boroughs.shown) + boroughs.others == len([p for p in figures.worked_on if p.boroughs])  # active or delivered

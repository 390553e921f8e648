"""Every actual, variance, forecast and total of the budget report on books made in conftest, to the penny."""

import datetime
import io
import json

from django.core.management import call_command

from budget.reports.documents import report_output
from budget.selectors.debt import aged_debt
from budget.selectors.report import budget_report
from loti.services import financial_year_get_or_create


def report_json(year) -> dict:
    return json.loads(report_output(kind="budget", year=year, fmt="json"))


def test_each_line_has_its_actual_variance_and_forecast(books):
    data = report_json(books.year)
    income = {line["name"]: line for line in data["income"]}
    expenditure = {line["name"]: line for line in data["expenditure"]}

    def figures(line):
        return line["actual"], line["variance"], line["forecast"]

    # Fees are actual when invoiced, net of the credit note: 30,000 + 22,500 (Wandsworth's 22,500 credited).
    assert figures(income["Borough Contributions"]) == ("52500.00", "22500.00", "52500.00")
    # ... and the cash received is beside it, net of VAT: 30,000 + 10,000 × 22,500/27,000.
    assert income["Borough Contributions"]["received"] == "38333.33"
    # A claimed instalment is actual.
    assert figures(income["GLA"]) == ("100000.00", "0.00", "100000.00")
    # An expected one is not; the forecast still counts it.
    assert figures(income["London Councils"]) == ("0.00", "-100000.00", "100000.00")
    # A balance brought forward is its amount.
    assert figures(income["Balance brought forward from 2019/20"]) == ("12345.67", "0.00", "12345.67")
    # Ledger income; the forecast is the plan while the actual is below it.
    assert figures(income["Sponsorship"]) == ("2500.50", "-2499.50", "5000.00")
    # Ledger spending, refunds negative; the forecast adds what is still estimated or committed.
    assert figures(expenditure["Personnel"]) == ("100000.10", "-49999.90", "150000.00")
    assert figures(expenditure["Events"]) == ("3749.75", "-6250.25", "10000.00")
    # Over plan: the forecast is the actual.
    assert figures(expenditure["Website"]) == ("8499.99", "499.99", "8499.99")


def test_the_totals_add_up_from_the_lines(books):
    data = report_json(books.year)
    assert data["income_total"] == "247345.67"  # plan
    assert data["actual_income_total"] == "167346.17"  # 52,500 + 100,000 + 0 + 12,345.67 + 2,500.50
    assert data["income_variance"] == "-79999.50"  # actual − plan, and the sum of the line variances
    assert data["expenditure_total"] == "168000.00"
    assert data["actual_expenditure_total"] == "112249.84"  # 100,000.10 + 3,749.75 + 8,499.99
    assert data["expenditure_variance"] == "-55750.16"
    assert data["actual_funds_remaining"] == "55096.33"  # actual income − actual expenditure
    assert data["forecast_income_total"] == "269845.67"
    assert data["forecast_expenditure_total"] == "168499.99"
    assert data["forecast_funds_remaining"] == "101345.68"
    assert data["funds_remaining"] == "79345.67" and data["unallocated"] == "29345.67"  # the plan, unchanged
    assert data["closed"] is False and data["has_actuals"] is True
    line_variances = sum(float(line["variance"]) for line in data["income"])
    assert round(line_variances, 2) == float(data["income_variance"])


def test_csv_carries_forecast_and_commentary(books):
    books.lines.fees.commentary = "Two members were invoiced, not the one the plan allowed for."
    books.lines.fees.save()
    out = io.StringIO()
    call_command("report", "budget", "--year", books.year.label, "--format", "csv", stdout=out)
    rows = {row.split(",")[1]: row for row in out.getvalue().splitlines()[1:]}
    assert rows["Borough Contributions"].startswith("income,Borough Contributions,,,30000.00,52500.00,22500.00,52500.00,")
    assert "not the one the plan allowed for" in rows["Borough Contributions"]
    assert rows["income_total"].startswith("total,income_total,,,247345.67,167346.17,-79999.50,269845.67")


def test_a_variance_over_the_threshold_needs_commentary_until_it_has_one(books, settings):
    report = budget_report(year=books.year)
    unexplained = {line.name for line in report.unexplained}
    # Over both 10% of plan and £5,000: the fee line (+22,500), London Councils, Personnel, Events (−6,250.25 > 10% of 10,000).
    assert unexplained == {"Borough Contributions", "London Councils", "Personnel", "Events"}
    # Website (+499.99) and Sponsorship (−2,499.50) are under £5,000, so they need none.
    settings.LOTI_VARIANCE_THRESHOLD_AMOUNT = 7000
    assert {line.name for line in budget_report(year=books.year).unexplained} == {"Borough Contributions", "London Councils", "Personnel"}
    books.lines.fees.commentary = "Richmond joined in the year."
    books.lines.fees.save()
    assert "Borough Contributions" not in {line.name for line in budget_report(year=books.year).unexplained}


def test_key_messages_explain_the_fee_line(books):
    messages = budget_report(year=books.year).key_messages()
    assert messages[0] == (
        "Borough Contributions are £22,500 above plan because 2 members were invoiced, not the 1 the plan allowed for at £30,000."
    )
    assert 3 <= len(messages) <= 5


def test_pillars_show_allocated_approved_remaining(books):
    data = report_json(books.year)
    assert data["pillars"] == [
        {"pillar": "Smarter London", "allocated": "50000.00", "approved": "20000.00", "remaining": "30000.00", "projects": 1}
    ]


def test_aged_debt_by_days_overdue(books):
    debt = aged_debt(year=books.year, today=datetime.date(2020, 7, 15))  # due 1 May: 75 days overdue
    assert [(band.label, band.invoices, band.amount) for band in debt.bands] == [
        ("0–30 days", 0, 0),
        ("31–60 days", 0, 0),
        ("61–90 days", 1, 17000),
        ("Over 90 days", 0, 0),
    ]  # Richmond owes 27,000 − 10,000; Camden paid in full; Wandsworth was credited
    assert [invoice.organisation for invoice in debt.invoices] == ["Richmond upon Thames"]
    later = aged_debt(year=books.year, today=datetime.date(2020, 8, 1))
    assert later.bands[-1].amount == 17000 and later.over_90 == 17000


def test_risks_name_termination_overdue_instalments_and_lines_over_plan(books):
    report = budget_report(year=books.year, today=datetime.date(2021, 5, 1))
    risks = " ".join(report.risks())
    assert "Greater London Authority may terminate GLA grant during 2020/21" in risks
    assert "London Councils' 2020/21 instalment of £100,000 is still expected after the year ended" in risks
    assert "Website has spent £8,500, £500 over its plan of £8,000" in risks
    assert "Aged debt: £17,000" in risks


def test_funding_terms_are_in_the_json(books):
    funding = {item["name"]: item for item in report_json(books.year)["funding"]}
    assert funding["GLA grant"]["instalments"] == [{"year": "2020/21", "amount": "100000.00", "status": "claimed"}]
    assert funding["GLA grant"]["termination_year"] == "2020/21"
    assert funding["London Councils contribution"]["instalments"][0]["status"] == "expected"


def test_a_year_with_no_actuals_says_so_on_one_page(db):
    from tests.reports.pdf_reading import pdf_text

    from .conftest import line

    year = financial_year_get_or_create(label="2022/23")
    line(year, "income", "Borough Contributions", "450000.00", 1, actuals_from="membership_fees")
    line(year, "expenditure", "Personnel", "300000.00", 1, status="estimated")
    text = pdf_text(report_output(kind="budget", year=year, fmt="pdf"))
    assert "No actuals are recorded for 2022/23 yet" in text
    assert "Plan, actual and forecast by line" not in text  # no pages of £0

"""The Annual Budget Report: the published 2020/21 figures in JSON, CSV and an accessible PDF."""

import csv
import io
import itertools
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from budget.models import BudgetLine
from budget.reports.documents import report_output
from loti.models import FinancialYear
from loti.services import financial_year_get_or_create

from .pdf_reading import pdf_text, structure

PUBLISHED = {
    "income_total": "1000000.00",
    "expenditure_total": "556000.00",
    "funds_remaining": "444000.00",
    "allocation_total": "400000.00",
    "unallocated": "44000.00",
}


def run_report(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_budget_json_on_the_reference_data_is_the_published_budget(reference_data):
    data = json.loads(run_report("budget", "--year", "2020/21", "--format", "json"))
    assert data["year"] == "2020/21"
    assert {key: data[key] for key in PUBLISHED} == PUBLISHED
    assert {line["name"]: line["amount"] for line in data["income"]}["GLA"] == "100000.00"
    statuses = {line["name"]: line["status"] for line in data["expenditure"]}
    assert statuses["Innovation in Procurement"] == "committed"
    assert statuses["Thirty3 Platform"] == "paid"
    assert sorted(line["amount"] for line in data["allocations"]) == ["150000.00", "200000.00", "50000.00"]


def test_budget_json_on_the_seeded_lines_alone(published_budget):
    """Without the reference loader's other data the plan is the same, and nothing is actual: a line marked Paid
    records no money until its ledger entries do."""
    data = json.loads(run_report("budget", "--year", "2020/21", "--format", "json"))
    assert {key: data[key] for key in PUBLISHED} == PUBLISHED
    assert data["actual_expenditure_total"] == "0.00"
    assert data["actual_income_total"] == "0.00"
    assert data["has_actuals"] is False and data["closed"] is False


def test_actual_totals_are_always_in_the_json(published_budget):
    BudgetLine.objects.filter(year=published_budget, status="paid").update(status="committed")
    data = json.loads(run_report("budget", "--year", "2020/21", "--format", "json"))
    assert data["actual_income_total"] == data["actual_expenditure_total"] == data["actual_funds_remaining"] == "0.00"
    assert data["expenditure_total"] == "556000.00"
    assert all({"actual", "variance", "commentary"} <= line.keys() for line in data["income"] + data["expenditure"])


def test_budget_csv_carries_the_same_totals(published_budget):
    rows = list(csv.DictReader(io.StringIO(run_report("budget", "--year", "2020/21", "--format", "csv"))))
    totals = {row["name"]: row["planned"] for row in rows if row["section"] == "total"}
    assert totals == PUBLISHED
    personnel = next(row for row in rows if row["name"] == "Personnel")
    assert (personnel["section"], personnel["status"], personnel["planned"]) == ("expenditure", "estimated", "264000.00")


def test_a_year_without_a_budget_reports_zeros_not_an_error(db):
    financial_year_get_or_create(label="2031/32")
    data = json.loads(run_report("budget", "--year", "2031/32", "--format", "json"))
    assert data["income_total"] == "0.00" and data["income"] == []


def test_a_year_with_nothing_in_it_is_one_clear_page(published_budget):
    empty = financial_year_get_or_create(label="2031/32")
    content = report_output(kind="budget", year=empty, fmt="pdf")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    text = " ".join(pdf_text(content).split())
    assert "Nothing is recorded for 2031/32 yet" in text
    assert "The portal holds budgets or actuals for 2020/21" in text
    assert "Contents" not in text and "£0" not in text  # no tables of zeros


def test_a_year_with_only_a_plan_is_still_the_full_report(published_budget):
    text = " ".join(pdf_text(report_output(kind="budget", year=published_budget, fmt="pdf")).split())
    assert "Contents" in text and "Nothing is recorded" not in text


def test_reporting_on_a_year_not_held_creates_nothing(db):
    """A report reads: a year it names that does not exist is an error, never a new year."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no financial year 2055/56"):
        run_report("budget", "--year", "2055/56", "--format", "json")
    assert not FinancialYear.objects.filter(label="2055/56").exists()


def test_a_badly_written_year_is_refused_by_name(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2020-21"):
        run_report("budget", "--year", "2020-21")


@pytest.fixture
def budget_pdf(reference_data) -> bytes:
    return report_output(kind="budget", year=FinancialYear.objects.get(label="2020/21"), fmt="pdf")


def whole(amount: str) -> str:
    return f"£{Decimal(amount):,.0f}"


def test_the_pdf_text_has_the_same_figures_as_the_json(budget_pdf, tmp_path):
    """A board paper: the same figures as the JSON, in whole pounds (pence stay in the CSV and JSON)."""
    text = pdf_text(budget_pdf)
    for figure in PUBLISHED.values():
        assert whole(figure) in text
    assert not re.search(r"£[\d,]+\.\d\d", text), "the board paper's tables are in whole pounds"
    for name in ("Borough Contributions", "Innovation in Procurement", "Covid Recovery", "Unallocated", "Funds remaining"):
        assert name in text
    # The command writes the same document to a file.
    target = tmp_path / "budget.pdf"
    call_command("report", "budget", "--year", "2020/21", "--format", "pdf", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")
    assert whole(PUBLISHED["unallocated"]) in pdf_text(target.read_bytes())


def test_the_pdf_is_tagged_for_accessibility(budget_pdf):
    reader, elements = structure(budget_pdf)
    catalog: Any = reader.trailer["/Root"]  # pypdf types every level as a bare PdfObject
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/MarkInfo"]["/Marked"]).lower() == "true"
    assert str(catalog["/Lang"]).lower() == "en-gb"
    assert reader.metadata.title == "Annual Budget Report 2020/21"
    assert str(catalog["/ViewerPreferences"]["/DisplayDocTitle"]).lower() == "true"

    headings = [int(e["tag"][2]) for e in elements if e["tag"] in {"/H1", "/H2", "/H3", "/H4"}]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(headings)), headings

    figures = [e for e in elements if e["tag"] == "/Figure"]
    assert len(figures) == 5
    assert all(e["alt"] and str(e["alt"]).startswith("Bar chart") for e in figures)
    income_alt = next(str(e["alt"]) for e in figures if "Income by source" in str(e["alt"]))
    assert "Borough Contributions £450,000" in income_alt and "GLA £100,000" in income_alt
    assert sum(1 for e in elements if e["tag"] == "/Table") >= 8  # the published tables and each chart's figures


def test_actual_income_sits_beside_the_plan_line_it_belongs_to(reference_data, django_assert_max_num_queries):
    """Borough Contributions are the fee invoices, GLA and London Councils their agreements' instalments, matched by
    where the money is recorded rather than by name; the surplus is brought forward, so its actual is its amount."""
    import datetime

    from budget.models import Instalment
    from budget.services.invoicing import invoices_issue
    from budget.services.payments import payment_record

    year = financial_year_get_or_create(label="2020/21")
    invoices = invoices_issue(year=year)
    payment_record(invoice=invoices[0], amount=invoices[0].gross, received_on=datetime.date(2020, 6, 1), reference="BACS-1", by=None)
    gla = Instalment.objects.get(year=year, agreement__name="GLA grant for LOTI (MD2373)")
    Instalment.objects.filter(pk=gla.pk).update(status="received", received_on=datetime.date(2020, 7, 1))

    data = json.loads(report_output(kind="budget", year=year, fmt="json"))
    beside = {row["name"]: row for row in data["income"]}
    invoiced = sum(i.net for i in invoices)
    assert beside["Borough Contributions"]["amount"] == "450000.00"
    assert beside["Borough Contributions"]["actual"] == f"{invoiced:.2f}"  # fees are actual when invoiced
    assert beside["Borough Contributions"]["received"] == "30000.00"  # one core fee, net of VAT, shown beside
    assert {k: beside["GLA"][k] for k in ("amount", "actual", "variance", "received")} == {
        "amount": "100000.00",
        "actual": "100000.00",
        "variance": "0.00",
        "received": "100000.00",
    }
    assert beside["London Councils"]["actual"] == "0.00"  # only expected: not actual
    assert beside["London Councils"]["forecast"] == "100000.00"  # ... but still to come
    assert beside["2019/2020 surplus"]["actual"] == "350000.00"
    assert "Membership fees" not in beside and "GLA grant for LOTI (MD2373)" not in beside
    assert data["actual_income_total"] == f"{invoiced + 100000 + 350000:.2f}"

    # The multi-year figures do not cost a query per year.
    for label in ["2021/22", "2022/23", "2023/24"]:
        BudgetLine.objects.create(year=financial_year_get_or_create(label=label), section="income", name="GLA", amount=100000)
    with django_assert_max_num_queries(16):
        report_output(kind="budget", year=financial_year_get_or_create(label="2023/24"), fmt="json")

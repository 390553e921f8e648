"""The Evaluation Report: member boroughs, projects delivered and active, boroughs per project, satisfaction
with its number of answers, savings, cost per project delivered, against the previous year."""

import datetime
import io
import json
import re
from decimal import Decimal

from pypdf import PdfReader

from budget.reports.documents import report_output
from budget.selectors.evaluation import evaluation_report
from loti.services import financial_year_get_or_create
from members.models import MaturityScore, Organisation
from projects.models import Project

from .pdf_reading import pdf_text, structure


def test_the_years_figures(evaluation_year):
    report = evaluation_report(year=evaluation_year)
    figures = report.current.figures
    assert figures.member_boroughs == ["Brent", "Camden", "Hackney"]  # Ealing joined in 2021/22
    assert figures.delivered == ["Information Governance Toolkit"]
    # Delivered in the year, so not also active in it (DESIGN.md, "Counting projects by their dates").
    assert [(p.title, p.boroughs) for p in figures.active] == [("Cyber Pilot", 2)]
    assert figures.boroughs_per_project == Decimal("2.5")
    assert [(row.workstream, row.average, row.answers, row.added_value_yes) for row in figures.satisfaction] == [
        ("Data Collaboration", Decimal("4.3"), 3, 3),
        ("Digital Leadership & Skills", Decimal("3.5"), 2, 0),
    ]
    assert figures.savings_total == Decimal("1642000.50") and figures.hours_total == Decimal("120.5")
    # The ledger's actual expenditure: 100,000 for one project delivered.
    assert report.current.spent == Decimal("100000.00") and report.current.spent_basis == "actual"
    assert report.current.cost_per_project_delivered == Decimal("100000.00")
    assert report.previous is None  # no 2019/20 in this data: nothing to compare with, shown as a dash


def test_json_and_the_previous_year(evaluation_year):
    financial_year_get_or_create(label="2019/20")
    Project.objects.create(title="Recruitment pool", slug="recruit", status="completed", end_date=datetime.date(2019, 12, 1))
    data = json.loads(report_output(kind="evaluation", year=evaluation_year, fmt="json"))
    assert data["member_boroughs"] == 3 and data["projects_delivered"] == 1 and data["projects_active"] == 1
    assert data["savings_total"] == "1642000.50" and data["cost_per_project_delivered"] == "100000.00"
    assert data["satisfaction"][0] == {
        "workstream": "Data Collaboration",
        "average": "4.3",
        "answers": 3,
        "not_involved": 0,
        "added_value_yes": 3,
        "added_value_answers": 3,
    }
    # Rule: with neither a start date nor a year a project is counted nowhere, even with an end date; it is listed.
    assert data["previous"]["year"] == "2019/20" and data["previous"]["projects_delivered"] == 0
    assert data["undated"] == ["Recruitment pool"]


def test_the_evaluation_pdf_reads_back_and_is_tagged(evaluation_year):
    content = report_output(kind="evaluation", year=evaluation_year, fmt="pdf")
    text = pdf_text(content)
    # A board paper: whole pounds (£1,642,000.50 rounds half-up to £1,642,001); the JSON keeps the pence.
    for phrase in ("Evaluation Report", "Information Governance Toolkit", "Data Collaboration", "£1,642,001", "Cost per project delivered"):
        assert phrase in text
    reader, elements = structure(content)
    assert reader.metadata.title == "Evaluation Report 2020/21"
    figures = [e for e in elements if e["tag"] == "/Figure"]
    assert len(figures) == 3 and all(str(e["alt"]).startswith("Bar chart") for e in figures)
    assert "Data Collaboration (3 answers) 4.3" in str(figures[1]["alt"]) or any(
        "Data Collaboration (3 answers) 4.3" in str(e["alt"]) for e in figures
    )


def test_the_evaluation_pdf_prints_whole_pounds_and_the_data_keeps_the_pence(evaluation_year):
    text = pdf_text(report_output(kind="evaluation", year=evaluation_year, fmt="pdf"))
    assert not re.search(r"£[\d,]+\.\d\d", text), re.findall(r"£[\d,]+\.\d\d", text)
    assert "£1,642,001" in text and "£100,000" in text  # savings total; cost per project delivered
    data = json.loads(report_output(kind="evaluation", year=evaluation_year, fmt="json"))
    assert data["savings_total"] == "1642000.50"
    csv_text = report_output(kind="evaluation", year=evaluation_year, fmt="csv").decode()
    assert "£1,642,000.50" in csv_text


def test_sections_share_pages_and_digital_maturity_is_section_8(evaluation_year):
    content = report_output(kind="evaluation", year=evaluation_year, fmt="pdf")
    pages = PdfReader(io.BytesIO(content)).pages
    # Eight sections, and sections 2 to 8 no longer each start a page (which made at least eight, most half empty).
    assert len(pages) < 8
    text = " ".join(pdf_text(content).split())
    assert "8. Digital maturity" in text
    assert "No borough has recorded a maturity self-assessment for 2020/21" in text


def test_the_maturity_section_gives_londons_median_and_the_change(evaluation_year):
    camden, hackney, brent = (Organisation.objects.get(name=name) for name in ("Camden", "Hackney", "Brent"))
    before = financial_year_get_or_create(label="2019/20")
    for organisation, score, earlier in ((camden, 4, 2), (hackney, 2, 2), (brent, 3, None)):
        MaturityScore.objects.create(year=evaluation_year, organisation=organisation, dimension="data", score=score)
        if earlier:
            MaturityScore.objects.create(year=before, organisation=organisation, dimension="data", score=earlier)
    text = " ".join(pdf_text(report_output(kind="evaluation", year=evaluation_year, fmt="pdf")).split())
    assert "Digital maturity, London's median, 2020/21" in text
    # Data: three boroughs answered, median 3; last year two answered, median 2; so +1.
    assert "Data governance 3 3.0 2.0 +1.0" in text, text[text.rindex("8. Digital maturity") :][:900]
    assert "no borough's own score is printed" in text

"""The 2020/21 and 2023/24 reports on LOTI's reference data claim nothing the documents do not say, and name
what the data does not hold."""

import json

from budget.reports.documents import report_output
from loti.models import FinancialYear
from loti.services import financial_year_get_or_create

from .pdf_reading import pdf_text


def report(label: str, fmt: str):
    content = report_output(kind="evaluation", year=FinancialYear.objects.get(label=label), fmt=fmt)
    return json.loads(content) if fmt == "json" else " ".join(pdf_text(content).split())


def test_2023_24_classes_the_evaluations_figures_as_it_describes_them(reference_data):
    data = report("2023/24", "json")
    # Only realised cashable savings make the total; the £1.4m is a potential, the £300k against market rates.
    assert (data["savings_total"], data["savings_estimated_total"], data["cost_avoidance_total"]) == ("0.00", "1400000.00", "300000.00")
    # The 2023 projects have no dates in the documents: counted nowhere, and named.
    assert {"Rough Sleeping Insights", "Get Online London", "Care commons"} <= set(data["undated"])
    assert {"Attack Surface Mapping pilot", "Pan-London Data-Sharing Agreements"} <= set(data["undated"])  # completed, undated
    assert data["no_end_date"] == ["City Tools"]  # completed in Year 1, on a day the documents do not give
    assert data["member_boroughs"] == 19  # the memberships recorded; the evaluation's 27 are not named anywhere
    text = report("2023/24", "pdf")
    assert "£1,700,000" not in text
    assert "£1,400,000 of estimated cashable savings and £300,000 of costs avoided" in text
    assert "A borough whose membership is not yet recorded is not in the count" in text
    assert "A stated condition, not a saving" in text
    assert "9 projects are left out of the counts because a date is missing" in text
    # No participants are recorded for these projects: the report says so rather than print a table of noughts.
    assert "no project active or delivered in 2023/24 has a participating organisation recorded" in text
    assert "GLA 0, London Councils 0" not in text
    assert "Not held in the portal: MD2373 provided for one in mid-2021" in text


def test_2020_21_counts_nothing_before_its_dates(reference_data):
    data = report("2020/21", "json")
    assert data["projects_delivered"] == 0 and "City Tools" not in [p["title"] for p in data["active"]]
    assert data["cost_per_project_delivered"] is None  # nothing delivered: no cost per project, not £0.00
    assert data["boroughs_per_project"] is None  # no 2020 project has a borough recorded
    before_loti = report_output(kind="evaluation", year=financial_year_get_or_create(label="2018/19"), fmt="json")
    assert json.loads(before_loti)["projects_active"] == 0  # LOTI began in July 2019
    text = report("2020/21", "pdf")
    assert "No survey answers are recorded for 2020/21" in text and "No benefit is recorded for 2020/21" in text
    assert "No project counted in the year has a participating London borough recorded" in text

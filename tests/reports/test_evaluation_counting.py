"""Every figure of `report evaluation --format json`, year by year, on data made for it: projects started,
completed and cancelled across several years, one with no dates, memberships that begin and end, benefits of
every kind and both confidences, survey answers with "not involved". Each assertion names the rule it checks
(DESIGN.md, Contracts: "Evaluation JSON" and "Counting projects by their dates"; docs/evaluation.md)."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from budget.models import BudgetLine
from budget.reports.documents import report_output
from loti.models import FinancialYear
from loti.services import financial_year_get_or_create
from members.models import Membership, Organisation
from projects.models import Benefit, Participant, Project, Survey, SurveyResponse, Workstream

from .conftest import borough
from .pdf_reading import pdf_text

D = datetime.date
TITLE = 'Café « Résumé » "Quoted" Toolkit'  # accented and quoted: must come through every format intact


def organisation(name: str, kind: str) -> Organisation:
    return Organisation.objects.create(name=name, slug=name.lower().replace(" ", "-"), kind=kind)


def project(title: str, status: str, *, start=None, end=None, year=None, **extra) -> Project:
    return Project.objects.create(
        title=title,
        slug=f"p-{Project.objects.count()}",
        status=status,
        start_date=start,
        end_date=end,
        year=financial_year_get_or_create(label=year) if year else None,
        **extra,
    )


@pytest.fixture
def years(db):
    labels = ["2019/20", "2020/21", "2021/22", "2022/23"]
    for label in labels:
        financial_year_get_or_create(label=label)
    camden, hackney, brent, ealing = borough(7, "Camden"), borough(12, "Hackney"), borough(5, "Brent"), borough(9, "Ealing")
    gla, councils = organisation("Greater London Authority", "gla"), organisation("London Councils", "london_councils")
    mhclg = organisation("MHCLG", "funder")
    Membership.objects.create(organisation=camden, tier="core", start_date=D(2019, 7, 15))
    Membership.objects.create(organisation=hackney, tier="core", start_date=D(2019, 7, 15), end_date=D(2021, 3, 31))
    Membership.objects.create(organisation=brent, tier="shared_service", start_date=D(2021, 6, 1))
    Membership.objects.create(organisation=ealing, tier="core", start_date=D(2022, 4, 1))
    Membership.objects.create(organisation=gla, tier="funding_partner", start_date=D(2019, 7, 15))
    Membership.objects.create(organisation=councils, tier="funding_partner", start_date=D(2019, 7, 15))
    Membership.objects.create(organisation=mhclg, tier="core", start_date=D(2019, 7, 15))  # not a London borough

    data = Workstream.objects.create(name="Data Collaboration", slug="data", position=1)
    skills = Workstream.objects.create(name="Digital Skills", slug="skills", position=2)
    toolkit = project(TITLE, "completed", start=D(2019, 9, 1), end=D(2020, 11, 30), workstream=data)
    cyber = project("Cyber Pilot", "active", start=D(2020, 6, 1), workstream=data)
    project("Cancelled Pilot", "cancelled", start=D(2019, 5, 1), end=D(2020, 6, 1))
    project("Approved By Year", "approved", year="2021/22", workstream=skills)
    project("Undated Project", "active")
    project("Completed Without End", "completed", year="2019/20")
    project("Rejected Idea", "rejected", year="2020/21")
    project("Quiet Delivery", "completed", start=D(2020, 4, 1), end=D(2021, 5, 1))
    project("A Proposal", "proposed", year="2020/21")
    for org, role in ((camden, "lead"), (hackney, "delivery_partner"), (gla, "supporter")):
        Participant.objects.create(project=toolkit, organisation=org, role=role)
    Participant.objects.create(project=cyber, organisation=camden, role="lead")
    Participant.objects.create(project=cyber, organisation=councils, role="supporter")
    # Invited but never agreed: not taking part.
    Participant.objects.create(
        project=cyber, organisation=brent, role="supporter", invited_at=datetime.datetime(2020, 7, 1, tzinfo=datetime.UTC)
    )

    y2020 = FinancialYear.objects.get(label="2020/21")
    for kind, confidence, target, values in [
        ("cashable_saving", "realised", toolkit, {"amount": Decimal("10000.50")}),
        ("cashable_saving", "estimated", toolkit, {"amount": Decimal("5000")}),
        ("cost_avoidance", "realised", cyber, {"amount": Decimal("3000")}),
        ("cost_avoidance", "estimated", cyber, {"amount": Decimal("700")}),
        ("non_cashable_saving", "realised", cyber, {"amount": Decimal("250")}),
        ("time_saved", "realised", toolkit, {"hours": Decimal("12.5")}),
        ("time_saved", "estimated", toolkit, {"hours": Decimal("100")}),
        ("reach", "realised", cyber, {"reach": 40, "unit": "learners"}),
        ("reach", "realised", cyber, {"reach": 10, "unit": "devices"}),
        ("other", "estimated", cyber, {"evidence": "A stated condition"}),
    ]:
        Benefit.objects.create(project=target, year=y2020, kind=kind, confidence=confidence, description=f"{kind} {confidence}", **values)  # type: ignore[arg-type]  # each kind's own fields
    Benefit.objects.create(project=cyber, year=None, kind="cashable_saving", description="Year not recorded", amount=Decimal("999"))

    survey = Survey.objects.create(year=y2020, opens_on=D(2021, 2, 1), closes_on=D(2021, 3, 1))
    for email, org, overall, data_rating, data_value, skills_rating, skills_value in [
        ("a@camden.gov.uk", camden, 5, 4, True, None, None),
        ("b@hackney.gov.uk", hackney, 3, 2, False, 5, True),
        ("c@camden.gov.uk", camden, 4, None, None, None, None),
    ]:
        SurveyResponse.objects.create(survey=survey, respondent_email=email, organisation=org, workstream=None, rating=overall)
        SurveyResponse.objects.create(
            survey=survey, respondent_email=email, organisation=org, workstream=data, rating=data_rating, loti_added_value=data_value
        )
        SurveyResponse.objects.create(
            survey=survey, respondent_email=email, organisation=org, workstream=skills, rating=skills_rating, loti_added_value=skills_value
        )
    BudgetLine.objects.create(year=y2020, section="expenditure", name="Personnel", amount=Decimal("50000"), status="estimated")
    return {label: FinancialYear.objects.get(label=label) for label in labels}


def evaluation_json(year: FinancialYear) -> dict:
    return json.loads(report_output(kind="evaluation", year=year, fmt="json"))


def titles(items) -> list[str]:
    return [item["title"] for item in items]


def test_projects_are_counted_by_their_dates_year_by_year(years):
    by_year = {label: evaluation_json(year) for label, year in years.items()}
    # Rule: active while started by the year's last day and not ended before its first, and not delivered in it.
    assert titles(by_year["2019/20"]["active"]) == [TITLE]
    # Rule: delivered in the year holding its end date when completed; then not active that year.
    assert titles(by_year["2020/21"]["delivered"]) == [TITLE]
    assert titles(by_year["2020/21"]["active"]) == ["Cyber Pilot", "Quiet Delivery"]
    # Rule: an ended project is counted in no later year; no start date → the first day of its year.
    assert titles(by_year["2021/22"]["delivered"]) == ["Quiet Delivery"]
    assert titles(by_year["2021/22"]["active"]) == ["Approved By Year", "Cyber Pilot"]
    assert titles(by_year["2022/23"]["active"]) == ["Approved By Year", "Cyber Pilot"] and by_year["2022/23"]["delivered"] == []
    for label, data in by_year.items():
        counted = titles(data["active"]) + titles(data["delivered"])
        # Rule: cancelled and rejected projects are never counted; proposals are not counted.
        assert not {"Cancelled Pilot", "Rejected Idea", "A Proposal"} & set(counted), label
        # Rule: with neither a start date nor a year, counted nowhere and listed under `undated`.
        assert data["undated"] == ["Undated Project"] and "Undated Project" not in counted, label
        # Our reading (docs/evaluation.md): completed with no end date is counted nowhere, and listed.
        assert data["no_end_date"] == ["Completed Without End"] and "Completed Without End" not in counted, label
        assert data["projects_active"] == len(data["active"]) and data["projects_delivered"] == len(data["delivered"])


def test_member_boroughs_come_from_memberships_of_london_boroughs(years):
    counts = {label: evaluation_json(year)["member_boroughs"] for label, year in years.items()}
    # Rule: London boroughs whose membership overlaps the year; funding partners and other funders apart.
    assert counts == {"2019/20": 2, "2020/21": 2, "2021/22": 2, "2022/23": 3}
    assert evaluation_json(years["2021/22"])["member_borough_names"] == ["Brent", "Camden"]  # Hackney left, Brent joined


def test_the_2020_21_figures(years):
    data = evaluation_json(years["2020/21"])
    # Successful projects delivered: completed in the year with at least one recorded benefit.
    assert data["projects_successful"] == 1
    # Boroughs per project: London boroughs taking part (agreed), averaged over projects with any recorded.
    assert data["boroughs_per_project"] == "1.5" and data["projects_without_boroughs"] == ["Quiet Delivery"]
    assert {item["title"]: item["boroughs"] for item in data["active"] + data["delivered"]} == {
        TITLE: 2,
        "Cyber Pilot": 1,
        "Quiet Delivery": 0,
    }
    # MD2373: projects LOTI added value to, by the kind of organisation taking part.
    assert data["added_value_to"] == {"gla": 1, "london_councils": 1, "councils": 2}
    assert data["delivery_by_workstream"] == [
        {"workstream": "Data Collaboration", "active": 1, "delivered": 1, "no_update_six_months": 1},
        # Completed later, so known to have run: not flagged for want of updates.
        {"workstream": "No workstream", "active": 1, "delivered": 0, "no_update_six_months": 0},
    ]
    # Savings: realised cashable only; estimates and cost avoidance apart, never added in.
    assert data["savings_total"] == "10000.50"
    assert data["savings_estimated_total"] == "5000.00"
    assert data["cost_avoidance_total"] == "3000.00"
    assert data["hours_saved"] == "12.5"  # realised hours only
    benefits = {(row["kind"], row["confidence"], row["unit"]): row for row in data["benefits"]}
    assert benefits[("reach", "realised", "learners")]["reach"] == 40 and benefits[("reach", "realised", "devices")]["reach"] == 10
    assert benefits[("cost_avoidance", "estimated", "")]["amount"] == "700.00"
    assert benefits[("non_cashable_saving", "realised", "")]["amount"] == "250.00"
    assert [row["description"] for row in data["other_benefits"]] == ["other estimated"]
    # Survey: "not involved" is counted apart and never averaged; overall satisfaction is its own question.
    assert data["survey_answers"] == 3 and data["satisfaction_overall"] == "4.0" and data["satisfaction_overall_answers"] == 3
    assert data["satisfaction"] == [
        {
            "workstream": "Data Collaboration",
            "average": "3.0",
            "answers": 2,
            "not_involved": 1,
            "added_value_yes": 1,
            "added_value_answers": 2,
        },
        {"workstream": "Digital Skills", "average": "5.0", "answers": 1, "not_involved": 2, "added_value_yes": 1, "added_value_answers": 1},
    ]
    # Cost per project delivered: expenditure (the plan here, no actuals) over projects delivered.
    assert (data["expenditure"], data["expenditure_basis"], data["cost_per_project_delivered"]) == ("50000.00", "plan", "50000.00")
    # Previous: last year's figures.
    assert data["previous"]["year"] == "2019/20" and data["previous"]["projects_active"] == 1


def test_cost_per_project_delivered_only_where_both_figures_exist(years):
    later = evaluation_json(years["2021/22"])  # one delivered, but no budget or spending recorded
    assert later["projects_delivered"] == 1 and later["expenditure"] is None and later["cost_per_project_delivered"] is None
    earlier = evaluation_json(years["2019/20"])  # nothing delivered
    assert earlier["projects_delivered"] == 0 and earlier["cost_per_project_delivered"] is None
    # With no survey answers: no satisfaction figure rather than zero.
    assert later["satisfaction_overall"] is None and later["survey_answers"] == 0 and later["satisfaction"] == []


def test_data_quality_says_how_many_records_each_figure_leaves_out(years):
    quality = {row["problem"]: row for row in evaluation_json(years["2020/21"])["data_quality"]}
    assert quality["undated"]["count"] == 1 and quality["undated"]["examples"] == ["Undated Project"]
    assert quality["no_start_date"]["examples"] == ["Approved By Year"]
    assert quality["no_end_date"]["examples"] == ["Completed Without End"]  # the cancelled one has its end date
    assert quality["benefit_no_year"]["count"] == 1
    assert "Quiet Delivery" in quality["no_borough"]["examples"] and "Undated Project" in quality["no_borough"]["examples"]
    # The year-less benefit is counted in no year.
    assert evaluation_json(years["2020/21"])["savings_total"] == "10000.50"


def test_the_accented_quoted_title_comes_through_json_csv_and_pdf_intact(years, tmp_path):
    year = years["2020/21"]
    out = tmp_path / "report.json"
    call_command("report", "evaluation", "--year", "2020/21", "--format", "json", "--output", str(out))
    assert TITLE in titles(json.loads(out.read_text(encoding="utf-8"))["delivered"])
    rows = list(csv.reader(io.StringIO(report_output(kind="evaluation", year=year, fmt="csv").decode("utf-8"))))
    assert ["delivered", TITLE, "with a recorded benefit", "2", ""] in rows
    text = pdf_text(report_output(kind="evaluation", year=year, fmt="pdf"))
    assert TITLE in " ".join(text.split())


def test_a_fixed_number_of_queries_per_year_however_much_data(years, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from budget.selectors.evaluation import evaluation_report

    def queries(label):
        with CaptureQueriesContext(connection) as captured:
            evaluation_report(year=years[label])
        return len(captured.captured_queries)

    first_year, with_previous = queries("2019/20"), queries("2020/21")  # 2019/20 has no previous year in this data
    y2020 = years["2020/21"]
    workstream = Workstream.objects.get(slug="data")
    for n in range(30):  # ten times more of everything the figures read
        extra = project(
            f"Extra {n}",
            ("active", "completed", "approved")[n % 3],
            start=D(2020, 5, 1),
            end=D(2021, 1, 1) if n % 3 == 1 else None,
            workstream=workstream,
        )
        project(f"Extra undated {n}", "active")
        Participant.objects.create(project=extra, organisation=Organisation.objects.get(name="Camden"), role="lead")
        Benefit.objects.create(project=extra, year=y2020, kind="reach", reach=n + 1, unit=f"unit {n % 4}", description="Reach")
        Benefit.objects.create(
            project=extra, year=y2020, kind="cost_avoidance", confidence="estimated", amount=Decimal(n), description="Avoided"
        )
        SurveyResponse.objects.create(
            survey=y2020.survey,
            respondent_email=f"x{n}@camden.gov.uk",
            organisation=Organisation.objects.get(name="Camden"),
            workstream=workstream,
            rating=None if n % 2 else 3,
        )
    assert queries("2019/20") == first_year and queries("2020/21") == with_previous
    # Each year costs the same: the previous year's figures add exactly one year's queries (the data-quality
    # lists are read once per report).
    per_year = with_previous - first_year
    assert 0 < per_year < first_year
    with django_assert_num_queries(with_previous):
        evaluation_report(year=y2020)

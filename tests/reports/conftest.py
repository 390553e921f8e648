"""Fixtures for the reports: the published 2020/21 budget, and a small year of projects to evaluate."""

import datetime
from decimal import Decimal

import pytest

from budget.models import BudgetLine, LedgerEntry
from loti.models import FinancialYear
from loti.services import financial_year_get_or_create
from members.models import Membership, Organisation
from projects.models import Benefit, Participant, Pillar, Project, Survey, SurveyResponse, Workstream
from tests.factories import OrganisationFactory

INCOME = [("Borough Contributions", 450000), ("GLA", 100000), ("London Councils", 100000), ("2019/2020 surplus", 350000)]
EXPENDITURE = [
    ("Personnel", 264000, "estimated"),
    ("Premises and overheads", 98000, "estimated"),
    ("Software & hosting", 3000, "estimated"),
    ("Design", 20000, "estimated"),
    ("Staff training", 5000, "estimated"),
    ("Meetings + Catering", 10000, "estimated"),
    ("Digital DPIA tool", 20000, "paid"),
    ("Thirty3 Platform", 57000, "paid"),
    ("LOTI website", 23000, "paid"),
    ("Innovation in Procurement", 56000, "committed"),
]
ALLOCATIONS = [("Covid Recovery", 200000), ("Developing Capabilities", 150000), ("Smarter London", 50000)]


def seed_published_budget(label: str = "2020/21") -> FinancialYear:
    """The 2020/21 budget exactly as the Year 2 Strategy publishes it (pillars created when missing)."""
    year = financial_year_get_or_create(label=label)
    for position, (name, amount) in enumerate(INCOME):
        BudgetLine.objects.update_or_create(
            year=year, section="income", name=name, defaults={"amount": Decimal(amount), "position": position}
        )
    for position, (name, amount, status) in enumerate(EXPENDITURE):
        BudgetLine.objects.update_or_create(
            year=year,
            section="expenditure",
            name=name,
            defaults={"amount": Decimal(amount), "status": status, "position": position},
        )
    for position, (name, amount) in enumerate(ALLOCATIONS):
        pillar, _ = Pillar.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-"), "position": position})
        BudgetLine.objects.update_or_create(
            year=year,
            section="allocation",
            name=name,
            defaults={"amount": Decimal(amount), "pillar": pillar, "position": position},
        )
    return year


@pytest.fixture
def published_budget(db) -> FinancialYear:
    return seed_published_budget()


def borough(number: int, name: str) -> Organisation:
    found = Organisation.objects.filter(gss_code=f"E090000{number:02d}").first()
    return found or OrganisationFactory.create(name=name, gss_code=f"E090000{number:02d}", email_domains=[])


@pytest.fixture
def evaluation_year(published_budget) -> FinancialYear:
    """2020/21 with three member boroughs, one project delivered, two active, survey answers and savings."""
    year = published_budget
    # What the three Paid lines cost, in the ledger: 100,000 of actual expenditure.
    for name, amount in [("Digital DPIA tool", "20000.00"), ("Thirty3 Platform", "57000.00"), ("LOTI website", "23000.00")]:
        line = BudgetLine.objects.get(year=year, name=name)
        LedgerEntry.objects.create(
            year=year,
            budget_line=line,
            date=datetime.date(2020, 7, 31),
            counterparty="Supplier",
            amount=Decimal(amount),
            reference=f"REF-{line.pk}",
        )
    camden, hackney, brent = borough(7, "Camden"), borough(12, "Hackney"), borough(5, "Brent")
    outsider = borough(9, "Ealing")  # joined after the year ended: not a member in 2020/21
    for organisation in (camden, hackney, brent):
        Membership.objects.create(organisation=organisation, tier="core", start_date=datetime.date(2019, 4, 1))
    Membership.objects.create(organisation=outsider, tier="core", start_date=datetime.date(2021, 6, 1))
    pillar = Pillar.objects.get(name="Smarter London")
    data, skills = (
        Workstream.objects.create(name="Data Collaboration", slug="data", pillar=pillar, position=1),
        Workstream.objects.create(name="Digital Leadership & Skills", slug="skills", pillar=pillar, position=2),
    )
    delivered = Project.objects.create(
        title="Information Governance Toolkit",
        slug="ig",
        status="completed",
        year=year,
        start_date=datetime.date(2020, 5, 1),
        end_date=datetime.date(2021, 2, 1),
    )
    active = Project.objects.create(title="Cyber Pilot", slug="cyber", status="active", year=year, start_date=datetime.date(2020, 9, 1))
    Project.objects.create(title="A proposal", slug="proposal", status="proposed", year=year)
    for organisation, role in ((camden, "lead"), (hackney, "delivery_partner"), (brent, "supporter")):
        Participant.objects.create(project=delivered, organisation=organisation, role=role)
    Participant.objects.create(project=active, organisation=camden, role="lead")
    Participant.objects.create(project=active, organisation=hackney, role="delivery_partner")
    # Invited but not yet agreed: does not count.
    Participant.objects.create(
        project=active, organisation=brent, role="supporter", invited_at=datetime.datetime(2020, 10, 1, tzinfo=datetime.UTC)
    )
    survey = Survey.objects.create(year=year, opens_on=datetime.date(2021, 2, 1), closes_on=datetime.date(2021, 3, 1))
    for email, organisation, rating_data, rating_skills in (
        ("a@camden.gov.uk", camden, 5, 3),
        ("b@hackney.gov.uk", hackney, 4, 4),
        ("c@brent.gov.uk", brent, 4, None),
    ):
        SurveyResponse.objects.create(
            survey=survey, respondent_email=email, organisation=organisation, workstream=data, rating=rating_data, loti_added_value=True
        )
        if rating_skills:
            SurveyResponse.objects.create(
                survey=survey,
                respondent_email=email,
                organisation=organisation,
                workstream=skills,
                rating=rating_skills,
                loti_added_value=False,
            )
    Benefit.objects.create(
        project=delivered,
        year=year,
        organisation=camden,
        kind="cashable_saving",
        description="Fewer agreements drafted",
        amount=Decimal("1400000.00"),
    )
    Benefit.objects.create(project=active, year=year, kind="cashable_saving", description="One avoided attack", amount=Decimal("242000.50"))
    Benefit.objects.create(project=delivered, year=year, kind="time_saved", description="Officer time", hours=Decimal("120.5"))
    return year

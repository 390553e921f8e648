"""Every page's queries, pinned: each signed-in portal page, each public page, each admin change list.

Each page is counted with a little data and again with ten times as much (projects, participants, updates,
benefits, member boroughs and their invoices and payments, budget lines, survey answers): the count must be the
same both times (no query per row) and the number pinned here (no query added unnoticed). A change that needs
another query changes the pin, on purpose, in the same commit. The technology register and maturity pages are
pinned in test_register_queries.py.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budget.models import BudgetLine, BudgetSection, ExpenditureStatus, FeeSchedule, Invoice, InvoiceKind
from budget.services.invoicing import invoices_issue
from budget.services.payments import payment_record
from members.models import Membership, MembershipTier, Organisation, OrganisationKind
from projects.models import Project, Survey, SurveyResponse

from .test_queries import add_projects

# Queries per page, at both sizes. Signed-in figures include the session and the user.
PORTAL = {
    # path: (who, queries)
    "/": ("camden_officer", 16),
    "/projects/": ("camden_officer", 8),
    "/projects/?search=project&status=active": ("camden_officer", 8),
    "/projects/?borough={camden}&page=2": ("camden_officer", 9),
    "/projects/{project}/": ("camden_officer", 7),
    "/budget/": ("camden_officer", 16),
    "/invoices/{invoice}/": ("camden_officer", 4),
    "/members/billing/": ("camden_officer", 4),
    "/projects/propose/": ("camden_officer", 5),
    "/projects/survey/": ("camden_officer", 7),
    "/reports/": ("camden_officer", 3),
    "/engagement-map/": ("staff", 4),
}
PUBLIC = {
    "/": 1,
    "/projects/": 6,
    "/projects/{project}/": 5,
    "/budget/published/": 2,
    "/accessibility/": 0,
    "/privacy/": 0,
    "/cookies/": 0,
    "/contact/": 0,
}
CACHED = {"/", "/projects/", "/projects/{project}/", "/budget/published/"}  # public_cached views; their figures are a miss
# Every change list the admin registers for the portal's own models; a new one must be pinned here too.
ADMIN = {
    "budget.budgetline": 6,
    "budget.closableyear": 5,
    "budget.debtinvoice": 6,
    "budget.feeschedule": 6,
    "budget.fundingagreement": 6,
    "budget.instalment": 6,
    "budget.invoice": 8,
    "budget.ledgerentry": 7,
    "budget.payment": 6,
    "budget.reportrecipient": 5,
    "budget.reportrun": 6,
    "loti.financialyear": 5,
    "loti.importrecord": 7,
    "loti.sentemail": 7,
    "members.invitation": 5,
    "members.maturityscore": 6,
    "members.maturitysharing": 5,
    "members.membership": 6,
    "members.organisation": 4,
    "members.procurementinterest": 6,
    "members.servicearea": 5,
    "members.system": 8,
    "members.user": 5,
    "projects.benefit": 5,
    "projects.engagement": 6,
    "projects.participant": 4,
    "projects.pillar": 5,
    "projects.progressupdate": 4,
    "projects.project": 7,
    "projects.survey": 5,
    "projects.surveyresponse": 6,
    "projects.workstream": 6,
}


def member(n: int) -> Organisation:
    """A paying member that is not a borough (there are only 33 of those), as the bench data has them."""
    organisation = Organisation.objects.create(
        name=f"Associate {n:03d}", slug=f"associate-{n:03d}", kind=OrganisationKind.FUNDER, email_domains=[f"associate{n}.org.uk"]
    )
    Membership.objects.create(organisation=organisation, tier=MembershipTier.CORE, start_date=datetime.date(2019, 4, 1))
    return organisation


def grow(loti, times: int) -> None:
    """`times` units of data: 3 projects (each with a lead and a supporter, an update and a benefit), a paying
    member with its fee invoice part paid, 3 budget lines and 3 survey answers a unit."""
    start = Project.objects.count()
    add_projects(loti, 3 * times, start=start)
    members = [member(n) for n in range(start, start + times)]
    invoices_issue(year=loti.year, issued_by=loti.staff)
    for invoice in Invoice.objects.filter(organisation__in=members, kind=InvoiceKind.INVOICE):
        payment_record(invoice=invoice, amount=Decimal("100.00"), received_on=timezone.localdate())
    BudgetLine.objects.bulk_create(
        BudgetLine(
            year=loti.year,
            section=BudgetSection.EXPENDITURE,
            status=ExpenditureStatus.COMMITTED,
            name=f"Line {start + n}",
            amount=Decimal("1000.00"),
            pillar=loti.pillar,
        )
        for n in range(3 * times)
    )
    survey = Survey.objects.get(year=loti.year)
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            survey=survey,
            respondent_email=f"person{start + n}@camden.gov.uk",
            organisation=loti.camden,
            workstream=loti.workstream,
            rating=4,
        )
        for n in range(3 * times)
    )


@pytest.fixture
def world(loti):
    FeeSchedule.objects.create(year=loti.year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    today = timezone.localdate()
    Survey.objects.create(year=loti.year, opens_on=today - datetime.timedelta(days=5), closes_on=today + datetime.timedelta(days=30))
    grow(loti, 1)
    return loti


def fill(path: str, loti) -> str:
    project = Project.objects.order_by("title").first()
    invoice = Invoice.objects.filter(organisation=loti.camden, kind=InvoiceKind.INVOICE).first()
    return path.format(project=project.slug, invoice=invoice.pk, camden=loti.camden.pk)


def count(client, path: str) -> int:
    client.get(path)  # once first: caches that fill on the first request (content types, templates) are not the page's
    cache.clear()  # public pages are kept in the cache (loti/public_cache.py): count the page being built
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    return len(captured)


def check(client, loti, path: str, pinned: int, django_assert_num_queries) -> None:
    few = count(client, fill(path, loti))
    grow(loti, 9)
    many = count(client, fill(path, loti))
    assert few == many, f"{path}: {few} queries with a little data, {many} with ten times as much"
    filled = fill(path, loti)
    cache.clear()
    with django_assert_num_queries(pinned):
        client.get(filled)


@pytest.mark.parametrize("path", PORTAL)
def test_signed_in_portal_pages(client, world, path, django_assert_num_queries):
    who, pinned = PORTAL[path]
    client.force_login(getattr(world, who))
    check(client, world, path, pinned, django_assert_num_queries)


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages(client, world, path, django_assert_num_queries):
    check(client, world, path, PUBLIC[path], django_assert_num_queries)
    if path in CACHED:
        filled = fill(path, world)
        with django_assert_num_queries(0):  # the next visitor is served from the cache: no database at all
            assert client.get(filled).status_code == 200


def test_every_admin_change_list_is_pinned():
    registered = {f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry}
    ours = {name for name in registered if name.split(".")[0] in {"budget", "loti", "members", "opendata", "projects"}}
    assert ours - set(ADMIN) == set(), "pin these change lists' queries in ADMIN"


@pytest.mark.parametrize("model", ADMIN)
def test_admin_change_lists(client, world, model, django_assert_num_queries):
    client.force_login(world.staff)
    app_label, model_name = model.split(".")
    check(client, world, reverse(f"admin:{app_label}_{model_name}_changelist"), ADMIN[model], django_assert_num_queries)

"""The admin as LOTI staff meet it: a dashboard first, money formatted with totals, scheduling plumbing hidden."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from budget.models import FeeSchedule, Invoice, ReportRun
from budget.services.invoicing import invoice_credit, invoices_issue
from budget.services.payments import payment_record
from members.models import MembershipTier
from projects.models import ProjectStatus

from ..conftest import make_project


@pytest.fixture
def money(loti):
    FeeSchedule.objects.create(year=loti.year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    invoices_issue(year=loti.year, issued_by=loti.staff)
    camden = Invoice.objects.get(organisation=loti.camden)
    invoice_credit(invoice=Invoice.objects.get(organisation=loti.hackney), reason="Joined late", by=loti.staff)
    payment_record(invoice=camden, amount=Decimal("10000.50"), received_on=timezone.localdate())
    return camden


def test_the_admin_opens_on_a_dashboard(client, loti, money):
    make_project("Proposal waiting", lead=loti.camden, status=ProjectStatus.PROPOSED)
    make_project("Approved already", lead=loti.camden)
    Invoice.objects.filter(organisation=loti.islington).update(
        issued_on=timezone.localdate() - datetime.timedelta(days=60), due_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    ReportRun.objects.create(kind="budget", year=loti.year, status="failed")
    client.force_login(loti.staff)
    html = client.get("/admin/").content.decode()
    dashboard = html.split('id="dashboard"')[1].split("</table>")[0]
    assert (
        "Proposals to review</a></th>\n          <td>1" in dashboard
        and "Proposal waiting" in dashboard
        and "Approved already" not in dashboard
    )
    assert "Overdue invoices</a></th>\n          <td>1, £36,000.00 owed" in dashboard
    assert f"Money received in {loti.year.label}</a></th>\n          <td>£10,000.50 from 1 payment<" in dashboard
    assert "Annual Budget Report" in dashboard and "failed" in dashboard
    # The dashboard comes before the list of models.
    assert html.index('id="dashboard"') < html.index("app-budget")


def test_the_dashboard_never_creates_a_financial_year(client, loti):
    from loti.models import FinancialYear

    FinancialYear.objects.all().delete()
    client.force_login(loti.staff)
    assert client.get("/admin/").status_code == 200
    assert not FinancialYear.objects.exists()


def test_scheduling_plumbing_is_for_superusers_only(client, loti):
    manager = loti.staff
    manager.is_superuser = False
    manager.save()
    manager.user_permissions.set(Permission.objects.all())  # every permission, still not a superuser
    client.force_login(manager)
    html = client.get("/admin/").content.decode()
    assert "app-django_celery_beat" not in html and "Periodic tasks" not in html
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 403
    assert "app-budget" in html  # the rest of the admin is still there
    manager.is_superuser = True
    manager.save()
    assert "Periodic tasks" in client.get("/admin/").content.decode()
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 200


def test_invoice_list_formats_money_with_credit_notes_negative_and_totals(client, loti, money):
    client.force_login(loti.staff)
    html = client.get("/admin/budget/invoice/").content.decode()
    assert "£36,000.00" in html and "−£36,000.00" in html and "−£6,000.00" in html
    totals = html.split("loti-money-totals")[1].split("</table>")[0]
    assert "Totals of the 4 rows these filters select" in totals
    # Three invoices of £36,000 and one credit note of −£36,000: £72,000 gross; Camden paid £10,000.50 of its own.
    assert "£60,000.00" in totals and "£12,000.00" in totals and "£72,000.00" in totals
    assert "Balance owed</th><td" in totals and "£61,999.50" in totals
    # The totals follow the filters.
    filtered = client.get("/admin/budget/invoice/?kind__exact=credit_note").content.decode().split("loti-money-totals")[1]
    assert "Totals of the 1 row these filters select" in filtered and "−£36,000.00" in filtered


@pytest.mark.parametrize("status", ["", "part_paid", "credited", "credit_note", "issued"])
def test_invoice_totals_are_the_sums_of_the_rows_the_filter_shows(client, loti, money, status):
    """The totals are joined aggregates, not the list's columns summed: they must still add up to those columns."""
    from django.db.models import Sum

    from budget.selectors.invoices import invoices_totals, invoices_with_status

    rows = invoices_with_status(Invoice.objects.all())
    rows = rows.filter(status=status) if status else rows
    totals = invoices_totals(rows)
    sign = {"credit_note": -1}
    expected = {
        column: sum((sign.get(i.kind, 1) * getattr(i, column) for i in rows), Decimal("0.00")) for column in ("net", "vat", "gross")
    }
    expected["balance"] = rows.aggregate(total=Sum("balance"))["total"] or Decimal("0.00")
    assert totals == expected
    client.force_login(loti.staff)
    html = client.get(f"/admin/budget/invoice/?status={status}").content.decode().split("loti-money-totals")[1]
    assert f"Totals of the {rows.count()} row" in html


def test_payment_list_formats_money_with_a_total(client, loti, money):
    client.force_login(loti.staff)
    html = client.get("/admin/budget/payment/").content.decode()
    assert "£10,000.50" in html and "Received</th>" in html.split("loti-money-totals")[1]


def test_issuing_invoices_says_how_many_in_words(client, loti):
    FeeSchedule.objects.create(year=loti.year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    client.force_login(loti.staff)
    response = client.post("/admin/budget/invoice/issue/", {"year": loti.year.label, "confirm": "1"}, follow=True)
    assert f"Issued 3 invoices for {loti.year.label}, £108,000.00 in all." in response.content.decode()
    response = client.post("/admin/budget/invoice/issue/", {"year": loti.year.label, "confirm": "1"}, follow=True)
    assert "No invoices to issue" in response.content.decode()


@pytest.mark.parametrize(
    "rating, shown",
    [
        ("5", {"five@camden.gov.uk"}),
        ("none", {"none@camden.gov.uk"}),
        ("", {"five@camden.gov.uk", "poor@camden.gov.uk", "none@camden.gov.uk"}),
    ],
)
def test_survey_answers_filter_by_rating_without_asking_the_database_for_ratings(client, loti, rating, shown):
    from projects.models import Survey, SurveyResponse

    today = timezone.localdate()
    survey = Survey.objects.create(year=loti.year, opens_on=today, closes_on=today)
    for email, value in (("five@camden.gov.uk", 5), ("poor@camden.gov.uk", 1), ("none@camden.gov.uk", None)):
        SurveyResponse.objects.create(
            survey=survey, respondent_email=email, organisation=loti.camden, workstream=loti.workstream, rating=value
        )
    client.force_login(loti.staff)
    html = client.get(f"/admin/projects/surveyresponse/?rating={rating}").content.decode()
    assert {email for email in ("five@camden.gov.uk", "poor@camden.gov.uk", "none@camden.gov.uk") if email in html} == shown
    assert "5 – excellent" in html and "Not involved" in html  # every choice offered, present in the data or not

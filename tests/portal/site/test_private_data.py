"""Security of signed-in pages: staff without two-factor see no private data anywhere, every signed-in page and
file says `Cache-Control: private, no-store`, and a deactivated CELC recipient's link stops working."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from budget.models import BudgetLine, FeeSchedule, Invoice, ReportRecipient, ReportRun
from budget.services.invoicing import invoices_issue
from budget.services.reports import report_download_token
from members.models import MembershipTier
from projects.models import ProjectStatus, Survey

from ..conftest import give_totp, make_project


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def private(loti):
    """One of each private thing: a draft proposal, an invoice PDF, a finished report, the budget."""
    draft = make_project("Camden secret draft", lead=loti.camden, status=ProjectStatus.DRAFT)
    approved = make_project("Shared cyber pilot", lead=loti.camden, others=[loti.hackney])
    FeeSchedule.objects.create(year=loti.year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    invoices_issue(year=loti.year, issued_by=loti.staff)
    invoice = Invoice.objects.get(organisation=loti.camden)
    BudgetLine.objects.create(year=loti.year, section="income", name="Borough contributions", amount=Decimal("90000.00"))
    BudgetLine.objects.create(year=loti.year, section="expenditure", name="Personnel", amount=Decimal("60000.00"), status="committed")
    run = ReportRun.objects.create(kind="budget", year=loti.year, status="done", progress=100)
    run.pdf.save("budget.pdf", ContentFile(b"%PDF-1.7 the CELC budget report"))
    today = timezone.localdate()
    Survey.objects.create(year=loti.year, opens_on=today - datetime.timedelta(days=7), closes_on=today + datetime.timedelta(days=21))
    return {"draft": draft, "approved": approved, "invoice": invoice, "run": run}


def private_urls(private) -> list[str]:
    return [
        "/",
        "/projects/",  # staff see every borough's drafts listed here
        f"/projects/{private['draft'].slug}/",
        f"/projects/{private['approved'].slug}/",
        reverse("budget:invoice_pdf", args=[private["invoice"].pk]),
        "/budget/",
        f"/budget/{private['invoice'].year.label.replace('/', '-')}/",
        "/reports/",
        reverse("reports:download", args=[private["run"].pk]),
        "/admin/",
        "/admin/budget/invoice/",
        "/projects/survey/answers/",
    ]


def test_staff_without_two_factor_see_no_private_data_anywhere(client, loti, private, staff_mfa):
    client.force_login(loti.staff)
    for url in private_urls(private):
        for method in ("get", "post", "head"):
            response = getattr(client, method)(url)
            assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), (method, url, response.status_code)
            body = response.content
            assert b"Camden secret draft" not in body and b"%PDF" not in body and private["invoice"].number.encode() not in body
    # Where they are sent: setting up an authenticator (after confirming their password), with the reason said.
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert page.status_code == 200 and page.request["PATH_INFO"].startswith("/accounts/")
    assert "must set up an authenticator app" in page.content.decode()
    # The public statutory pages and signing out still work.
    assert client.get("/accessibility/").status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302


def test_staff_with_two_factor_reach_the_private_pages(client, loti, private, staff_mfa):
    give_totp(loti.staff)
    client.force_login(loti.staff)
    for url in private_urls(private):
        response = client.get(url)
        # Staff do not answer the survey: with two-factor they get the ordinary refusal, not the set-up page.
        assert response.status_code == (403 if "/survey/" in url else 200), (url, response.status_code)
    assert client.get(reverse("budget:invoice_pdf", args=[private["invoice"].pk])).content.startswith(b"%PDF")


def test_officers_are_not_asked_for_two_factor(client, loti, private, staff_mfa):
    client.force_login(loti.camden_officer)
    assert client.get("/budget/").status_code == 200
    assert client.get(reverse("budget:invoice_pdf", args=[private["invoice"].pk])).status_code == 200


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_every_signed_in_page_and_file_is_private_and_not_stored(client, loti, private):
    client.force_login(loti.camden_officer)
    urls = [url for url in private_urls(private) if not url.startswith("/admin/")] + [
        "/accessibility/",
        "/projects/propose/",
        f"/projects/{private['approved'].slug}/updates/new/",
        "/projects/survey/",
        "/accounts/email/",
        "/accounts/2fa/",
        "/no-such-page/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        assert {"private", "no-store"} <= cache_control(response), (url, response.get("Cache-Control"))
        assert "public" not in cache_control(response)
    client.force_login(loti.staff)
    for url in ("/admin/", "/admin/budget/invoice/", reverse("reports:download", args=[private["run"].pk])):
        response = client.get(url)
        assert response.status_code == 200 and {"private", "no-store"} <= cache_control(response), url


def test_a_download_by_emailed_link_is_private_too(client, loti, private):
    recipient = ReportRecipient.objects.create(name="Chair of CELC", email="chair@celc.example")
    response = client.get(reverse("reports:download-link", args=[report_download_token(run=private["run"], recipient=recipient)]))
    assert response.status_code == 200 and {"private", "no-store"} <= cache_control(response)


def test_public_pages_for_visitors_may_be_cached(client, loti):
    """Nothing personal on them, so no private header: a shared cache may keep the directory."""
    for url in ("/", "/projects/", "/accessibility/"):
        assert "private" not in cache_control(client.get(url)), url


def test_a_deactivated_recipients_link_stops_working(client, loti, private):
    recipient = ReportRecipient.objects.create(name="Former member", email="former@celc.example")
    path = reverse("reports:download-link", args=[report_download_token(run=private["run"], recipient=recipient)])
    assert client.get(path).status_code == 200
    recipient.active = False
    recipient.save()
    response = client.get(path)
    assert response.status_code == 404 and b"%PDF" not in response.content
    # Deleting them ends it too.
    recipient.delete()
    assert client.get(path).status_code == 404

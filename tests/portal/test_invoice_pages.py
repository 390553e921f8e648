"""In Chromium: an officer follows the "invoices issued" email to the invoice page, downloads the PDF finance was sent,
and asks LOTI to change the billing details; every page passes axe and fits 320px without JavaScript-only parts."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail

from budget.models import FeeSchedule, Invoice
from budget.services.invoicing import invoice_credit, invoices_issue
from members.models import MembershipTier
from tests.invoices.conftest import ADDRESS, PO

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow}px wide at {width}px"


def test_an_officer_goes_from_the_email_to_the_invoice_and_its_pdf(loti, open_page, settings):
    settings.PORTAL_URL = "https://portal.loti.example"
    loti.camden.billing_address, loti.camden.invoice_email = ADDRESS, "ap.invoices@camden.example"
    loti.camden.save()
    membership = loti.camden.memberships.get()
    membership.purchase_order = PO
    membership.save()
    FeeSchedule.objects.create(year=loti.year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    invoices_issue(year=loti.year, issued_by=loti.staff, issued_on=loti.year.start_date)
    invoice = Invoice.objects.get(organisation=loti.camden)
    [to_finance] = [message for message in mail.outbox if message.to == ["ap.invoices@camden.example"]]
    [notice] = [message for message in mail.outbox if message.to == [loti.camden_officer.email]]
    link = next(line for line in notice.body.splitlines() if "/invoices/" in line).split(": ", 1)[1]

    page = open_page()
    sign_in(page, loti.camden_officer.email)
    assert link.startswith("https://portal.loti.example/invoices/")
    page.goto(link.removeprefix("https://portal.loti.example"))
    assert page.locator("h1").inner_text() == f"Invoice {invoice.number}"
    assert PO in page.content() and "Emailed to ap.invoices@camden.example" in page.content()
    assert_accessible(page)
    fits(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download invoice {invoice.number} (PDF)").click()
    assert Path(download.value.path()).read_bytes() == to_finance.attachments[0][1]

    # The home page links it, and its credit note links back.
    note = invoice_credit(invoice=invoice, reason="Issued in error", by=loti.staff)
    page.goto("/")
    page.get_by_role("link", name=note.number, exact=True).click()
    assert page.locator("h1").inner_text() == f"Credit note {note.number}"
    assert "-£36,000.00" in page.content()
    assert_accessible(page)
    fits(page, 320)


def test_an_officer_asks_for_a_new_purchase_order_to_be_used(loti, open_page, settings):
    page = open_page()
    sign_in(page, loti.camden_officer.email)
    page.goto("/")
    page.get_by_role("link", name="Billing details").click()
    assert page.locator("h1").inner_text() == "Billing details"
    assert_accessible(page)
    fits(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.get_by_role("button", name="Send to LOTI").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("What should change?").fill("Please use PO-2026-0042 for 2026/27.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send to LOTI").click()
    assert "Your request is sent to LOTI" in page.content()
    assert_accessible(page)
    [request] = [message for message in mail.outbox if message.subject == "Billing details change for Camden"]
    assert "PO-2026-0042" in request.body and request.reply_to == [loti.camden_officer.email]

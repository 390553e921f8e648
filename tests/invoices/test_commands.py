"""invoice_pdf NUMBER --output PATH, and issuing a past year's invoices dated in that year."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from budget.models import Invoice
from budget.services.invoice_pdf import invoice_pdf
from budget.services.invoicing import invoice_credit, invoices_issue

from .conftest import pdftotext

pytestmark = pytest.mark.django_db


def test_invoice_pdf_writes_an_invoice_and_a_credit_note(billed, staff_user, tmp_path):
    invoices_issue(year=billed.year, issued_on=datetime.date(2020, 4, 1))
    invoice = Invoice.objects.get(organisation=billed.camden)
    note = invoice_credit(invoice=invoice, reason="Issued in error", by=staff_user)
    out = io.StringIO()
    call_command("invoice_pdf", "INV-2020-21-0001", "--output", str(tmp_path / "invoice.pdf"), stdout=out)
    call_command("invoice_pdf", note.number.lower(), "--output", str(tmp_path), stdout=out)
    assert (tmp_path / "invoice.pdf").read_bytes() == invoice_pdf(invoice=invoice)
    assert "Credit note number CRN-2020-21-0004" in pdftotext((tmp_path / "CRN-2020-21-0004.pdf").read_bytes())
    assert "Wrote INV-2020-21-0001" in out.getvalue()


def test_invoice_pdf_says_when_there_is_no_such_number(billed, tmp_path):
    with pytest.raises(CommandError, match="There is no invoice or credit note numbered 'INV-1999-00-0001'"):
        call_command("invoice_pdf", "INV-1999-00-0001", "--output", str(tmp_path / "x.pdf"))


def test_invoice_pdf_says_when_it_cannot_write(billed, tmp_path):
    invoices_issue(year=billed.year)
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("invoice_pdf", "INV-2020-21-0001", "--output", str(tmp_path / "missing" / "x.pdf"))


def test_invoice_pdf_names_a_missing_supplier_setting(billed, settings, tmp_path):
    invoices_issue(year=billed.year)
    settings.LOTI_INVOICE_CONTACT = ""
    with pytest.raises(CommandError, match="LOTI_INVOICE_CONTACT is set"):
        call_command("invoice_pdf", "INV-2020-21-0001", "--output", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_issue_invoices_dates_a_past_year_in_that_year(billed):
    call_command("issue_invoices", "--year", "2020/21", "--issued-on", "2020-04-01", stdout=io.StringIO())
    invoice = Invoice.objects.get(organisation=billed.camden)
    assert (invoice.issued_on, invoice.due_on) == (datetime.date(2020, 4, 1), datetime.date(2020, 5, 1))
    assert invoice.purchase_order and invoice.billing_address


def test_issue_invoices_refuses_a_date_in_the_future(billed):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    with pytest.raises(CommandError, match="is in the future"):
        call_command("issue_invoices", "--year", "2020/21", "--issued-on", tomorrow)
    assert not Invoice.objects.exists()


def test_issue_invoices_refuses_a_date_that_is_not_one(billed):
    with pytest.raises(CommandError, match="'1/4/2020' is not a date written YYYY-MM-DD"):
        call_command("issue_invoices", "--year", "2020/21", "--issued-on", "1/4/2020")


def test_the_admin_issues_with_a_date_of_issue_and_shows_what_is_missing(billed, staff_client, django_capture_on_commit_callbacks):
    preview = staff_client.post("/admin/budget/invoice/issue/", {"year": "2020/21", "issued_on": "2020-04-01", "preview": "1"})
    page = preview.content.decode()
    assert "dated 1 April 2020" in page
    assert "billing address, accounts-payable email (it will not be emailed)" in page  # Richmond has neither
    assert "PO/CAMDEN/DIGITAL-2020-21/LOTI-MEMBERSHIP-0001234567-REV02" in page
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post("/admin/budget/invoice/issue/", {"year": "2020/21", "issued_on": "2020-04-01", "confirm": "1"})
    assert set(Invoice.objects.values_list("issued_on", flat=True)) == {datetime.date(2020, 4, 1)}
    listing = staff_client.get("/admin/budget/invoice/").content.decode()
    assert "to ap.invoices@camden.example" in listing and "Richmond upon Thames has no accounts-payable email address" in listing

"""The invoice PDF a borough's officers download: A4, and it says what the admin says (tests/invoices checks it item by item)."""

import datetime
import io

import pytest
from pypdf import PdfReader

from budget.models import Invoice
from budget.services.invoice_pdf import invoice_pdf
from budget.services.invoicing import invoice_credit, invoices_issue

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages), reader


def test_the_invoice_pdf_shows_number_borough_net_vat_and_gross(members):
    invoices_issue(year=members.year, issued_on=datetime.date(2020, 4, 1))
    invoice = Invoice.objects.get(organisation=members.richmond)

    data = invoice_pdf(invoice=invoice)

    assert data.startswith(b"%PDF")
    text, reader = pdf_text(data)
    for expected in [
        "VAT invoice",
        "Invoice number INV-2020-21-0002",
        "Richmond upon Thames",
        "Date of issue 1 April 2020",
        "Due date 1 May 2020",
        "Total net (excluding VAT) £22,500.00",
        "VAT at 20% £4,500.00",
        "Total to pay (including VAT) £27,000.00",
        "LOTI shared service membership fee 2020/21",
        "Payment reference INV-2020-21-0002",
    ]:
        assert expected in text, expected
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width) * 25.4 / 72), round(float(height) * 25.4 / 72)) == (210, 297)  # A4 in mm


def test_a_credit_note_pdf_names_the_invoice_it_credits(members, staff_user):
    invoices_issue(year=members.year)
    note = invoice_credit(invoice=Invoice.objects.get(organisation=members.camden), reason="Issued in error", by=staff_user)
    text, _ = pdf_text(invoice_pdf(invoice=note))
    assert "Credit note number CRN-2020-21-0004" in text and "Credits invoice INV-2020-21-0001" in text
    assert "How to pay" not in text and "-£36,000.00" in text


def test_the_admin_links_to_the_pdf(members, staff_client):
    invoices_issue(year=members.year)
    invoice = Invoice.objects.get(organisation=members.camden)
    listing = staff_client.get("/admin/budget/invoice/").content.decode()
    assert f'href="/admin/budget/invoice/{invoice.pk}/pdf/"' in listing
    response = staff_client.get(f"/admin/budget/invoice/{invoice.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert "Camden" in pdf_text(response.content)[0]

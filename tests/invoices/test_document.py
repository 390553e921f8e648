"""HMRC's full VAT invoice (VAT Notice 700, section 16), item by item, as pdftotext reads the invoice and the credit note."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from budget.models import Invoice
from budget.services.invoice_pdf import invoice_pdf
from budget.services.invoicing import invoice_credit, invoices_issue
from budget.services.payments import payment_record
from tests.reports.pdf_reading import structure

from .conftest import PO, pdftotext

pytestmark = pytest.mark.django_db
REASON = "Camden's membership began in 2021/22, not 2020/21 – réglé"
CREDITED_ON = datetime.date(2020, 6, 15)


@pytest.fixture
def invoice(billed):
    invoices_issue(year=billed.year, issued_on=datetime.date(2020, 4, 1))
    return Invoice.objects.get(organisation=billed.camden)


@pytest.fixture
def invoice_text(invoice):
    return pdftotext(invoice_pdf(invoice=invoice))


@pytest.fixture
def credit_note(invoice, staff_user, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args, **kwargs: CREDITED_ON)
        return invoice_credit(invoice=invoice, reason=REASON, by=staff_user)


@pytest.fixture
def credit_text(credit_note):
    return pdftotext(invoice_pdf(invoice=credit_note))


BOTH = ["invoice_text", "credit_text"]
ADDRESS_TEXT = "Attn: Zoë Brontë-Łukasiewicz, Accounts Payable Finance Directorate, Pièce 4.12 5 Pancras Square London N1C 4AG"


@pytest.mark.parametrize("document", BOTH)
def test_supplier_name(document, request):
    assert request.getfixturevalue(document).startswith(("VAT invoice London Councils (test)", "Credit note London Councils (test)"))


@pytest.mark.parametrize("document", BOTH)
def test_supplier_address(document, request):
    assert "London Councils (test) 59½ Test Street London SE1 0ZZ" in request.getfixturevalue(document)


@pytest.mark.parametrize("document", BOTH)
def test_supplier_vat_registration_number(document, request):
    assert "VAT registration number: GB 123 4567 89" in request.getfixturevalue(document)


@pytest.mark.parametrize("document", BOTH)
def test_customer_name(document, request):
    assert re.search(r"(Invoice|Credited) to .{0,60}\bCamden\b", request.getfixturevalue(document))


@pytest.mark.parametrize("document", BOTH)
def test_customer_address_every_line_with_its_accents(document, request):
    assert ADDRESS_TEXT in request.getfixturevalue(document)


def test_invoice_number(invoice_text):
    assert "VAT invoice" in invoice_text and "Invoice number INV-2020-21-0001" in invoice_text


def test_credit_note_number(credit_text):
    assert "Credit note number CRN-2020-21-0004" in credit_text and "VAT invoice" not in credit_text


def test_date_of_issue(invoice_text, credit_text):
    assert "Date of issue 1 April 2020" in invoice_text
    assert "Date of issue 15 June 2020" in credit_text


def test_time_of_supply(invoice_text, credit_text):
    assert "Tax point (time of supply) 1 April 2020" in invoice_text
    assert "Tax point (time of supply) 15 June 2020" in credit_text


@pytest.mark.parametrize("document", BOTH)
def test_description_with_financial_year_and_tier(document, request):
    text = request.getfixturevalue(document)
    assert "LOTI core membership fee 2020/21" in text
    assert "Financial year 2020/21; membership tier: Core" in text


def test_net_rate_vat_and_gross(invoice_text):
    assert "Net VAT rate VAT Gross £30,000.00 20% £6,000.00 £36,000.00" in invoice_text
    assert "Total net (excluding VAT) £30,000.00" in invoice_text
    assert "VAT at 20% £6,000.00" in invoice_text
    assert "Total to pay (including VAT) £36,000.00" in invoice_text


def test_credit_note_amounts_are_negative(credit_text):
    assert "Net VAT rate VAT Gross -£30,000.00 20% -£6,000.00 -£36,000.00" in credit_text
    assert "Total net (excluding VAT) -£30,000.00" in credit_text
    assert "VAT at 20% -£6,000.00" in credit_text
    assert "Total credited (including VAT) -£36,000.00" in credit_text
    assert not re.search(r"(?<!-)£\d", credit_text), "every amount on a credit note is negative"


def test_payment_terms_and_due_date(invoice_text):
    assert "Payment terms 30 days from the date of issue" in invoice_text
    assert "Due date 1 May 2020" in invoice_text


def test_how_to_pay_with_bank_details_and_the_number_as_reference(invoice_text):
    assert "by bank transfer (BACS) by 1 May 2020" in invoice_text
    assert "Account name London Councils Test Account" in invoice_text
    assert "Sort code 12-34-56" in invoice_text
    assert "Account number 87654321" in invoice_text
    assert "Payment reference INV-2020-21-0001" in invoice_text


def test_a_credit_note_asks_for_no_payment(credit_text):
    assert "How to pay" not in credit_text and "Nothing is due on that invoice" in credit_text


@pytest.mark.parametrize("document", BOTH)
def test_contact_for_queries(document, request):
    text = request.getfixturevalue(document)
    number = "INV-2020-21-0001" if document == "invoice_text" else "CRN-2020-21-0004"
    assert f"Email invoice.queries@loti.example, quoting {number}" in text


@pytest.mark.parametrize("document", BOTH)
def test_long_purchase_order_number_whole_on_one_line(document, request):
    assert f"Purchase order number: {PO}" in request.getfixturevalue(document)


def test_credit_note_names_the_credited_invoice_and_its_date(credit_text):
    assert "Credits invoice INV-2020-21-0001" in credit_text
    assert "Invoice dated 1 April 2020" in credit_text


def test_credit_note_gives_the_reason(credit_text):
    assert f"Reason for the credit {REASON}" in credit_text


def test_invoice_without_billing_details_says_so(billed):
    invoices_issue(year=billed.year, issued_on=datetime.date(2020, 4, 1))
    text = pdftotext(invoice_pdf(invoice=Invoice.objects.get(organisation=billed.richmond)))
    assert "Purchase order number: None given" in text and "Richmond upon Thames" in text


def _cells(reader: PdfReader) -> tuple[set[str], list[list[str]]]:
    """The IDs of the TH structure elements, and the headers each TD names (PDF/UA ties every data cell to its headers)."""
    header_ids: set[str] = set()
    cell_headers: list[list[str]] = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get") or "/S" not in node:
            return
        if node["/S"] == "/TH":
            header_ids.add(str(node["/ID"]))
        if node["/S"] == "/TD":
            cell_headers.append([str(key) for key in node.get("/A", {}).get("/Headers", [])])
        kids = node.get("/K")
        if kids is not None and not isinstance(kids, int):
            walk(kids)

    root: Any = reader.trailer["/Root"]  # pypdf types every level as a bare PdfObject
    walk(root["/StructTreeRoot"]["/K"])
    return header_ids, cell_headers


def test_tagged_pdf_ua_with_title_language_headings_and_table_headers(invoice):
    data = invoice_pdf(invoice=invoice)
    reader, elements = structure(data)
    catalog: Any = reader.trailer["/Root"]  # pypdf types every level as a bare PdfObject
    assert str(catalog["/MarkInfo"]["/Marked"]).lower() == "true"
    assert str(catalog["/Lang"]).lower() == "en-gb"
    assert reader.metadata.title == "Invoice INV-2020-21-0001"
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()
    tags = [element["tag"] for element in elements]
    assert tags.count("/H1") == 1 and tags.count("/H2") >= 3 and tags.count("/Table") >= 3
    header_ids, cell_headers = _cells(reader)
    assert len(cell_headers) >= 15 and all(headers and set(headers) <= header_ids for headers in cell_headers), cell_headers
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width) * 25.4 / 72), round(float(height) * 25.4 / 72)) == (210, 297)
    assert len(reader.pages) == 1


def test_the_same_invoice_makes_the_same_bytes_after_a_payment(invoice, staff_user):
    first = invoice_pdf(invoice=invoice)
    payment_record(invoice=invoice, amount=Decimal("1000.00"), received_on=datetime.date(2020, 5, 1), reference="BACS-1", by=staff_user)
    assert invoice_pdf(invoice=invoice) == first  # the document is what was issued, not the account's state

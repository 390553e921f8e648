"""An invoice or credit note as a full VAT invoice (HMRC VAT Notice 700, section 16), as a tagged A4 PDF.

The document says only what was true when it was issued (no payments or status), so it is the same bytes
whenever and wherever it is made: the portal, the admin, the invoice_pdf command and the email to finance.
"""

import datetime
from decimal import Decimal

from budget.models import Invoice, InvoiceKind
from budget.reports.pdf import render_pdf
from budget.services.supplier import supplier_details
from loti.money import to_money


def pounds(amount: Decimal, *, negative: bool = False) -> str:
    """£1,234.50, or -£1,234.50 on a credit note (a plain hyphen-minus: finance systems read it)."""
    text = f"£{to_money(amount):,.2f}"
    return f"-{text}" if negative and amount else text


def address_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def invoice_document(*, invoice: Invoice) -> dict:
    """Everything the document prints, worked out here so the template only lays it out."""
    invoice = Invoice.objects.select_related("organisation", "year", "membership", "credits").get(pk=invoice.pk)
    supplier = supplier_details()
    credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
    membership = invoice.membership
    # A credit note always names the invoice it cancels (the constraint credit_note_names_its_invoice); an invoice never does.
    credited = invoice.credits if credit_note else None
    reason = ""
    if credited is not None:
        # The service writes "Credit note for INV-…: <reason>"; the reason alone is printed under its own heading.
        prefix = f"Credit note for {credited.number}: "
        reason = invoice.description[len(prefix) :] if invoice.description.startswith(prefix) else invoice.description
    description = credited.description if credited is not None else invoice.description
    terms_days = (invoice.due_on - invoice.issued_on).days
    return {
        "invoice": invoice,
        "credit_note": credit_note,
        "title": f"{'Credit note' if credit_note else 'Invoice'} {invoice.number}",
        "supplier": supplier,
        "customer_name": invoice.organisation.name,
        "customer_address": address_lines(invoice.billing_address),
        "purchase_order": invoice.purchase_order,
        "issued_on": _date(invoice.issued_on),
        "tax_point": _date(invoice.issued_on),  # invoiced before the year's service is given: the date of issue
        "due_on": _date(invoice.due_on),
        "terms_days": terms_days,
        "year": invoice.year.label,
        "tier": membership.get_tier_display() if membership else "",
        "description": description,
        "credited_number": credited.number if credited is not None else "",
        "credited_issued_on": _date(credited.issued_on) if credited is not None else "",
        "reason": reason,
        "net": pounds(invoice.net, negative=credit_note),
        "vat_rate": _percent(invoice.vat_rate),
        "vat": pounds(invoice.vat, negative=credit_note),
        "gross": pounds(invoice.gross, negative=credit_note),
        # Fixed, so the same invoice always makes the same bytes.
        "created": f"{invoice.issued_on.isoformat()}T00:00:00Z",
    }


def invoice_pdf(*, invoice: Invoice) -> bytes:
    """The invoice or credit note as a PDF/UA-1 document. Refused (SupplierNotConfigured) without the supplier's details."""
    return render_pdf(template="budget/invoice_pdf.html", context=invoice_document(invoice=invoice))

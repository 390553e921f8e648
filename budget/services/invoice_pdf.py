"""An invoice or credit note as an A4 PDF (WeasyPrint), showing what the admin shows."""
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from budget.models import Invoice
from budget.selectors.invoices import InvoiceStatus, invoices_with_status

DEFAULT_PAYMENT_INSTRUCTIONS = (
    "Please pay by bank transfer to London Councils within the payment terms, quoting the invoice number "
    "as your reference. Bank details are on London Councils' supplier set-up form; ask LOTI if you need it."
)


def invoice_pdf(*, invoice: Invoice) -> bytes:
    annotated = invoices_with_status(Invoice.objects.filter(pk=invoice.pk)).select_related("organisation", "year", "credits").get()
    context = {
        "invoice": annotated,
        "status_label": InvoiceStatus.labels.get(annotated.status, annotated.status),
        "vat_percent": (annotated.vat_rate * 100).normalize(),
        "payment_instructions": getattr(settings, "LOTI_INVOICE_PAYMENT_INSTRUCTIONS", DEFAULT_PAYMENT_INSTRUCTIONS),
        "issuer": getattr(settings, "LOTI_INVOICE_ISSUER", "London Office of Technology and Innovation (LOTI), hosted by London Councils"),
    }
    html = render_to_string("budget/invoice_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()

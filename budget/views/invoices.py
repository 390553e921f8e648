"""An officer sees and downloads their own borough's invoices; another borough's invoice does not exist for them."""

import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.template.response import TemplateResponse
from django.views.generic import DetailView

from budget.models import Invoice, InvoiceKind
from budget.selectors.invoices import InvoiceStatus, invoices_with_status
from budget.services.invoice_pdf import address_lines, invoice_pdf, pounds
from budget.services.supplier import SupplierNotConfigured, supplier_missing
from loti.responses import pdf_response
from loti.views import PolicyMixin
from members.permissions import organisation_scope

logger = logging.getLogger(__name__)


class InvoiceView(LoginRequiredMixin, PolicyMixin, DetailView):
    """The page the "invoices issued" email links to: the invoice as the borough's finance team has it."""

    model = Invoice
    template_name = "budget/invoice.html"
    context_object_name = "invoice"
    scope = staticmethod(organisation_scope)

    def get_queryset(self):
        return invoices_with_status(super().get_queryset()).select_related("organisation", "year", "membership", "credits")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invoice = self.object
        credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
        context.update(
            credit_note=credit_note,
            kind_label="Credit note" if credit_note else "Invoice",
            status_label=InvoiceStatus.labels.get(invoice.status, invoice.status),
            address=address_lines(invoice.billing_address),
            amounts={
                "net": pounds(invoice.net, negative=credit_note),
                "vat": pounds(invoice.vat, negative=credit_note),
                "gross": pounds(invoice.gross, negative=credit_note),
                "paid": pounds(invoice.paid),
                "balance": pounds(invoice.balance),
            },
            vat_percent=f"{(invoice.vat_rate * 100).normalize():f}%",
            credit_notes=list(invoice.credit_notes.all()) if not credit_note else [],
            pdf_ready=not supplier_missing(),
        )
        return context


class InvoicePdfView(LoginRequiredMixin, PolicyMixin, DetailView):
    model = Invoice
    scope = staticmethod(organisation_scope)

    def get(self, request, *args, **kwargs):
        invoice = self.get_object()
        try:
            data = invoice_pdf(invoice=invoice)
        except SupplierNotConfigured as error:
            logger.error("invoice-pdf-refused invoice=%s reason=%s", invoice.number, " ".join(error.messages))
            # The deployment lacks the supplier settings: the pages link no PDF then, but a bookmark or an old
            # email may still ask. 503: the server cannot serve it for now, and the page says why and what to do.
            return TemplateResponse(request, "budget/invoice_unavailable.html", {"invoice": invoice}, status=503)
        return pdf_response(data, filename=f"{invoice.number}.pdf")

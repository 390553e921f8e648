"""An officer downloads their own borough's invoices as PDF; another borough's invoice does not exist for them."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.views.generic import DetailView

from budget.models import Invoice
from budget.services.invoice_pdf import invoice_pdf
from loti.views import PolicyMixin
from members.permissions import organisation_scope


class InvoicePdfView(LoginRequiredMixin, PolicyMixin, DetailView):
    model = Invoice
    scope = staticmethod(organisation_scope)

    def get(self, request, *args, **kwargs):
        invoice = self.get_object()
        response = HttpResponse(invoice_pdf(invoice=invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
        return response

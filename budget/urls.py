from django.urls import path

from budget.views.invoices import InvoicePdfView, InvoiceView

app_name = "budget"

urlpatterns = [
    path("invoices/<int:pk>/", InvoiceView.as_view(), name="invoice"),
    path("invoices/<int:pk>/pdf/", InvoicePdfView.as_view(), name="invoice_pdf"),
]

"""Invoices as a borough's finance team gets them: billing details with a multi-line, accented address and a long PO."""

import subprocess

import pytest
from django.core import mail

from tests.fees.conftest import members  # noqa: F401  (the small LOTI of the fees tests)

ADDRESS = "Attn: Zoë Brontë-Łukasiewicz, Accounts Payable\nFinance Directorate, Pièce 4.12\n5 Pancras Square\nLondon\nN1C 4AG"
PO = "PO/CAMDEN/DIGITAL-2020-21/LOTI-MEMBERSHIP-0001234567-REV02"  # 58 of 60 characters
SUPPLIER = {
    "LOTI_INVOICE_FROM": "London Councils (test)\n59½ Test Street\nLondon\nSE1 0ZZ",
    "LOTI_VAT_NUMBER": "GB 123 4567 89",
    "LOTI_BANK_ACCOUNT_NAME": "London Councils Test Account",
    "LOTI_BANK_SORT_CODE": "12-34-56",
    "LOTI_BANK_ACCOUNT_NUMBER": "87654321",
    "LOTI_INVOICE_CONTACT": "invoice.queries@loti.example",
}


def pdftotext(data: bytes) -> str:
    """The PDF's text as poppler reads it (what a finance system's import or a screen reader gets)."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


@pytest.fixture(autouse=True)
def supplier(settings):
    for name, value in SUPPLIER.items():
        setattr(settings, name, value)
    settings.PORTAL_URL = "https://portal.loti.example"
    return settings


@pytest.fixture
def billed(members):  # noqa: F811
    """Camden with its billing details and a long purchase order; Richmond with none."""
    members.camden.billing_address = ADDRESS
    members.camden.invoice_email = "ap.invoices@camden.example"
    members.camden.save()
    membership = members.camden.memberships.get()
    membership.purchase_order = PO
    membership.save()
    mail.outbox.clear()
    return members

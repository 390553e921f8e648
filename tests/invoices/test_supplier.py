"""Who invoices comes from the environment; production refuses to issue while any of it is missing, naming it."""

import datetime
import importlib
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

import loti.settings
import loti.settings.base
from budget.models import Invoice
from budget.services.invoicing import invoice_credit, invoices_issue
from budget.services.supplier import SUPPLIER_SETTINGS, supplier_details

pytestmark = pytest.mark.django_db


def production_settings(monkeypatch, **environment):
    """loti.settings.production as a server with this environment would load it."""
    monkeypatch.setenv("DATABASE_URL", "postgres://loti@db/loti")
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/0")
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-key-for-this-test")
    for name in SUPPLIER_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    # Both read afresh from this environment; the modules this process loaded are put back afterwards.
    for name in ("loti.settings.base", "loti.settings.production"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(loti.settings, "base", loti.settings.base)
    monkeypatch.delattr(loti.settings, "production", raising=False)
    return importlib.import_module("loti.settings.production")


def test_production_takes_no_demo_values(monkeypatch):
    production = production_settings(monkeypatch)
    assert [getattr(production, name) for name in SUPPLIER_SETTINGS] == [""] * len(SUPPLIER_SETTINGS)


def test_production_refuses_to_issue_without_the_supplier_settings_naming_each(monkeypatch, settings, members):
    production = production_settings(
        monkeypatch, LOTI_INVOICE_FROM="London Councils\n59½ Southwark Street\nLondon SE1 0AL", LOTI_INVOICE_CONTACT="loti@example.org"
    )
    for name in SUPPLIER_SETTINGS:
        setattr(settings, name, getattr(production, name))
    with pytest.raises(ValidationError) as refused:
        invoices_issue(year=members.year)
    message = " ".join(refused.value.messages)
    assert "LOTI_VAT_NUMBER, LOTI_BANK_ACCOUNT_NAME, LOTI_BANK_SORT_CODE, LOTI_BANK_ACCOUNT_NUMBER are set" in message
    assert "LOTI_INVOICE_FROM" not in message and "LOTI_INVOICE_CONTACT" not in message
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("missing", SUPPLIER_SETTINGS)
def test_each_missing_setting_is_named(missing, settings, members):
    setattr(settings, missing, "  ")
    with pytest.raises(ValidationError, match=f"until {missing} is set"):
        invoices_issue(year=members.year)
    assert not Invoice.objects.exists()


def test_the_command_says_which_setting_is_missing(settings, members):
    settings.LOTI_BANK_SORT_CODE = ""
    with pytest.raises(CommandError, match="LOTI_BANK_SORT_CODE is set"):
        call_command("issue_invoices", "--year", "2020/21")


def test_crediting_is_refused_too(settings, members, staff_user):
    invoices_issue(year=members.year)
    settings.LOTI_VAT_NUMBER = ""
    with pytest.raises(ValidationError, match="LOTI_VAT_NUMBER"):
        invoice_credit(invoice=Invoice.objects.get(organisation=members.camden), reason="Issued in error", by=staff_user)


def test_a_name_without_an_address_is_refused(settings):
    settings.LOTI_INVOICE_FROM = "London Councils"
    with pytest.raises(ValidationError, match="LOTI_INVOICE_FROM must give the supplier's name on its first line and its address"):
        supplier_details()


def test_the_address_may_be_written_with_escaped_newlines(settings):
    settings.LOTI_INVOICE_FROM = r"London Councils\n59½ Southwark Street\nLondon SE1 0AL"
    supplier = supplier_details()
    assert supplier.name == "London Councils" and supplier.address_lines == ("59½ Southwark Street", "London SE1 0AL")


def test_the_demo_values_are_plainly_fake():
    from loti.settings import base

    assert base.LOTI_INVOICE_FROM.startswith("DEMO ONLY") and "DO NOT PAY" in base.LOTI_BANK_ACCOUNT_NAME
    assert base.LOTI_BANK_SORT_CODE == "00-00-00" and base.LOTI_INVOICE_CONTACT.endswith("@example.com")


def test_without_the_settings_a_borough_sees_its_invoice_and_why_there_is_no_pdf(settings, members, client, django_user_model):
    """What a production deployment without the supplier settings shows: the figures, a reason, never a dead link."""
    from django.utils import timezone

    invoices_issue(year=members.year, issued_on=datetime.date(2020, 4, 1))
    invoice = Invoice.objects.get(organisation=members.camden)
    officer = django_user_model.objects.create_user(
        username="o", email="o@camden.example", password="x", organisation=members.camden, organisation_approved_at=timezone.now()
    )
    client.force_login(officer)
    pdf_url = f"/invoices/{invoice.pk}/pdf/"
    assert pdf_url in client.get(f"/invoices/{invoice.pk}/").content.decode()  # configured: the link is there
    settings.LOTI_BANK_ACCOUNT_NUMBER = ""

    page = client.get(f"/invoices/{invoice.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and invoice.number in text and "£36,000.00" in text
    assert "The PDF of this invoice is not ready to download yet" in text and settings.LOTI_CONTACT_EMAIL in text
    assert pdf_url not in text
    home = client.get("/").content.decode()
    assert pdf_url not in home and "Not ready yet" in home

    response = client.get(pdf_url)  # a bookmark: the portal's page saying why, not an error
    assert response.status_code == 503 and "cannot be downloaded yet" in response.content.decode()
    assert settings.LOTI_CONTACT_EMAIL in response.content.decode()


def test_without_the_settings_staff_are_told_which_are_missing(settings, members, staff_client):
    invoices_issue(year=members.year, issued_on=datetime.date(2020, 4, 1))
    invoice = Invoice.objects.get(organisation=members.camden)
    assert "cannot be issued, credited" not in staff_client.get("/admin/budget/invoice/").content.decode()
    settings.LOTI_VAT_NUMBER = ""
    settings.LOTI_BANK_SORT_CODE = ""
    for url in ("/admin/budget/invoice/", f"/admin/budget/invoice/{invoice.pk}/change/", "/admin/budget/invoice/issue/"):
        text = staff_client.get(url).content.decode()
        assert (
            "Invoices cannot be issued, credited, made into PDFs or sent to finance: LOTI_VAT_NUMBER, LOTI_BANK_SORT_CODE are not set"
        ) in text, url


def test_the_portal_says_the_invoice_cannot_be_downloaded_yet(settings, members, client, django_user_model):
    from django.utils import timezone

    invoices_issue(year=members.year, issued_on=datetime.date(2020, 4, 1))
    invoice = Invoice.objects.get(organisation=members.camden)
    officer = django_user_model.objects.create_user(
        username="o", email="o@camden.example", password="x", organisation=members.camden, organisation_approved_at=timezone.now()
    )
    client.force_login(officer)
    settings.LOTI_BANK_ACCOUNT_NUMBER = ""
    response = client.get(f"/invoices/{invoice.pk}/pdf/")
    assert response.status_code == 503 and "cannot be downloaded yet" in response.content.decode()

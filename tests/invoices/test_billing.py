"""Billing details: imported and kept by staff, seen by the borough's officers, who ask staff to change them."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from budget.models import Invoice
from budget.services.invoice_pdf import invoice_pdf
from budget.services.invoicing import invoices_issue
from members.models import Membership, Organisation, User

from .conftest import ADDRESS, PO, pdftotext

pytestmark = pytest.mark.django_db


def officer_of(organisation, email, *, approved=True):
    user = User.objects.create_user(
        username=email,
        email=email,
        password="x",
        organisation=organisation,
        organisation_approved_at=timezone.now() if approved else None,
        first_name="Zoë",
        last_name="Brontë",
    )
    client = Client()
    client.force_login(user)
    return user, client


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_organisations_import_a_multi_line_billing_address_and_an_accounts_payable_email(members, tmp_path):
    path = write(
        tmp_path,
        "organisations.csv",
        (
            "name,kind,gss_code,email_domains,billing_address,invoice_email\n"
            'Camden,london_borough,E09000007,camden.gov.uk,"Attn: Zoë Brontë-Łukasiewicz, Accounts Payable\r\n'
            'Finance Directorate, Pièce 4.12\n\n5 Pancras Square  \nLondon\nN1C 4AG",ap.invoices@camden.example\n'
        ),
    )
    call_command("import_data", "organisations", path, stdout=io.StringIO())
    camden = Organisation.objects.get(name="Camden")
    assert camden.billing_address == ADDRESS and camden.invoice_email == "ap.invoices@camden.example"


def test_an_organisations_file_without_the_billing_columns_keeps_them(billed, tmp_path):
    call_command(
        "import_data",
        "organisations",
        write(tmp_path, "o.csv", "name,kind,gss_code\nCamden,london_borough,E09000007\n"),
        stdout=io.StringIO(),
    )
    billed.camden.refresh_from_db()
    assert billed.camden.billing_address == ADDRESS


def test_a_bad_accounts_payable_email_is_refused_naming_the_line(members, tmp_path):
    path = write(tmp_path, "o.csv", "name,kind,gss_code,invoice_email\nCamden,london_borough,E09000007,not-an-address\n")
    with pytest.raises(CommandError):
        call_command("import_data", "organisations", path, stdout=io.StringIO(), stderr=(errors := io.StringIO()))
    assert "line 2" in errors.getvalue().lower() and "invoice_email" in errors.getvalue()
    assert Organisation.objects.get(name="Camden").invoice_email == ""


def test_memberships_import_a_purchase_order(members, tmp_path):
    path = write(
        tmp_path,
        "m.csv",
        (
            "organisation,tier,start_date,end_date,local_digital_declaration_signed,purchase_order\n"
            f"E09000007,core,2019-07-15,,2019-07-15,{PO}\n"
        ),
    )
    call_command("import_data", "memberships", path, stdout=io.StringIO())
    assert Membership.objects.get(organisation=members.camden).purchase_order == PO


def test_a_purchase_order_too_long_is_refused(members, tmp_path):
    path = write(
        tmp_path,
        "m.csv",
        (
            "organisation,tier,start_date,end_date,local_digital_declaration_signed,purchase_order\n"
            f"E09000007,core,2019-07-15,,2019-07-15,{'P' * 61}\n"
        ),
    )
    with pytest.raises(CommandError):
        call_command("import_data", "memberships", path, stdout=io.StringIO(), stderr=(errors := io.StringIO()))
    assert "purchase_order" in errors.getvalue() and "60" in errors.getvalue()


def test_the_export_carries_the_billing_columns(billed):
    out = io.StringIO()
    call_command("export_data", "organisations", stdout=out)
    text = out.getvalue()
    assert text.splitlines()[0].startswith("name,kind,gss_code,email_domains,billing_address,invoice_email")
    assert "Pièce 4.12" in text and "ap.invoices@camden.example" in text


def test_an_invoice_keeps_the_details_it_was_issued_with(billed):
    invoices_issue(year=billed.year, issued_on=datetime.date(2020, 4, 1))
    membership = billed.camden.memberships.get()
    membership.purchase_order = "PO-NEXT-YEAR"
    membership.save()
    billed.camden.billing_address = "Somewhere else\nLondon"
    billed.camden.save()
    invoice = Invoice.objects.get(organisation=billed.camden)
    assert invoice.purchase_order == PO and invoice.billing_address == ADDRESS


def test_staff_keep_billing_details_in_the_admin(billed, staff_client):
    page = staff_client.get(f"/admin/members/organisation/{billed.camden.pk}/change/").content.decode()
    assert 'name="billing_address"' in page and 'name="invoice_email"' in page and 'name="memberships-0-purchase_order"' in page
    page = staff_client.get(f"/admin/members/membership/{billed.camden.memberships.get().pk}/change/").content.decode()
    assert 'name="purchase_order"' in page


def test_an_officer_sees_their_billing_details(billed):
    _, client = officer_of(billed.camden, "zoe@camden.example")
    page = client.get("/members/billing/").content.decode()
    assert "Attn: Zoë Brontë-Łukasiewicz, Accounts Payable<br>Finance Directorate, Pièce 4.12<br>5 Pancras Square" in page
    assert "ap.invoices@camden.example" in page and PO in page


def test_an_officer_asks_staff_to_change_them(billed, django_capture_on_commit_callbacks):
    _, client = officer_of(billed.camden, "zoe@camden.example")
    with django_capture_on_commit_callbacks(execute=True):  # the email is sent by a task once the request is done
        response = client.post("/members/billing/", {"change": "Our 2021/22 purchase order is PO-2021-777."}, follow=True)
    assert "Your request is sent to LOTI" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["invoice.queries@loti.example"] and message.reply_to == ["zoe@camden.example"]
    assert message.subject == "Billing details change for Camden"
    assert "Our 2021/22 purchase order is PO-2021-777." in message.body and "Pièce 4.12" in message.body


def test_an_empty_request_says_what_is_missing(billed):
    _, client = officer_of(billed.camden, "zoe@camden.example")
    response = client.post("/members/billing/", {"change": "  "})
    assert response.status_code == 200 and "Say what should change" in response.content.decode()
    assert mail.outbox == []


def test_a_pending_officer_has_no_billing_page(billed):
    _, client = officer_of(billed.camden, "new@camden.example", approved=False)
    assert client.get("/members/billing/").status_code == 404


def test_an_officer_sees_their_invoice_page_and_another_borough_gets_404(billed):
    invoices_issue(year=billed.year, issued_on=datetime.date(2020, 4, 1))
    invoice = Invoice.objects.get(organisation=billed.camden)
    _, camden = officer_of(billed.camden, "zoe@camden.example")
    page = camden.get(f"/invoices/{invoice.pk}/").content.decode()
    for expected in [
        "Invoice INV-2020-21-0001",
        "£36,000.00",
        "1 May 2020",
        PO,
        "Pièce 4.12",
        "Core",
        f'href="/invoices/{invoice.pk}/pdf/"',
        'href="/members/billing/"',
    ]:
        assert expected in page, expected
    _, richmond = officer_of(billed.richmond, "rich@richmond.example")
    assert richmond.get(f"/invoices/{invoice.pk}/").status_code == 404
    assert richmond.get(f"/invoices/{invoice.pk}/pdf/").status_code == 404


def test_the_home_page_links_each_invoice_and_the_billing_details(billed):
    invoices_issue(year=billed.year, issued_on=datetime.date(2020, 4, 1))
    invoice = Invoice.objects.get(organisation=billed.camden)
    _, client = officer_of(billed.camden, "zoe@camden.example")
    page = client.get("/").content.decode()
    assert f'href="/invoices/{invoice.pk}/"' in page and 'href="/members/billing/"' in page


def test_staff_correct_the_po_on_an_issued_invoice_and_the_history_says_who(billed, staff_client, staff_user):
    invoices_issue(year=billed.year, issued_on=datetime.date(2020, 4, 1))
    invoice = Invoice.objects.get(organisation=billed.richmond)
    response = staff_client.post(
        f"/admin/budget/invoice/{invoice.pk}/change/",
        {
            "billing_address": "Accounts Payable\r\nYork House\r\nTwickenham\r\nTW1 3AA",
            "purchase_order": "PO-RICH-2020-0042",
            "payments-TOTAL_FORMS": "1",
            "payments-INITIAL_FORMS": "0",
            "payments-MIN_NUM_FORMS": "0",
            "payments-MAX_NUM_FORMS": "1000",
            "payments-0-amount": "",
            "payments-0-received_on": "",
            "payments-0-reference": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    invoice.refresh_from_db()
    assert invoice.purchase_order == "PO-RICH-2020-0042"
    assert invoice.billing_address == "Accounts Payable\nYork House\nTwickenham\nTW1 3AA"
    assert (invoice.net, invoice.gross, invoice.issued_on) == (Decimal("22500.00"), Decimal("27000.00"), datetime.date(2020, 4, 1))
    latest = invoice.history.first()
    assert latest.history_user == staff_user and latest.history_change_reason == "Billing details corrected"
    assert "Purchase order number: PO-RICH-2020-0042" in pdftotext(invoice_pdf(invoice=invoice))


def test_the_admin_cannot_change_an_invoices_money(billed, staff_client):
    invoices_issue(year=billed.year)
    invoice = Invoice.objects.get(organisation=billed.camden)
    page = staff_client.get(f"/admin/budget/invoice/{invoice.pk}/change/").content.decode()
    assert 'name="purchase_order"' in page and 'name="billing_address"' in page
    assert 'name="net"' not in page and 'name="gross"' not in page and 'name="issued_on"' not in page

"""What LOTI staff do in the admin: issue the year's invoices, see what is outstanding, credit, record payments."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from budget.models import Invoice, InvoiceKind, Payment
from loti.models import FinancialYear

pytestmark = pytest.mark.django_db
INVOICES = "/admin/budget/invoice/"
TODAY = timezone.localdate().isoformat()  # invoices these tests issue are dated today


def test_issue_this_years_invoices_previews_then_issues(members, staff_client, staff_user):
    listing = staff_client.get(INVOICES).content.decode()
    assert 'href="/admin/budget/invoice/issue/"' in listing

    preview = staff_client.post(f"{INVOICES}issue/", {"year": "2020/21", "preview": "1"})
    page = preview.content.decode()
    assert "To be issued: 3 invoices, £90,000.00" in page and "INV-2020-21-0001" in page
    assert not Invoice.objects.exists()

    issued = staff_client.post(f"{INVOICES}issue/", {"year": "2020/21", "confirm": "1"})
    assert issued.status_code == 302
    assert Invoice.objects.count() == 3
    assert set(Invoice.objects.values_list("issued_by", flat=True)) == {staff_user.pk}

    again = staff_client.post(f"{INVOICES}issue/", {"year": "2020/21", "preview": "1"})
    assert "Nothing to issue for this year" in again.content.decode()
    # The year is chosen from a list: years with a fee schedule, this year and next; anything else is refused.
    form = staff_client.get(f"{INVOICES}issue/").content.decode()
    assert '<select name="year"' in form and '<option value="2020/21">' in form
    bad = staff_client.post(f"{INVOICES}issue/", {"year": "1999/00", "preview": "1"})
    assert "Select a valid choice" in bad.content.decode()
    assert not FinancialYear.objects.filter(label="1999/00").exists()


def test_the_list_shows_status_and_balance_and_filters_overdue(members, staff_client, staff_user):
    from budget.services.invoicing import invoices_issue
    from budget.services.payments import payment_record

    invoices_issue(year=members.year, issued_on=datetime.date(2020, 4, 1))
    payment_record(
        invoice=Invoice.objects.get(organisation=members.camden), amount="36000.00", received_on=datetime.date(2020, 4, 2), by=staff_user
    )
    response = staff_client.get(INVOICES)
    rows = {row.number: row for row in response.context["cl"].result_list}
    assert (rows["INV-2020-21-0001"].status, rows["INV-2020-21-0001"].balance) == ("paid", Decimal("0.00"))
    assert rows["INV-2020-21-0002"].status == "overdue"

    overdue = staff_client.get(INVOICES, {"overdue": "yes"}).context["cl"].result_list
    assert [invoice.number for invoice in overdue] == ["INV-2020-21-0002", "INV-2020-21-0003"]
    paid = staff_client.get(INVOICES, {"status": "paid"}).context["cl"].result_list
    assert [invoice.number for invoice in paid] == ["INV-2020-21-0001"]


def test_the_invoice_list_runs_the_same_number_of_queries_for_more_invoices(members, staff_client):
    from budget.services.invoicing import invoices_issue
    from members.models import Membership, MembershipTier

    from .conftest import make_borough

    invoices_issue(year=members.year)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        staff_client.get(INVOICES)
    for number in range(10, 20):
        borough = make_borough(f"Borough {number}", f"E090000{number}")
        Membership.objects.create(organisation=borough, tier=MembershipTier.CORE, start_date=members.year.start_date)
    invoices_issue(year=members.year)
    with CaptureQueriesContext(connection) as many:
        staff_client.get(INVOICES)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_credit_action_asks_for_a_reason_and_credits(members, staff_client):
    from budget.services.invoicing import invoices_issue

    invoices_issue(year=members.year)
    camden = Invoice.objects.get(organisation=members.camden)
    asked = staff_client.post(INVOICES, {"action": "credit_invoices", "_selected_action": [camden.pk]})
    assert "Credit 1 invoice" in asked.content.decode()
    assert not Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).exists()
    done = staff_client.post(
        INVOICES, {"action": "credit_invoices", "_selected_action": [camden.pk], "apply": "1", "reason": "Joined in 2021/22 instead"}
    )
    assert done.status_code == 302
    note = Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE)
    assert note.credits == camden and note.issued_by.email == "staff@loti.london"


def test_payments_are_added_on_the_invoice_and_over_payment_is_refused(members, staff_client):
    from budget.services.invoicing import invoices_issue

    invoices_issue(year=members.year)
    invoice = Invoice.objects.get(organisation=members.richmond)
    url = f"{INVOICES}{invoice.pk}/change/"
    form = {
        "payments-TOTAL_FORMS": "1",
        "payments-INITIAL_FORMS": "0",
        "payments-MIN_NUM_FORMS": "0",
        "payments-MAX_NUM_FORMS": "1000",
        "payments-0-amount": "27000.01",
        "payments-0-received_on": TODAY,
        "payments-0-reference": "BACS-1",
    }
    refused = staff_client.post(url, form)
    assert refused.status_code == 200
    assert "would overpay INV-2020-21-0002: only £27,000.00 is outstanding" in refused.content.decode()
    assert not Payment.objects.exists()

    accepted = staff_client.post(url, {**form, "payments-0-amount": "20000.00"})
    assert accepted.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.source, payment.recorded_by.email) == (Decimal("20000.00"), "manual", "staff@loti.london")
    assert "Part paid" in staff_client.get(url).content.decode()


def test_payment_admin_records_through_the_service(members, staff_client):
    from budget.services.invoicing import invoices_issue

    invoices_issue(year=members.year)
    invoice = Invoice.objects.get(organisation=members.camden)
    data = {"invoice": invoice.pk, "amount": "40000.00", "received_on": TODAY, "reference": "X"}
    refused = staff_client.post("/admin/budget/payment/add/", data)
    assert "would overpay" in refused.content.decode() and not Payment.objects.exists()
    accepted = staff_client.post("/admin/budget/payment/add/", {**data, "amount": "36000.00"})
    assert accepted.status_code == 302
    assert Payment.objects.get().recorded_by.email == "staff@loti.london"

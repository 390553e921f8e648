"""Money is never deleted: an invoice is cancelled by a credit note."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import Invoice, InvoiceKind
from budget.selectors.invoices import invoice_for, invoices_with_status
from budget.services.invoicing import invoice_credit, invoices_issue
from budget.services.payments import payment_record

pytestmark = pytest.mark.django_db


def test_a_credit_note_restores_the_balance_and_nothing_is_deleted(members, staff_user):
    invoices_issue(year=members.year, issued_on=datetime.date(2020, 4, 1))
    invoice = invoice_for(organisation=members.camden, year=members.year)
    assert invoice is not None
    assert invoice.balance == Decimal("36000.00")

    credit_note = invoice_credit(invoice=invoice, reason="Camden's membership began in 2021/22", by=staff_user)

    assert credit_note.kind == InvoiceKind.CREDIT_NOTE and credit_note.credits_id == invoice.pk
    assert credit_note.number == "CRN-2020-21-0004"  # the next number of the year's one gapless series
    assert credit_note.gross == Decimal("36000.00")
    credited = invoice_for(organisation=members.camden, year=members.year)
    assert (credited.status, credited.balance, credited.credited) == ("credited", Decimal("0.00"), Decimal("36000.00"))
    assert Invoice.objects.count() == 4  # three invoices and the credit note: nothing deleted
    record = credit_note.history.get()
    assert (record.history_user, record.history_change_reason) == (staff_user, "Camden's membership began in 2021/22")


def test_an_invoice_is_credited_once_and_takes_no_payment_afterwards(members, staff_user):
    invoices_issue(year=members.year)
    invoice = invoice_for(organisation=members.camden, year=members.year)
    assert invoice is not None
    invoice_credit(invoice=invoice, reason="Issued in error", by=staff_user)
    with pytest.raises(ValidationError, match="already been credited"):
        invoice_credit(invoice=invoice, reason="Again", by=staff_user)
    with pytest.raises(ValidationError, match="has been credited"):
        payment_record(invoice=invoice, amount="100.00", received_on=datetime.date(2020, 5, 1), by=staff_user)


def test_a_paid_invoice_is_not_credited_and_a_reason_is_required(members, staff_user):
    invoices_issue(year=members.year)
    invoice = invoice_for(organisation=members.camden, year=members.year)
    assert invoice is not None
    with pytest.raises(ValidationError, match="Say why"):
        invoice_credit(invoice=invoice, reason=" ", by=staff_user)
    payment_record(invoice=invoice, amount="1000.00", received_on=datetime.date(2020, 5, 1), by=staff_user)
    with pytest.raises(ValidationError, match="refund it through finance"):
        invoice_credit(invoice=invoice, reason="Wrong amount", by=staff_user)


def test_statuses_follow_payments_and_the_due_date(members, staff_user):
    invoices_issue(year=members.year, issued_on=datetime.date(2020, 4, 1))  # due 1 May 2020
    camden = invoice_for(organisation=members.camden, year=members.year)
    assert camden is not None
    richmond = invoice_for(organisation=members.richmond, year=members.year)
    assert richmond is not None
    wandsworth = invoice_for(organisation=members.wandsworth, year=members.year)
    assert wandsworth is not None
    payment_record(invoice=camden, amount="36000.00", received_on=datetime.date(2020, 4, 20), by=staff_user)
    payment_record(invoice=richmond, amount="7000.00", received_on=datetime.date(2020, 4, 20), by=staff_user)

    def statuses(today):
        return dict(invoices_with_status(today=today).values_list("organisation__name", "status"))

    assert statuses(datetime.date(2020, 4, 30)) == {"Camden": "paid", "Richmond upon Thames": "part_paid", "Wandsworth": "issued"}
    assert statuses(datetime.date(2020, 5, 2)) == {"Camden": "paid", "Richmond upon Thames": "overdue", "Wandsworth": "overdue"}
    balances = dict(invoices_with_status().values_list("organisation__name", "balance"))
    assert balances == {"Camden": Decimal("0.00"), "Richmond upon Thames": Decimal("20000.00"), "Wandsworth": Decimal("27000.00")}
    assert wandsworth.paid == Decimal("0")


def test_a_payment_may_not_overpay(members, staff_user):
    invoices_issue(year=members.year)
    invoice = invoice_for(organisation=members.camden, year=members.year)
    assert invoice is not None
    payment_record(invoice=invoice, amount="30000.00", received_on=datetime.date(2020, 5, 1), by=staff_user)
    with pytest.raises(ValidationError, match=re.escape("only £6,000.00 is outstanding")):
        payment_record(invoice=invoice, amount="6000.01", received_on=datetime.date(2020, 5, 2), by=staff_user)
    payment = payment_record(invoice=invoice, amount="6000.00", received_on=datetime.date(2020, 5, 2), reference="BACS 1", by=staff_user)
    assert payment.history.get().history_user == staff_user
    assert invoice_for(organisation=members.camden, year=members.year).status == "paid"

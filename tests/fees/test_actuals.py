"""Actual income by source for a year, beside the budget."""

import datetime
from decimal import Decimal

import pytest

from budget.models import BudgetLine, BudgetSection, ExpenditureStatus, InstalmentStatus, Invoice
from budget.selectors.actuals import ActualIncome, actual_expenditure_total, actual_income, actual_income_total, has_actuals
from budget.services.grants import agreement_terminate
from budget.services.invoicing import invoice_credit, invoices_issue
from budget.services.payments import payment_record
from loti.models import FinancialYear

pytestmark = pytest.mark.django_db


def test_actual_income_by_source_for_a_year(members, gla_grant, staff_user):
    year = members.year
    assert not has_actuals(year=year)
    invoices_issue(year=year)  # 36,000 + 27,000 + 27,000 gross; 75,000 net
    camden = Invoice.objects.get(organisation=members.camden)
    richmond = Invoice.objects.get(organisation=members.richmond)
    payment_record(invoice=camden, amount="36000.00", received_on=datetime.date(2020, 5, 1), by=staff_user)
    payment_record(invoice=richmond, amount="10000.00", received_on=datetime.date(2020, 5, 1), by=staff_user)
    invoice_credit(invoice=Invoice.objects.get(organisation=members.wandsworth), reason="Left LOTI", by=staff_user)
    gla_grant.instalments.filter(year=year).update(status=InstalmentStatus.RECEIVED, received_on=datetime.date(2020, 10, 1))
    gla_grant.instalments.filter(year__label="2021/22").update(status=InstalmentStatus.CLAIMED)

    assert actual_income(year=year) == [
        # Net of VAT: 30,000 + 22,500 invoiced (Wandsworth's 22,500 credited); received 30,000 + 10,000 × 5/6.
        ActualIncome(
            name="Membership fees",
            invoiced=Decimal("52500.00"),
            received=Decimal("38333.33"),
            source="fees",
            key="membership_fees",
            count=2,
        ),
        ActualIncome(
            name="GLA grant for LOTI (MD2373)",
            invoiced=Decimal("100000.00"),
            claimed=Decimal("100000.00"),
            received=Decimal("100000.00"),
            source="funder",
            key=f"agreement:{gla_grant.pk}",
        ),
    ]
    # Actual income: the fees as invoiced (52,500, not the 38,333.33 received) plus the GLA's received instalment.
    assert actual_income_total(year=year) == Decimal("152500.00")
    assert has_actuals(year=year)

    later = FinancialYear.objects.get(label="2021/22")
    assert [(line.name, line.invoiced, line.claimed, line.received, line.actual) for line in actual_income(year=later)] == [
        ("GLA grant for LOTI (MD2373)", Decimal("100000.00"), Decimal("100000.00"), Decimal("0.00"), Decimal("100000.00"))
    ]


def test_cancelled_instalments_are_not_income(gla_grant, staff_user):
    agreement_terminate(agreement=gla_grant, on=datetime.date(2020, 6, 1), by=staff_user)
    assert actual_income(year=FinancialYear.objects.get(label="2021/22")) == []


def test_an_expected_instalment_is_not_actual(gla_grant):
    later = FinancialYear.objects.get(label="2021/22")
    assert actual_income_total(year=later) == Decimal("0.00")
    assert not has_actuals(year=later)


def test_a_paid_status_is_not_spending_the_ledger_is(members):
    """Marking a line Paid records no money: only its ledger entries do (refunds negative)."""
    from budget.services.ledger import ledger_entry_record

    year = members.year
    staff = BudgetLine.objects.create(
        year=year, section=BudgetSection.EXPENDITURE, name="Staff", amount=Decimal("300000.00"), status=ExpenditureStatus.PAID
    )
    assert actual_expenditure_total(year=year) == Decimal("0.00")
    assert not has_actuals(year=year)
    ledger_entry_record(line=staff, date=datetime.date(2020, 4, 30), counterparty="Payroll", amount="25000.10", reference="J1")
    ledger_entry_record(line=staff, date=datetime.date(2020, 5, 2), counterparty="Payroll", amount="-0.05", reference="J2")
    assert actual_expenditure_total(year=year) == Decimal("25000.05")
    assert has_actuals(year=year)

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
        ActualIncome(name="Membership fees", invoiced=Decimal("52500.00"), received=Decimal("38333.33"), source="fees",
                     key="membership_fees"),
        ActualIncome(name="GLA grant for LOTI (MD2373)", invoiced=Decimal("100000.00"), claimed=Decimal("100000.00"),
                     received=Decimal("100000.00"), source="funder", key=f"agreement:{gla_grant.pk}"),
    ]
    assert actual_income_total(year=year) == Decimal("138333.33")
    assert has_actuals(year=year)

    later = FinancialYear.objects.get(label="2021/22")
    assert [(line.name, line.invoiced, line.claimed, line.received) for line in actual_income(year=later)] == [
        ("GLA grant for LOTI (MD2373)", Decimal("100000.00"), Decimal("100000.00"), Decimal("0.00"))
    ]


def test_cancelled_instalments_are_not_income(gla_grant, staff_user):
    agreement_terminate(agreement=gla_grant, on=datetime.date(2020, 6, 1), by=staff_user)
    assert actual_income(year=FinancialYear.objects.get(label="2021/22")) == []


def test_actual_expenditure_is_the_paid_budget_lines(members):
    year = members.year
    for name, amount, status in [("Staff", "300000.00", ExpenditureStatus.PAID), ("Events", "1500.50", ExpenditureStatus.PAID),
                                 ("Research", "40000.00", ExpenditureStatus.COMMITTED)]:
        BudgetLine.objects.create(year=year, section=BudgetSection.EXPENDITURE, name=name, amount=Decimal(amount), status=status)
    assert actual_expenditure_total(year=year) == Decimal("301500.50")
    assert has_actuals(year=year)

"""Exports with the columns of DESIGN.md, and the instalments import."""

import datetime
from decimal import Decimal

import pytest
import tablib

from budget.models import Instalment, InstalmentStatus
from budget.selectors.invoices import invoice_for
from budget.services.invoicing import invoice_credit, invoices_issue
from budget.services.payments import payment_record
from loti.imports import resource_for
from loti.models import FinancialYear

pytestmark = pytest.mark.django_db


def test_invoices_export_has_the_contract_columns_with_status_and_balance(members, staff_user):
    invoices_issue(year=members.year, issued_on=datetime.date(2020, 4, 1))
    richmond = invoice_for(organisation=members.richmond, year=members.year)
    wandsworth = invoice_for(organisation=members.wandsworth, year=members.year)
    assert richmond is not None and wandsworth is not None
    payment_record(invoice=richmond, amount="7000.00", received_on=datetime.date(2020, 4, 20), by=staff_user)
    invoice_credit(invoice=wandsworth, reason="Left", by=staff_user)

    exported = resource_for("invoices")().export(year="2020/21")

    assert exported.headers == ["number", "organisation", "year", "net", "vat", "gross", "status", "balance"]
    rows = [list(row) for row in exported]
    assert rows == [
        ["INV-2020-21-0001", "Camden", "2020/21", "30000.00", "6000.00", "36000.00", "overdue", "36000.00"],
        ["INV-2020-21-0002", "Richmond upon Thames", "2020/21", "22500.00", "4500.00", "27000.00", "overdue", "20000.00"],
        ["INV-2020-21-0003", "Wandsworth", "2020/21", "22500.00", "4500.00", "27000.00", "credited", "0.00"],
        ["CRN-2020-21-0004", "Wandsworth", "2020/21", "22500.00", "4500.00", "27000.00", "credit_note", "0.00"],
    ]
    assert len(resource_for("invoices")().export(year="2021/22")) == 0


def test_invoices_are_not_imported(members):
    data = tablib.Dataset(headers=["number"])
    data.append(["INV-1"])
    result = resource_for("invoices")().import_data(data, dry_run=True, raise_errors=False)
    assert result.has_errors()
    assert "issued by the portal" in str(result.base_errors[0].error)


def test_instalments_import_updates_the_schedule_and_refuses_an_unknown_agreement(gla_grant, staff_user):
    text = (
        "agreement,year,amount,status,claimed_on,received_on\n"
        "GLA grant for LOTI (MD2373),2019/20,100000.00,received,2019-10-01,2019-11-15\n"
        "GLA grant for LOTI (MD2373),2022/23,50000.00,Expected,,\n"
    )
    result = resource_for("instalments")().import_data(tablib.Dataset().load(text, format="csv"), raise_errors=False, user=staff_user)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    received = Instalment.objects.get(agreement=gla_grant, year__label="2019/20")
    assert (received.status, received.received_on) == (InstalmentStatus.RECEIVED, datetime.date(2019, 11, 15))
    assert received.history.first().history_user == staff_user
    assert Instalment.objects.get(agreement=gla_grant, year=FinancialYear.objects.get(label="2022/23")).amount == Decimal("50000.00")

    bad = (
        "agreement,year,amount,status,claimed_on,received_on\n"
        "GLA grant for LOTI (MD2373),2021/22,1.00,expected,,\n"
        "The Lottery,2021/22,1.00,expected,,\n"
        "GLA grant for LOTI (MD2373),2021-22,1.00,maybe,,\n"
    )
    result = resource_for("instalments")().import_data(tablib.Dataset().load(bad, format="csv"), raise_errors=False)
    assert [row.number for row in result.invalid_rows] == [2, 3]
    assert result.invalid_rows[0].field_specific_errors["agreement"] == ["there is no funding agreement with the name 'The Lottery'"]
    assert "year" in result.invalid_rows[1].field_specific_errors and "status" in result.invalid_rows[1].field_specific_errors
    assert Instalment.objects.get(agreement=gla_grant, year__label="2021/22").amount == Decimal("100000.00")

"""Issuing the year's membership invoices: the right fee, VAT to the penny, gapless numbers, once only."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from budget.models import FeeSchedule, Invoice, InvoiceKind
from budget.services.invoicing import invoices_issue
from loti.services import financial_year_get_or_create
from members.models import Membership, MembershipTier

from .conftest import fee_schedules, make_borough

pytestmark = pytest.mark.django_db


def test_core_and_shared_service_fees_with_vat_to_the_penny(members, staff_user):
    issued = invoices_issue(year=members.year, issued_by=staff_user, issued_on=datetime.date(2020, 4, 1))

    by_name = {invoice.organisation.name: invoice for invoice in issued}
    assert sorted(by_name) == ["Camden", "Richmond upon Thames", "Wandsworth"]  # funding partners pay no fee
    camden = Invoice.objects.get(organisation=members.camden, year=members.year)
    assert (camden.net, camden.vat, camden.gross) == (Decimal("30000.00"), Decimal("6000.00"), Decimal("36000.00"))
    for borough in [members.richmond, members.wandsworth]:
        invoice = Invoice.objects.get(organisation=borough, year=members.year)
        assert (invoice.net, invoice.vat, invoice.gross) == (Decimal("22500.00"), Decimal("4500.00"), Decimal("27000.00"))
    assert camden.due_on == datetime.date(2020, 5, 1)
    assert camden.issued_by == staff_user
    assert camden.history.get().history_user == staff_user


def test_numbers_run_without_gaps_in_alphabetical_order(members):
    issued = invoices_issue(year=members.year)
    assert [invoice.number for invoice in issued] == ["INV-2020-21-0001", "INV-2020-21-0002", "INV-2020-21-0003"]
    assert [invoice.organisation.name for invoice in issued] == ["Camden", "Richmond upon Thames", "Wandsworth"]


def test_a_second_issue_invoices_issues_nothing(members, capsys):
    call_command("issue_invoices", "--year", "2020/21")
    first = capsys.readouterr().out
    assert "Issued 3 invoices for 2020/21, £90,000.00 in all." in first
    call_command("issue_invoices", "--year", "2020/21")
    assert "Nothing to issue for 2020/21" in capsys.readouterr().out
    assert Invoice.objects.count() == 3


def test_a_member_joining_later_is_invoiced_by_the_next_run_with_the_next_number(members):
    invoices_issue(year=members.year)
    barnet = make_borough("Barnet", "E09000003")
    Membership.objects.create(organisation=barnet, tier=MembershipTier.CORE, start_date=datetime.date(2020, 9, 1))
    [late] = invoices_issue(year=members.year)
    assert late.organisation == barnet and late.number == "INV-2020-21-0004"
    assert late.gross == Decimal("36000.00")  # pro-rata is off for this schedule


def test_dry_run_shows_the_invoices_and_issues_none(members, capsys):
    call_command("issue_invoices", "--year", "2020/21", "--dry-run")
    out = capsys.readouterr().out
    assert "INV-2020-21-0001  Camden" in out and "Would issue 3 invoices" in out
    assert not Invoice.objects.exists()


def test_the_database_refuses_a_second_fee_invoice_for_the_same_year(members):
    [camden, *_] = invoices_issue(year=members.year)
    duplicate = Invoice(
        kind=InvoiceKind.INVOICE,
        year=members.year,
        sequence=99,
        number="INV-2020-21-0099",
        organisation=members.camden,
        description="again",
        issued_on=camden.issued_on,
        due_on=camden.due_on,
        net=camden.net,
        vat_rate=camden.vat_rate,
        vat=camden.vat,
        gross=camden.gross,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_pro_rata_by_whole_months_when_the_schedule_says_so(db):
    year = financial_year_get_or_create(label="2021/22")
    fee_schedules(year, pro_rata=True)
    hackney = make_borough("Hackney", "E09000012")
    # Joins 15 October: October to March, six whole months, the month of joining counted.
    Membership.objects.create(organisation=hackney, tier=MembershipTier.CORE, start_date=datetime.date(2021, 10, 15))
    [invoice] = invoices_issue(year=year)
    assert (invoice.net, invoice.vat, invoice.gross) == (Decimal("15000.00"), Decimal("3000.00"), Decimal("18000.00"))
    assert "(6 of 12 months)" in invoice.description


def test_vat_is_rounded_half_up_per_invoice(db):
    year = financial_year_get_or_create(label="2022/23")
    FeeSchedule.objects.create(year=year, tier=MembershipTier.CORE, annual_fee=Decimal("1000.00"), vat_rate=Decimal("0.20"), pro_rata=True)
    lambeth = make_borough("Lambeth", "E09000022")
    # Eleven months of £1,000: 916.666… → £916.67 net; VAT 183.334 → £183.33.
    Membership.objects.create(organisation=lambeth, tier=MembershipTier.CORE, start_date=datetime.date(2022, 5, 1))
    [invoice] = invoices_issue(year=year)
    assert (invoice.net, invoice.vat, invoice.gross) == (Decimal("916.67"), Decimal("183.33"), Decimal("1100.00"))


def test_a_fee_paying_tier_without_a_schedule_is_an_error_and_issues_nothing(db):
    year = financial_year_get_or_create(label="2023/24")
    FeeSchedule.objects.create(year=year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    make = [make_borough("Brent", "E09000005"), make_borough("Harrow", "E09000015")]
    Membership.objects.create(organisation=make[0], tier=MembershipTier.CORE, start_date=datetime.date(2023, 4, 1))
    Membership.objects.create(organisation=make[1], tier=MembershipTier.SHARED_SERVICE, start_date=datetime.date(2023, 4, 1))
    with pytest.raises(ValidationError, match="no fee schedule for 2023/24 for: Shared service"):
        invoices_issue(year=year)
    assert not Invoice.objects.exists()


def test_a_membership_that_ended_before_the_year_is_not_invoiced(members):
    Membership.objects.filter(organisation=members.camden).update(end_date=datetime.date(2020, 3, 31))
    issued = invoices_issue(year=members.year)
    assert members.camden not in [invoice.organisation for invoice in issued]

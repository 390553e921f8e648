"""The database itself keeps the data true: these rows are refused by PostgreSQL, not only by a form."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from budget.models import BudgetLine, FeeSchedule, Invoice, Payment
from loti.models import FinancialYear
from loti.services import financial_year_get_or_create
from members.models import Membership

from . import conftest as make

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_a_second_fee_schedule_for_the_same_year_and_tier_is_refused():
    make.fee_schedule()
    refused(lambda: FeeSchedule.objects.create(year=make.year(), tier="core", annual_fee=Decimal("1.00"), vat_rate=Decimal("0.2")))
    # Another tier, or another year, is fine.
    FeeSchedule.objects.create(year=make.year(), tier="shared_service", annual_fee=Decimal("1.00"), vat_rate=Decimal("0.2"))
    FeeSchedule.objects.create(year=make.year("2021/22"), tier="core", annual_fee=Decimal("1.00"), vat_rate=Decimal("0.2"))


def test_a_negative_budget_line_is_refused():
    refused(lambda: BudgetLine.objects.create(year=make.year(), section="income", name="GLA", amount=Decimal("-0.01")))
    BudgetLine.objects.create(year=make.year(), section="income", name="GLA", amount=Decimal("0.00"))


def test_a_negative_fee_or_a_vat_rate_above_one_is_refused():
    refused(lambda: FeeSchedule.objects.create(year=make.year(), tier="core", annual_fee=Decimal("-1"), vat_rate=Decimal("0.2")))
    refused(lambda: FeeSchedule.objects.create(year=make.year(), tier="core", annual_fee=Decimal("1"), vat_rate=Decimal("1.5")))


@pytest.mark.parametrize(
    "first, second",
    [
        ((datetime.date(2020, 4, 1), None), (datetime.date(2021, 4, 1), None)),  # an open membership and a later one
        ((datetime.date(2020, 4, 1), datetime.date(2021, 3, 31)), (datetime.date(2021, 3, 31), None)),  # share one day
        ((datetime.date(2020, 4, 1), datetime.date(2022, 3, 31)), (datetime.date(2020, 10, 1), datetime.date(2020, 12, 31))),
    ],
)
def test_two_overlapping_memberships_of_one_organisation_are_refused(first, second):
    camden = make.organisation()
    Membership.objects.create(organisation=camden, tier="core", start_date=first[0], end_date=first[1])
    refused(lambda: Membership.objects.create(organisation=camden, tier="core", start_date=second[0], end_date=second[1]))


def test_consecutive_memberships_and_other_organisations_are_allowed():
    camden, hackney = make.organisation(), make.organisation("Hackney", "E09000012")
    Membership.objects.create(organisation=camden, tier="core", start_date=datetime.date(2019, 4, 1), end_date=datetime.date(2020, 3, 31))
    Membership.objects.create(organisation=camden, tier="core", start_date=datetime.date(2020, 4, 1))
    Membership.objects.create(organisation=hackney, tier="core", start_date=datetime.date(2019, 4, 1))
    assert Membership.objects.count() == 3


def test_a_duplicate_invoice_sequence_in_a_year_is_refused():
    first = make.invoice()
    hackney = make.organisation("Hackney", "E09000012")

    def second(year, number):
        return Invoice.objects.create(
            year=year,
            sequence=first.sequence,
            number=number,
            organisation=hackney,
            description="Fee",
            issued_on=first.issued_on,
            due_on=first.due_on,
            net=Decimal("100.00"),
            vat_rate=Decimal("0.2"),
            vat=Decimal("20.00"),
            gross=Decimal("120.00"),
        )

    refused(lambda: second(first.year, "INV-2020-21-0001b"))
    second(make.year("2021/22"), "INV-2021-22-0001")  # the same sequence in another year is fine


def test_a_payment_of_nothing_is_refused():
    invoice = make.invoice()
    refused(lambda: Payment.objects.create(invoice=invoice, amount=Decimal("0.00"), received_on=datetime.date(2020, 5, 1)))
    refused(lambda: Payment.objects.create(invoice=invoice, amount=Decimal("-5.00"), received_on=datetime.date(2020, 5, 1)))


def test_overlapping_financial_years_are_refused_even_in_raw_sql():
    make.year("2020/21")

    def insert():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FinancialYear._meta.db_table} (label, start_date, end_date) VALUES (%s, %s, %s)",
                ["2019/20", datetime.date(2019, 10, 1), datetime.date(2020, 9, 30)],
            )

    refused(insert)
    financial_year_get_or_create(label="2021/22")  # the next year touches but does not overlap


@pytest.mark.django_db
def test_the_database_refuses_actuals_on_a_line_that_is_not_income():
    year = financial_year_get_or_create(label="2020/21")
    with pytest.raises(IntegrityError):
        BudgetLine.objects.create(
            year=year, section="expenditure", name="Personnel", amount=1, status="paid", actuals_from="membership_fees"
        )


@pytest.mark.django_db
def test_the_database_refuses_funder_income_without_its_agreement():
    year = financial_year_get_or_create(label="2020/21")
    with pytest.raises(IntegrityError):
        BudgetLine.objects.create(year=year, section="income", name="GLA", amount=1, actuals_from="funding_agreement")

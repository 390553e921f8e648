"""Two members of staff issuing the same year's invoices at the same moment."""

import threading

import pytest
from django.db import connection

from budget.models import Invoice
from budget.services.invoicing import invoices_issue
from loti.models import FinancialYear
from loti.services import financial_year_get_or_create
from members.models import Membership, MembershipTier

from .conftest import fee_schedules, make_borough

BOROUGHS = [
    ("Barking and Dagenham", "E09000002"),
    ("Barnet", "E09000003"),
    ("Bexley", "E09000004"),
    ("Brent", "E09000005"),
    ("Bromley", "E09000006"),
    ("Camden", "E09000007"),
    ("Croydon", "E09000008"),
    ("Ealing", "E09000009"),
]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_leave_gapless_unique_numbers_and_no_duplicates():
    year = financial_year_get_or_create(label="2020/21")
    fee_schedules(year)
    for name, code in BOROUGHS:
        Membership.objects.create(organisation=make_borough(name, code), tier=MembershipTier.CORE, start_date=year.start_date)

    barrier = threading.Barrier(2)
    results: list[list[Invoice]] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()  # both start together, each on its own database connection
            results.append(invoices_issue(year=FinancialYear.objects.get(pk=year.pk)))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(len(issued) for issued in results) == [0, len(BOROUGHS)]  # one run issued them all, the other none
    sequences = list(Invoice.objects.filter(year=year).order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(BOROUGHS) + 1))
    assert Invoice.objects.values("organisation").distinct().count() == len(BOROUGHS) == Invoice.objects.count()

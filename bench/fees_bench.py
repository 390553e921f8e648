"""Benchmark: issue LOTI's fee invoices for 33 London authorities over 10 financial years.

Runs on a scratch database (test_<name of DATABASE_URL's database>, created and dropped here), so it never
touches real data. Boroughs join in three waves (11 in 2020/21, 22 from 2021/22, all 33 from 2022/23), so the
table shows whether the query count of one run grows with the number of invoices (it must not).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loti_bench python bench/fees_bench.py
"""

import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loti.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loti_bench")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

from loti.services import financial_year_get_or_create  # noqa: E402

YEARS = [f"{start}/{(start + 1) % 100:02d}" for start in range(2020, 2030)]


def seed() -> None:
    from budget.models import FeeSchedule
    from members.models import Membership, MembershipTier, Organisation, OrganisationKind

    for label in YEARS:
        year = financial_year_get_or_create(label=label)
        FeeSchedule.objects.create(year=year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
        FeeSchedule.objects.create(year=year, tier=MembershipTier.SHARED_SERVICE, annual_fee=Decimal("22500.00"), vat_rate=Decimal("0.20"))
    for number in range(1, 34):
        borough = Organisation.objects.create(
            name=f"London authority {number:02d}",
            slug=f"authority-{number:02d}",
            kind=OrganisationKind.LONDON_BOROUGH,
            gss_code=f"E090000{number:02d}",
        )
        wave = (number - 1) // 11  # 0, 1, 2
        Membership.objects.create(
            organisation=borough,
            tier=MembershipTier.SHARED_SERVICE if number in (27, 32) else MembershipTier.CORE,
            start_date=datetime.date(2020 + wave, 4, 1),
        )


def bench() -> list[tuple]:
    from budget.services.invoicing import invoices_issue
    from loti.models import FinancialYear

    rows = []
    for label in YEARS:
        year = FinancialYear.objects.get(label=label)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            issued = invoices_issue(year=year, notify=False)  # issuing alone: the sending is the workers', one per invoice
            elapsed = time.perf_counter() - started
        with CaptureQueriesContext(connection) as again:
            reissued = invoices_issue(year=year, notify=False)
        rows.append((label, len(issued), elapsed, len(queries), len(reissued), len(again)))
    return rows


def main() -> None:
    config = setup_databases(verbosity=0, interactive=False)
    try:
        seed()
        rows = bench()
    finally:
        teardown_databases(config, verbosity=0)
    print(f"{'year':<8} {'invoices':>8} {'ms':>8} {'queries':>8}   {'2nd run issued':>14} {'2nd run queries':>15}")
    for label, count, elapsed, queries, reissued, again in rows:
        print(f"{label:<8} {count:>8} {elapsed * 1000:>8.1f} {queries:>8}   {reissued:>14} {again:>15}")
    total = sum(row[1] for row in rows)
    seconds = sum(row[2] for row in rows)
    counts = sorted({row[3] for row in rows})
    print(
        f"\n{total} invoices in {seconds:.2f} s over {len(rows)} runs; queries per run: {counts} "
        f"({'constant' if len(counts) == 1 else 'NOT constant'} whether a run issues 11, 22 or 33 invoices)"
    )


if __name__ == "__main__":
    main()

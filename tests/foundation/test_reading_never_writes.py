"""Read paths never write: naming a year the portal does not hold creates no year (issue 14)."""

import io

import pytest
from django.core.management import CommandError, call_command

from loti.models import FinancialYear
from loti.selectors import UnknownYear, financial_year_get
from loti.services import financial_year_get_or_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["budget-lines", "fee-schedules", "ledger"])
def test_exporting_a_year_not_held_creates_nothing(kind, settings):
    settings.LOTI_LAST_YEAR = 2100  # 2099/00 is a year the portal could keep, but does not hold
    out = io.StringIO()
    call_command("export_data", kind, "--year", "2099/00", stdout=out, stderr=io.StringIO())
    assert not FinancialYear.objects.exists()
    assert len(out.getvalue().strip().splitlines()) == 1  # the header row and nothing else


def test_exporting_a_year_outside_the_portal_says_so_and_creates_nothing():
    with pytest.raises(CommandError, match="outside the years the portal keeps"):
        call_command("export_data", "budget-lines", "--year", "2099/00", stdout=io.StringIO())
    assert not FinancialYear.objects.exists()


def test_a_dry_run_of_issuing_invoices_creates_no_year():
    out = io.StringIO()
    call_command("issue_invoices", "--year", "2031/32", "--dry-run", stdout=out)
    assert "Would issue" not in out.getvalue()
    assert not FinancialYear.objects.filter(label="2031/32").exists()


def test_the_lookup_never_creates_and_the_service_creates_once():
    with pytest.raises(UnknownYear, match="no financial year 2031/32"):
        financial_year_get("2031/32")
    assert not FinancialYear.objects.exists()
    created = financial_year_get_or_create(label="2031/32")
    assert financial_year_get_or_create(label="2031/32") == created == financial_year_get("2031/32")
    assert (created.start_date.isoformat(), created.end_date.isoformat()) == ("2031-04-01", "2032-03-31")

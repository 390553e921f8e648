"""Years outside the ones LOTI can have are refused wherever a year is named: a label, an import, a command."""

import io

import pytest
from django.core.management import CommandError, call_command

from loti.imports import resource_for
from loti.models import FinancialYear
from loti.services import financial_year_get_or_create
from loti.years import parse_year_label

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("label", ["1900/01", "2009/10", "2061/62", "9999/00", "0001/02"])
def test_a_year_outside_the_portals_range_is_refused(label):
    with pytest.raises(ValueError, match="outside the years the portal keeps"):
        parse_year_label(label)
    with pytest.raises(ValueError, match="outside the years the portal keeps"):
        financial_year_get_or_create(label=label)
    assert not FinancialYear.objects.filter(label=label).exists()


def test_the_first_and_last_years_are_accepted_and_the_range_is_a_setting(settings):
    assert financial_year_get_or_create(label="2010/11").label == "2010/11"
    assert financial_year_get_or_create(label="2060/61").label == "2060/61"
    assert financial_year_get_or_create(label="2031/32").label == "2031/32"  # the contract's example
    settings.LOTI_LAST_YEAR = 2030
    with pytest.raises(ValueError, match="2010/11 to 2030/31"):
        parse_year_label("2031/32")


def test_an_import_naming_an_impossible_year_names_the_row_and_writes_nothing():
    import tablib

    data = tablib.Dataset().load("year,tier,annual_fee,vat_rate\n2020/21,core,30000.00,0.20\n9999/00,core,30000.00,0.20\n", format="csv")
    result = resource_for("fee-schedules")().import_data(data, dry_run=False, raise_errors=False)
    assert result.has_validation_errors()
    [bad] = result.invalid_rows
    assert bad.number == 2 and "outside the years the portal keeps" in str(bad.field_specific_errors["year"])
    assert not FinancialYear.objects.filter(label="9999/00").exists()


def test_a_command_naming_an_impossible_year_says_so():
    with pytest.raises(CommandError, match="outside the years the portal keeps"):
        call_command("issue_invoices", "--year", "1900/01", "--dry-run", stdout=io.StringIO(), stderr=io.StringIO())
    assert not FinancialYear.objects.filter(label="1900/01").exists()

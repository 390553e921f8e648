"""The project's set-up: migrations, settings per environment, the money helper, financial years."""

import datetime
import subprocess
import sys
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection

from loti.models import FinancialYear
from loti.money import money_str, to_money
from loti.services import financial_year_get_or_create
from loti.years import parse_year_label


def test_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_money_rounds_half_up_to_the_penny():
    assert to_money("0.125") == Decimal("0.13")
    assert to_money(Decimal("2.345")) == Decimal("2.35")
    assert to_money("-0.005") == Decimal("-0.01")
    assert money_str(1000000) == "1000000.00"
    with pytest.raises(TypeError):
        to_money(0.1)


def test_year_labels_are_checked(settings):
    assert parse_year_label("2020/21") == (datetime.date(2020, 4, 1), datetime.date(2021, 3, 31))
    settings.LOTI_FIRST_YEAR = 1990  # the century turns
    assert parse_year_label("1999/00") == (datetime.date(1999, 4, 1), datetime.date(2000, 3, 31))
    for bad in ["2020/22", "2020-21", "20/21", ""]:
        with pytest.raises(ValueError, match="is not a financial year"):
            parse_year_label(bad)


@pytest.mark.django_db
def test_a_financial_year_is_created_on_first_use_and_only_once():
    first = financial_year_get_or_create(label="2031/32")
    again = financial_year_get_or_create(label="2031/32")
    assert first.pk == again.pk
    assert (first.start_date, first.end_date) == (datetime.date(2031, 4, 1), datetime.date(2032, 3, 31))


@pytest.mark.django_db
def test_the_database_refuses_overlapping_financial_years():
    financial_year_get_or_create(label="2020/21")
    with pytest.raises(IntegrityError):
        FinancialYear.objects.create(label="2020/22", start_date=datetime.date(2020, 10, 1), end_date=datetime.date(2021, 9, 30))


def test_migrations_are_complete():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run", "--settings=loti.settings.test"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_pass_the_deploy_check():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "loti.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-key-for-the-check-" + "x" * 20,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/loti",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "ALLOWED_HOSTS": "portal.loti.london",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

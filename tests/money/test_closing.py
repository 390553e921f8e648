"""Closing a year: it freezes, its balance is carried forward, and every later write to it is refused, by the
services, the commands, the import, the admin and the database alike."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from budget.models import BudgetLine, Instalment, LedgerEntry, Payment, YearClosing
from budget.services.grants import agreement_terminate
from budget.services.invoicing import invoice_credit, invoices_issue
from budget.services.ledger import ledger_entry_record
from budget.services.payments import payment_record
from budget.services.years import year_close
from loti.imports import run_import
from loti.models import FinancialYear
from loti.services import financial_year_get_or_create

CLOSED = "2020/21 is closed"


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_close_year_carries_the_balance_and_twice_changes_nothing(books):
    assert "£55,096.33 brought forward into 2021/22" in command("close_year", "--year", "2020/21")
    carried = BudgetLine.objects.get(year__label="2021/22", name="Balance brought forward from 2020/21")
    assert (carried.section, str(carried.amount), carried.actuals_from) == ("income", "55096.33", "brought_forward")
    closing = YearClosing.objects.get(year=books.year)
    history = closing.history.count()

    assert "already closed; nothing changed" in command("close_year", "--year", "2020/21")
    assert BudgetLine.objects.filter(year__label="2021/22").count() == 1
    assert closing.history.count() == history
    # The closed year's report says so, and its forecast is its actual.
    from budget.selectors.report import budget_report

    report = budget_report(year=books.year)
    assert report.closed and report.forecast_funds_remaining == report.actual_funds_remaining
    # The next year's report counts the balance brought forward as actual income.
    assert budget_report(year=FinancialYear.objects.get(label="2021/22")).actual_income_total == carried.amount


def test_a_dry_run_changes_nothing(books):
    assert "Would close 2020/21 with a balance of £55,096.33" in command("close_year", "--year", "2020/21", "--dry-run")
    assert not YearClosing.objects.exists() and not FinancialYear.objects.filter(label="2021/22", budget_lines__isnull=False).exists()


def test_a_deficit_is_carried_as_expenditure(books):
    ledger_entry_record(
        line=books.lines.personnel, date=datetime.date(2021, 1, 5), counterparty="Payroll", amount="100000.00", reference="P-3"
    )
    year_close(year=books.year)
    deficit = BudgetLine.objects.get(year__label="2021/22", name="Deficit brought forward from 2020/21")
    assert (deficit.section, str(deficit.amount), deficit.actuals_from) == ("expenditure", "44903.67", "brought_forward")


def test_writes_to_a_closed_year_are_refused_by_every_service(books):
    year_close(year=books.year)
    with pytest.raises(ValidationError, match=CLOSED):
        ledger_entry_record(line=books.lines.personnel, date=datetime.date(2020, 6, 1), counterparty="X", amount="1", reference="P-9")
    with pytest.raises(ValidationError, match=CLOSED):
        payment_record(
            invoice=books.invoices["Richmond upon Thames"], amount="100.00", received_on=datetime.date(2020, 6, 1), reference="B"
        )
    with pytest.raises(ValidationError, match=CLOSED):
        invoice_credit(invoice=books.invoices["Richmond upon Thames"], reason="mistake", by=books.user)
    with pytest.raises(ValidationError, match=CLOSED):
        invoices_issue(year=books.year)
    assert LedgerEntry.objects.filter(year=books.year).count() == 6 and Payment.objects.count() == 2


def test_terminating_an_agreement_cannot_cancel_a_closed_years_instalment(books):
    later = financial_year_get_or_create(label="2021/22")
    Instalment.objects.create(agreement=books.gla_grant, year=later, amount=100000)
    year_close(year=books.year)
    call_command("close_year", "--year", "2021/22", stdout=io.StringIO())
    with pytest.raises(ValidationError, match="2021/22 is closed"):
        agreement_terminate(agreement=books.gla_grant, on=datetime.date(2020, 9, 1), by=books.user)


def test_the_database_refuses_what_bypasses_the_services(books):
    year_close(year=books.year)
    for statement in [
        "UPDATE budget_ledgerentry SET amount = amount + 1 WHERE reference = 'P-1'",
        "UPDATE budget_budgetline SET amount = 1 WHERE name = 'Personnel'",
        "UPDATE budget_instalment SET status = 'received' WHERE amount = 100000",
        "DELETE FROM budget_payment",
        "UPDATE budget_invoice SET net = 1, gross = 1, vat = 0",
    ]:
        with pytest.raises(IntegrityError, match="2020/21 is closed"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    # What is not money passes: a line's commentary, an invoice's reminder date.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE budget_budgetline SET commentary = 'Explained' WHERE name = 'Personnel'")
        cursor.execute("UPDATE budget_invoice SET last_reminded_at = now()")
    assert BudgetLine.objects.get(name="Personnel").commentary == "Explained"


def test_import_refuses_any_row_for_a_closed_year_even_an_unchanged_one(books):
    year_close(year=books.year)
    existing = "year,budget_line,date,counterparty,description,amount,reference\n2020/21,Personnel,2020-04-30,Supplier,,60000.10,P-1\n"
    outcome = run_import(kind="ledger", data=existing.encode(), filename="l.csv", fmt="csv", via="command", dry_run=False)
    assert [str(problem) for problem in outcome.problems] == [
        "line 2: year: 2020/21 is closed: its ledger cannot be added or changed. Reopen 2020/21 first (reopen_year)."
    ]
    lines = "year,section,name,amount,status\n2020/21,expenditure,Personnel,1.00,estimated\n"
    outcome = run_import(kind="budget-lines", data=lines.encode(), filename="b.csv", fmt="csv", via="command", dry_run=False)
    assert CLOSED in str(outcome.problems[0])
    instalments = "agreement,year,amount,status\nLondon Councils contribution,2020/21,100000.00,received\n"
    outcome = run_import(kind="instalments", data=instalments.encode(), filename="i.csv", fmt="csv", via="command", dry_run=False)
    assert CLOSED in str(outcome.problems[0])
    number = books.invoices["Richmond upon Thames"].number
    payments = f"invoice_number,amount,received_on,reference\n{number},100.00,2020-06-01,BACS-9\n"
    outcome = run_import(kind="payments", data=payments.encode(), filename="p.csv", fmt="csv", via="command", dry_run=False)
    assert CLOSED in str(outcome.problems[0]) and outcome.problems[0].line == 2
    assert Payment.objects.count() == 2


def test_the_commands_refuse_too(books):
    call_command("close_year", "--year", "2020/21", stdout=io.StringIO())
    with pytest.raises(CommandError, match=CLOSED):
        call_command("issue_invoices", "--year", "2020/21", stdout=io.StringIO())


def test_reopen_is_recorded_with_who_and_why_and_writes_work_again(books):
    year_close(year=books.year, by=books.user)
    with pytest.raises(CommandError, match="--reason"):
        call_command("reopen_year", "--year", "2020/21")
    command("reopen_year", "--year", "2020/21", "--reason", "Late payroll journal")
    closing = YearClosing.objects.get(year=books.year)
    assert not closing.closed and closing.reopen_reason == "Late payroll journal"
    assert closing.history.first().history_change_reason == "Reopened: Late payroll journal"
    ledger_entry_record(line=books.lines.personnel, date=datetime.date(2020, 6, 1), counterparty="X", amount="1.00", reference="P-9")
    # Closing again brings the balance brought forward up to date (55,096.33 − 1.00).
    year_close(year=books.year)
    assert str(BudgetLine.objects.get(year__label="2021/22", name="Balance brought forward from 2020/21").amount) == "55095.33"
    with pytest.raises(CommandError, match="is not closed"):
        command("reopen_year", "--year", "2021/22", "--reason", "x")


def test_admin_close_action_asks_first_then_closes(books, staff_client):
    from budget.models import ClosableYear

    url = "/admin/budget/closableyear/"
    form = {"action": "close_years", "_selected_action": [books.year.pk]}
    page = staff_client.post(url, form)
    assert page.status_code == 200 and "£55,096.33" in page.content.decode() and "Yes, close 1 year" in page.content.decode()
    assert not YearClosing.objects.exists()
    staff_client.post(url, {**form, "apply": "1"})
    assert YearClosing.objects.get(year=books.year).closed
    assert ClosableYear.objects.get(pk=books.year.pk).closing.closed_by.username == "staff"
    reopen = staff_client.post(url, {"action": "reopen_years", "_selected_action": [books.year.pk], "apply": "1", "reason": ""})
    assert reopen.status_code == 200 and YearClosing.objects.get(year=books.year).closed  # a reason is needed


def test_admin_refuses_a_change_to_a_closed_year_but_takes_commentary(books, staff_client):
    year_close(year=books.year)
    line = books.lines.personnel
    url = f"/admin/budget/budgetline/{line.pk}/change/"
    data = {
        "year": line.year_id,
        "section": "expenditure",
        "name": "Personnel",
        "amount": "1.00",
        "status": "estimated",
        "pillar": "",
        "position": 1,
        "actuals_from": "ledger",
        "funding_agreement": "",
        "commentary": "",
    }
    page = staff_client.post(url, data)
    assert page.status_code == 200 and CLOSED in page.content.decode()
    staff_client.post(url, {**data, "amount": "150000.00", "commentary": "Two posts were vacant until June."})
    line.refresh_from_db()
    assert line.amount == 150000 and line.commentary == "Two posts were vacant until June."
    ledger = staff_client.post(
        "/admin/budget/ledgerentry/add/",
        {"budget_line": line.pk, "date": "2020-06-01", "counterparty": "X", "description": "", "amount": "5.00", "reference": "Z-1"},
    )
    assert ledger.status_code == 200 and CLOSED in ledger.content.decode()
    assert not LedgerEntry.objects.filter(reference="Z-1").exists()

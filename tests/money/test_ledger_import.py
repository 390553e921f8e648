"""import_data ledger: every refusal names its line and nothing is written; the same file twice changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from budget.models import BudgetLine, LedgerEntry
from loti.imports import run_import
from loti.models import FinancialYear
from loti.services import financial_year_get_or_create

HEADER = "year,budget_line,date,counterparty,description,amount,reference\n"
GOOD = HEADER + (
    "2020/21,Personnel,2020-08-31,London Councils payroll,August salaries,12500.00,P-10\n"
    "2020/21,Events,2020-09-01,Venue Ltd,Refund of deposit,-500.00,E-10\n"
    "2020/21,Sponsorship,2020-09-02,Sponsor plc,,1000.00,S-10\n"
)


def run(text: str, *, dry_run: bool = False):
    return run_import(kind="ledger", data=text.encode(), filename="ledger.csv", fmt="csv", via="command", dry_run=dry_run)


def test_the_same_file_twice_changes_nothing(books):
    first = run(GOOD)
    assert (first.new, first.updated, first.unchanged) == (3, 0, 0) and first.ok
    count, history = LedgerEntry.objects.count(), LedgerEntry.history.count()
    second = run(GOOD)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 3) and second.ok
    assert LedgerEntry.objects.count() == count and LedgerEntry.history.count() == history
    refund = LedgerEntry.objects.get(reference="E-10")
    assert str(refund.amount) == "-500.00" and refund.budget_line == books.lines.events


def test_every_bad_row_is_named_and_nothing_is_written(books):
    financial_year_get_or_create(label="2021/22")
    bad = HEADER + (
        "2020/21,Personnel,2020-08-31,Payroll,,12500.00,P-10\n"  # good, but the file has bad rows: not written
        "2020/21,Catering,2020-08-31,Caterer,,10.00,X-1\n"  # no such line
        "2020/21,Smarter London,2020-08-31,Supplier,,10.00,X-2\n"  # an allocation
        "2020/21,Borough Contributions,2020-08-31,Camden,,10.00,X-3\n"  # fee-backed income
        "2020/21,GLA,2020-08-31,GLA,,10.00,X-4\n"  # funder-backed income
        "2020/21,Balance brought forward from 2019/20,2020-08-31,LOTI,,10.00,X-5\n"  # brought forward
        "2020/21,Personnel,2021-04-01,Payroll,,10.00,X-6\n"  # after the year
        "2020/21,Personnel,2020-08-31,Payroll,,0.00,X-7\n"  # zero
        "2020/21,Personnel,2020-04-30,Supplier,,60000.11,P-1\n"  # P-1 is recorded as 60,000.10
        "2020/21,Personnel,2020-08-31,Payroll,,10.00,\n"  # no reference
        "2020/21,Personnel,31/08/2020,Payroll,,ten,X-9\n"  # a bad date and amount
    )
    before = LedgerEntry.objects.count()
    outcome = run(bad)
    problems = {problem.line: problem.reason for problem in outcome.problems}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert problems[3] == "budget_line: 2020/21 has no budget line called 'Catering'"
    assert "'Smarter London' is an allocation" in problems[4]
    assert "membership fee invoices" in problems[5] and "Borough Contributions" in problems[5]
    assert "funder's instalments" in problems[6]
    assert "balance brought forward" in problems[7]
    assert problems[8] == "date: 2021-04-01 is not in 2020/21 (2020-04-01 to 2021-03-31)"
    assert "amount: an entry of 0.00 records nothing" in problems[9]
    assert "'P-1' is already in the 2020/21 ledger as £60,000.10" in problems[10]
    assert "reference" in problems[11]
    assert "date" in problems[12] and "amount" in problems[12]
    assert LedgerEntry.objects.count() == before


def test_a_reference_is_unique_within_a_year_not_across_years(books):
    other = financial_year_get_or_create(label="2021/22")
    BudgetLine.objects.create(year=other, section="expenditure", name="Personnel", amount=1000, status="estimated")
    outcome = run(HEADER + "2021/22,Personnel,2021-05-01,Payroll,,100.00,P-1\n")  # P-1 is also a 2020/21 reference
    assert outcome.ok and LedgerEntry.objects.filter(reference="P-1").count() == 2
    repeated = run(HEADER + "2020/21,Personnel,2020-08-01,Payroll,,1.00,Q-1\n2020/21,Events,2020-08-02,Venue,,2.00,Q-1\n")
    assert [problem.line for problem in repeated.problems] == [3]


def test_the_command_and_a_dry_run(books, tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text(GOOD)
    out = io.StringIO()
    call_command("import_data", "ledger", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert not LedgerEntry.objects.filter(reference="P-10").exists()
    call_command("import_data", "ledger", str(path), stdout=out, stderr=io.StringIO())
    assert LedgerEntry.objects.filter(reference__in=["P-10", "E-10", "S-10"]).count() == 3
    path.write_text(HEADER + "2020/21,Nothing,2020-08-31,X,,1.00,N-1\n")
    with pytest.raises(CommandError):
        call_command("import_data", "ledger", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_budget_lines_take_actuals_from(books):
    text = (
        "year,section,name,amount,status,pillar,actuals_from,funding_agreement\n"
        "2021/22,income,London Councils,100000.00,,,funding_agreement,London Councils contribution\n"
        "2021/22,income,Sponsorship,5000.00,,,,\n"
        "2021/22,expenditure,Personnel,1000.00,estimated,,,\n"
        "2021/22,income,GLA,100000.00,,,funding_agreement,\n"
        "2021/22,expenditure,Fees,1.00,estimated,,membership_fees,\n"
    )
    outcome = run_import(kind="budget-lines", data=text.encode(), filename="b.csv", fmt="csv", via="command", dry_run=False)
    problems = {problem.line: problem.reason for problem in outcome.problems}
    assert "funding_agreement: name the funding agreement" in problems[5]
    assert "expenditure's actuals are ledger entries" in problems[6]
    good = "\n".join(text.splitlines()[:4]) + "\n"
    outcome = run_import(kind="budget-lines", data=good.encode(), filename="b.csv", fmt="csv", via="command", dry_run=False)
    assert outcome.ok
    assert dict(BudgetLine.objects.filter(year__label="2021/22").values_list("name", "actuals_from")) == {
        "London Councils": "funding_agreement",
        "Sponsorship": "ledger",
        "Personnel": "ledger",
    }
    again = run_import(kind="budget-lines", data=good.encode(), filename="b.csv", fmt="csv", via="command", dry_run=False)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)


def test_exporting_a_year_not_held_creates_nothing(db):
    out = io.StringIO()
    call_command("export_data", "budget-lines", "--year", "2055/56", stdout=out)
    assert out.getvalue().splitlines() == ["year,section,name,amount,status,pillar,actuals_from,funding_agreement"]
    assert not FinancialYear.objects.filter(label="2055/56").exists()
    call_command("export_data", "ledger", "--year", "2055/56", stdout=io.StringIO())
    assert not FinancialYear.objects.exists()

"""Big files: an import's queries do not grow with its rows, and writing the rows together keeps every promise a
small import makes (each bad row named, nothing written on any problem, history of who changed the money)."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection

from budget.models import BudgetLine
from loti.imports import run_import
from loti.models import ImportRecord
from loti.services import financial_year_get_or_create
from members.models import Membership, Organisation

from . import conftest as make

pytestmark = pytest.mark.django_db

YEARS = ["2020/21", "2021/22", "2022/23", "2023/24"]
BATCH = 1000  # LotiResource.write_batch: rows per INSERT or UPDATE statement
# Rows are written BATCH to a statement, with their history rows; 2,000 rows take one more batch than 200 for the
# rows and one more for their history. Anything per row would add thousands.
EXTRA_QUERIES_FOR_MORE_BATCHES = 2


def table(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def budget_lines(count: int, *, prefix="Line", amount="1000.50") -> bytes:
    pillars = ["Covid Recovery", "Smarter London"]
    rows = []
    for i in range(count):
        section = ["income", "expenditure", "allocation"][i % 3]
        rows.append(
            [
                YEARS[i % len(YEARS)],
                section,
                f"{prefix} {i:05d}",
                amount,
                "committed" if section == "expenditure" else "",
                pillars[i % 2] if section == "allocation" else "",
            ]
        )
    return table(["year", "section", "name", "amount", "status", "pillar"], rows)


def organisations(count: int, *, prefix="Organisation") -> bytes:
    return table(
        ["name", "kind", "gss_code", "email_domains"],
        [[f"{prefix} {i:05d}", "funder", "", f"org{i}.example.org"] for i in range(count)],
    )


def memberships(count: int, *, prefix="Organisation") -> bytes:
    return table(
        ["organisation", "tier", "start_date", "end_date", "local_digital_declaration_signed"],
        [[f"{prefix} {i:05d}", "core", "2020-04-01", "2021-03-31", ""] for i in range(count)],
    )


def imported(kind: str, data: bytes, *, user=None, dry_run=False, filename="file.csv"):
    """The import's outcome and how many statements it sent (savepoints included).

    Counted with an execute wrapper: Django's CaptureQueriesContext keeps only the last 9,000 queries.
    """
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        outcome = run_import(kind=kind, data=data, filename=filename, fmt="csv", user=user, via="command", dry_run=dry_run)
    return outcome, statements


@pytest.fixture
def plan_reference(db):
    make.pillar("Covid Recovery")
    make.pillar("Smarter London")
    for label in YEARS:
        financial_year_get_or_create(label=label)


def test_budget_lines_take_the_same_queries_for_2000_rows_as_for_200(plan_reference):
    small, small_queries = imported("budget-lines", budget_lines(200, prefix="Small"))
    big, big_queries = imported("budget-lines", budget_lines(2000, prefix="Big"))

    assert (small.ok, small.new, big.ok, big.new) == (True, 200, True, 2000)
    assert big_queries <= small_queries + EXTRA_QUERIES_FOR_MORE_BATCHES, (small_queries, big_queries)
    assert BudgetLine.objects.count() == 2200
    assert BudgetLine.history.count() == 2200


def test_importing_2000_budget_lines_again_reads_them_in_a_few_queries_and_writes_nothing(plan_reference):
    data = budget_lines(2000)
    imported("budget-lines", data)
    before = list(BudgetLine.objects.order_by("pk").values())
    history_before = BudgetLine.history.count()

    again, queries = imported("budget-lines", data)

    assert (again.ok, again.new, again.updated, again.unchanged) == (True, 0, 0, 2000)
    assert queries < 20, queries
    assert list(BudgetLine.objects.order_by("pk").values()) == before
    assert BudgetLine.history.count() == history_before


def test_a_dry_run_of_2000_rows_checks_them_in_a_few_queries_and_writes_nothing(plan_reference):
    outcome, queries = imported("budget-lines", budget_lines(2000), dry_run=True)
    assert (outcome.ok, outcome.new, outcome.written) == (True, 2000, False)
    assert queries < 30, queries
    assert BudgetLine.objects.count() == 0 and BudgetLine.history.count() == 0


def test_organisations_and_their_memberships_take_the_same_queries_for_2000_rows_as_for_200(db):
    _, small_queries = imported("organisations", organisations(200, prefix="Small"))
    big, big_queries = imported("organisations", organisations(2000, prefix="Big"))
    assert big.new == 2000
    assert big_queries <= small_queries + EXTRA_QUERIES_FOR_MORE_BATCHES, (small_queries, big_queries)
    assert Organisation.objects.filter(slug="big-01999").exists()

    _, small_queries = imported("memberships", memberships(200, prefix="Small"))
    big, big_queries = imported("memberships", memberships(2000, prefix="Big"))
    assert big.new == 2000
    assert big_queries <= small_queries + EXTRA_QUERIES_FOR_MORE_BATCHES, (small_queries, big_queries)
    assert Membership.objects.count() == 2200


def test_rows_the_database_refuses_among_many_good_ones_are_named_and_nothing_is_written(db):
    hackney = make.organisation("Hackney", "E09000012")
    # Two organisations may not share a GSS code. Only the database's unique constraint compares rows for this,
    # and it sees the file's rows when they are written together: each refused row is still named, the later
    # of two rows of the file that clash, as if the rows had been written one by one in the file's order.
    rows = organisations(1500).decode().splitlines(keepends=True)
    rows[700] = "Enfield,london_borough,E09000010,enfield.gov.uk\n"  # line 701
    data = "".join(rows) + "Islington,london_borough,E09000012,islington.gov.uk\nBarnet,london_borough,E09000010,\n"

    outcome, queries = imported("organisations", data.encode(), filename="organisations.csv")

    assert [str(problem) for problem in outcome.problems] == [
        "line 1502: gss_code: Organisation with this GSS code already exists.",
        "line 1503: gss_code: Organisation with this GSS code already exists.",
    ]
    assert queries < 300, queries  # halves written until the refused rows are found, not a query per row
    assert not outcome.written
    assert list(Organisation.objects.all()) == [hackney]
    assert ImportRecord.objects.count() == 0


def test_memberships_overlapping_each_other_in_one_file_are_named_by_line(db):
    imported("organisations", organisations(300))
    rows = memberships(300).decode() + "Organisation 00007,core,2020-10-01,,\n"

    outcome, _ = imported("memberships", rows.encode())

    assert [str(problem) for problem in outcome.problems] == [
        (
            "line 302: it overlaps another membership of this organisation; "
            "end the earlier membership first (one membership per organisation at a time)"
        )
    ]
    assert Membership.objects.count() == 0


def test_bulk_writes_record_who_changed_the_money_and_why(plan_reference, staff_user):
    imported("budget-lines", budget_lines(1500), user=staff_user, filename="plan.csv")
    changed = budget_lines(1500, amount="2000.00")

    again, _ = imported("budget-lines", changed, user=staff_user, filename="plan-revised.csv")

    assert (again.new, again.updated) == (0, 1500)
    assert BudgetLine.objects.filter(amount=Decimal("2000.00")).count() == 1500
    line = BudgetLine.objects.get(name="Line 00042")
    assert [
        (change.history_type, change.amount, change.history_user, change.history_change_reason)
        for change in line.history.order_by("history_id")
    ] == [
        ("+", Decimal("1000.50"), staff_user, "Imported from plan.csv"),
        ("~", Decimal("2000.00"), staff_user, "Imported from plan-revised.csv"),
    ]
    assert ImportRecord.objects.filter(imported_by=staff_user).count() == 2

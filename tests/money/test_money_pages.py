"""The money pages in the admin and the portal: aged debt, unexplained variances, the ledger's import, and the
budget page showing the report's figures."""

import datetime

from django.urls import reverse

from budget.models import BudgetLine
from budget.services.years import year_close


def test_aged_debt_admin_lists_overdue_invoices_by_band(books, staff_client, monkeypatch):
    from django.utils import timezone

    # Due 1 May 2020; on 15 April nothing is overdue yet: the list is empty but the bands are there.
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2020, 4, 15))
    page = staff_client.get("/admin/budget/debtinvoice/").content.decode()
    assert "Over 90 days" in page and "Richmond" not in page.split("<tbody>")[-1]


def test_aged_debt_admin_after_the_due_date(books, staff_client, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2020, 7, 15))
    page = staff_client.get("/admin/budget/debtinvoice/").content.decode()
    assert "Richmond upon Thames" in page and "£17,000.00" in page and "61–90 days" in page
    banded = staff_client.get("/admin/budget/debtinvoice/", {"band": "2"}).content.decode()
    assert "Richmond upon Thames" in banded
    assert (
        "Richmond upon Thames"
        not in staff_client.get("/admin/budget/debtinvoice/", {"band": "0"}).content.decode().split("result_list")[-1]
    )


def test_admin_lists_lines_that_need_commentary(books, staff_client):
    page = staff_client.get("/admin/budget/budgetline/", {"commentary": "needed"}).content.decode()
    for name in ("Borough Contributions", "London Councils", "Personnel", "Events"):
        assert f">{name}<" in page, name
    assert ">Website<" not in page and ">Sponsorship<" not in page
    BudgetLine.objects.filter(name="Personnel").update(commentary="Two posts vacant until June.")
    assert ">Personnel<" not in staff_client.get("/admin/budget/budgetline/", {"commentary": "needed"}).content.decode()


def test_ledger_admin_has_an_import_with_a_template(books, staff_client):
    assert staff_client.get("/admin/budget/ledgerentry/import/").status_code == 200
    template = staff_client.get("/admin/budget/ledgerentry/import-template/").content.decode()
    assert template.splitlines()[0] == "year,budget_line,date,counterparty,description,amount,reference"
    added = staff_client.post(
        "/admin/budget/ledgerentry/add/",
        {
            "budget_line": books.lines.personnel.pk,
            "date": "2020-10-01",
            "counterparty": "Payroll",
            "description": "",
            "amount": "-12.34",
            "reference": "P-20",
        },
    )
    assert added.status_code == 302
    assert str(books.lines.personnel.ledger_entries.get(reference="P-20").amount) == "-12.34"
    # The import's rules, said on the form: a fee-backed line, a date outside the year, a reused reference.
    refused = staff_client.post(
        "/admin/budget/ledgerentry/add/",
        {
            "budget_line": books.lines.fees.pk,
            "date": "2021-10-01",
            "counterparty": "Camden",
            "description": "",
            "amount": "1.00",
            "reference": "P-20",
        },
    ).content.decode()
    assert "membership fee invoices" in refused and "is not in 2020/21" in refused and "already in the 2020/21 ledger" in refused


def test_budget_page_shows_the_reports_figures(books, staff_client):
    page = staff_client.get(reverse("reports:budget-year", kwargs={"year": "2020-21"})).content.decode()
    for words in (
        "£52,500.00",
        "+£22,500.00",
        "£38,333.33 received",
        "£167,346.17",
        "£101,345.68",
        "Smarter London",
        "Key messages",
        "No commentary yet on this variance.",
    ):
        assert words in page, words
    year_close(year=books.year)
    assert "2020/21 is closed" in staff_client.get(reverse("reports:budget-year", kwargs={"year": "2020-21"})).content.decode()


def test_notes_for_celc_requested_with_a_run_are_printed_on_page_one(books, staff_client, settings):
    from budget.models import ReportRun
    from budget.services.reports import report_produce
    from tests.reports.pdf_reading import pdf_text

    staff_client.post(
        "/admin/budget/reportrun/add/", {"kind": "budget", "year": "2020/21", "notes": "CELC is asked to agree the carry-forward."}
    )
    run = ReportRun.objects.get(year=books.year)
    assert run.notes == "CELC is asked to agree the carry-forward."
    run = report_produce(run_id=run.pk)
    with run.pdf.open("rb") as handle:
        assert "CELC is asked to agree the carry-forward." in pdf_text(handle.read())

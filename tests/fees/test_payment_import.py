"""The finance system's CSV of payments: matched by invoice number; one bad row and nothing is written."""

import datetime
from decimal import Decimal

import pytest
import tablib

from budget.models import Payment, PaymentSource
from budget.resources.fees import PaymentResource
from budget.selectors.invoices import invoice_for
from budget.services.invoicing import invoices_issue
from loti.imports import resource_for
from loti.models import ImportRecord

pytestmark = pytest.mark.django_db

HEADERS = "invoice_number,amount,received_on,reference\n"


def dataset(text: str) -> tablib.Dataset:
    return tablib.Dataset().load(HEADERS + text, format="csv")


@pytest.fixture
def issued(members):
    return invoices_issue(year=members.year, issued_on=datetime.date(2020, 4, 1))


def run(text: str, *, user=None, dry_run=False):
    return resource_for("payments")().import_data(dataset(text), dry_run=dry_run, raise_errors=False, user=user)


def test_payments_are_matched_by_invoice_number(members, issued, staff_user):
    result = run(
        "INV-2020-21-0001,36000.00,2020-04-28,FIN-1001\nINV-2020-21-0002,10000.00,2020-05-03,FIN-1002\n",
        user=staff_user,
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert invoice_for(organisation=members.camden, year=members.year).status == "paid"
    richmond = invoice_for(organisation=members.richmond, year=members.year)
    assert (richmond.paid, richmond.balance) == (Decimal("10000.00"), Decimal("17000.00"))
    payment = Payment.objects.get(reference="FIN-1002")
    assert (payment.source, payment.recorded_by, payment.received_on) == (PaymentSource.IMPORT, staff_user, datetime.date(2020, 5, 3))
    assert payment.history.get().history_user == staff_user


def test_one_bad_row_writes_nothing_and_names_the_row(issued):
    result = run(
        "INV-2020-21-0001,36000.00,2020-04-28,FIN-1001\n"
        "INV-2020-21-0099,500.00,2020-04-28,FIN-1002\n"
        "INV-2020-21-0003,27000.00,2020-04-29,FIN-1003\n"
    )
    assert result.has_validation_errors()
    [bad] = result.invalid_rows
    assert bad.number == 2
    assert bad.field_specific_errors == {"invoice": ["there is no invoice with the number 'INV-2020-21-0099'"]}
    assert not Payment.objects.exists()


def test_two_rows_that_together_overpay_are_refused(issued):
    result = run("INV-2020-21-0002,20000.00,2020-04-28,FIN-2001\nINV-2020-21-0002,7000.01,2020-05-28,FIN-2002\n")
    [bad] = result.invalid_rows
    assert bad.number == 2
    assert bad.field_specific_errors["amount"] == ["£7,000.01 would overpay INV-2020-21-0002: only £7,000.00 is outstanding."]
    assert not Payment.objects.exists()


def test_bad_amounts_and_dates_are_reported_per_field(issued):
    result = run("INV-2020-21-0001,lots,28/04/2020,FIN-1\n")
    [bad] = result.invalid_rows
    assert bad.field_specific_errors == {
        "amount": ["'lots' is not a number"],
        "received_on": ["'28/04/2020' is not a date written YYYY-MM-DD"],
    }
    assert not Payment.objects.exists()


def test_the_same_file_imported_twice_records_each_payment_once(issued):
    text = "INV-2020-21-0001,36000.00,2020-04-28,FIN-1001\n"
    assert not run(text).has_validation_errors()
    again = run(text)
    assert not again.has_errors() and not again.has_validation_errors()
    assert again.totals["skip"] == 1
    assert Payment.objects.count() == 1
    changed = run("INV-2020-21-0001,35000.00,2020-04-28,FIN-1001\n")
    assert "never changes a recorded payment" in changed.invalid_rows[0].field_specific_errors["reference"][0]


def test_a_dry_run_writes_nothing_and_shows_what_would_be_new(issued):
    result = run("INV-2020-21-0001,36000.00,2020-04-28,FIN-1001\n", dry_run=True)
    assert result.totals["new"] == 1
    assert not Payment.objects.exists()


def test_the_payments_kind_exports_the_columns_it_imports(issued, staff_user):
    run("INV-2020-21-0003,100.50,2020-06-01,FIN-9\n", user=staff_user)
    exported = PaymentResource().export()
    assert exported.headers == ["invoice_number", "amount", "received_on", "reference"]
    assert list(exported[0]) == ["INV-2020-21-0003", "100.50", "2020-06-01", "FIN-9"]


def test_the_admin_import_checks_first_and_imports_only_a_clean_file(issued, staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from budget.admin.fees import PaymentAdmin

    formats = PaymentAdmin(Payment, None).get_import_formats()  # type: ignore[arg-type]  # no site is needed to list them
    csv_index = next(i for i, f in enumerate(formats) if f().get_title() == "csv")
    bad = SimpleUploadedFile("payments.csv", (HEADERS + "INV-2020-21-0001,36000.00,2020-04-28,A\nNOPE,1.00,2020-04-28,B\n").encode())
    response = staff_client.post("/admin/budget/payment/import/", {"import_file": bad, "format": csv_index})
    assert response.status_code == 200
    assert "there is no invoice with the number &#x27;NOPE&#x27;" in response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Payment.objects.exists()

    good = SimpleUploadedFile("payments.csv", (HEADERS + "INV-2020-21-0001,36000.00,2020-04-28,A\n").encode())
    response = staff_client.post("/admin/budget/payment/import/", {"import_file": good, "format": csv_index})
    confirm = response.context["confirm_form"]
    assert not Payment.objects.exists()  # the first step only checks
    response = staff_client.post("/admin/budget/payment/process_import/", {**confirm.initial})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.source, payment.recorded_by.email) == (Decimal("36000.00"), "import", "staff@loti.london")
    record = ImportRecord.objects.get()
    assert (record.kind, record.filename, record.via, record.rows_new) == ("payments", "payments.csv", "admin", 1)


def test_a_payment_without_the_finance_reference_is_refused(issued):
    result = run("INV-2020-21-0001,100.00,2020-04-28,\n")
    [bad] = result.invalid_rows
    assert "reference is needed" in bad.field_specific_errors["reference"][0]
    assert not Payment.objects.exists()


@pytest.mark.parametrize("kind, changelist", [("payments", "/admin/budget/payment/"), ("instalments", "/admin/budget/instalment/")])
def test_the_fees_lists_link_a_csv_template_that_imports(kind, changelist, members, staff_client):
    page = staff_client.get(changelist).content.decode()
    assert f'href="{changelist}import-template/"' in page and f"{changelist}import/" in page
    template = staff_client.get(f"{changelist}import-template/")
    assert template["Content-Disposition"] == f'attachment; filename="{kind}-template.csv"'
    assert template.content.decode().splitlines()[0] == ",".join(resource_for(kind).columns())


def test_a_payment_dated_before_its_invoice_is_refused(issued):
    result = run("INV-2020-21-0001,36000.00,2020-03-31,FIN-1001\n")
    [bad] = result.invalid_rows
    assert bad.field_specific_errors == {
        "received_on": ["received on 2020-03-31, before INV-2020-21-0001 was issued on 2020-04-01; check the date and the invoice number"]
    }
    assert not Payment.objects.exists()
    # The day of issue itself is fine.
    assert not run("INV-2020-21-0001,36000.00,2020-04-01,FIN-1001\n").has_validation_errors()


def test_every_problem_of_a_row_is_reported_at_once(issued):
    # Too much, and too early, on one row: both said.
    [bad] = run("INV-2020-21-0001,99000.00,2019-12-25,FIN-1\n").invalid_rows
    assert set(bad.field_specific_errors) == {"amount", "received_on"}
    assert "would overpay INV-2020-21-0001" in bad.field_specific_errors["amount"][0]
    assert "before INV-2020-21-0001 was issued" in bad.field_specific_errors["received_on"][0]
    # An unreadable amount does not hide a date before the invoice.
    [bad] = run("INV-2020-21-0001,lots,2019-12-25,FIN-1\n").invalid_rows
    assert bad.field_specific_errors["amount"] == ["'lots' is not a number"]
    assert "before INV-2020-21-0001 was issued" in bad.field_specific_errors["received_on"][0]
    # No reference, a bad amount and a bad date: all three.
    [bad] = run("INV-2020-21-0001,lots,28/04/2020,\n").invalid_rows
    assert set(bad.field_specific_errors) == {"reference", "amount", "received_on"}
    assert not Payment.objects.exists()

"""Issued invoices go to the borough's accounts payable as a PDF, after commit, recorded on the invoice; failures retried and shown."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from budget.models import Invoice
from budget.services.invoice_pdf import invoice_pdf
from budget.services.invoice_sending import SEND_ATTEMPTS, InvoiceSendError, invoice_send
from budget.services.invoicing import invoice_credit, invoices_issue
from budget.tasks.invoices import send_invoice_to_finance
from members.models import User

from .backends import FlakyBackend

pytestmark = pytest.mark.django_db
ISSUED_ON = datetime.date(2020, 4, 1)


def finance_mail():
    return [message for message in mail.outbox if message.to == ["ap.invoices@camden.example"]]


@pytest.fixture
def officer(billed):
    return User.objects.create_user(
        username="zoe",
        email="zoe@camden.example",
        password="x",
        organisation=billed.camden,
        organisation_approved_at=timezone.now(),
        first_name="Zoë",
    )


@pytest.fixture
def issue(billed, django_capture_on_commit_callbacks):
    def issue():
        with django_capture_on_commit_callbacks(execute=True):
            invoices_issue(year=billed.year, issued_on=ISSUED_ON)
        return Invoice.objects.get(organisation=billed.camden)

    return issue


def test_nothing_is_sent_before_the_issue_commits(billed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issued = invoices_issue(year=billed.year, issued_on=ISSUED_ON)
    # Each invoice's sending and the officers' notice wait for the commit; nothing has gone yet.
    assert len(callbacks) == len(issued) + 1 and mail.outbox == []


def test_the_borough_finance_team_gets_the_invoice_pdf_and_it_is_recorded(issue, billed):
    invoice = issue()
    [message] = finance_mail()
    assert message.subject == "Invoice INV-2020-21-0001 from London Councils (test): £36,000.00 due 1 May 2020"
    assert message.reply_to == ["invoice.queries@loti.example"]
    assert "Purchase order: PO/CAMDEN/DIGITAL-2020-21/LOTI-MEMBERSHIP-0001234567-REV02" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("INV-2020-21-0001.pdf", "application/pdf")
    assert content == invoice_pdf(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.sent_to == "ap.invoices@camden.example" and invoice.sent_at is not None
    assert invoice.send_attempts == 1 and invoice.send_error == ""


def test_the_emailed_pdf_is_the_downloaded_pdf_byte_for_byte(issue, officer, staff_client, tmp_path):
    invoice = issue()
    [message] = finance_mail()
    emailed = message.attachments[0][1]
    officer_client = Client()
    officer_client.force_login(officer)
    downloaded = officer_client.get(f"/invoices/{invoice.pk}/pdf/")
    admin = staff_client.get(f"/admin/budget/invoice/{invoice.pk}/pdf/")
    assert admin.status_code == 200, (admin.status_code, admin.get("Location"))
    call_command("invoice_pdf", invoice.number, "--output", str(tmp_path / "command.pdf"))
    assert downloaded.content == emailed
    assert admin.content == emailed
    assert (tmp_path / "command.pdf").read_bytes() == emailed


def test_a_borough_without_an_accounts_payable_address_is_shown_as_not_sent(issue, billed):
    issue()
    richmond = Invoice.objects.get(organisation=billed.richmond)
    assert richmond.sent_at is None
    assert richmond.send_error.startswith("Not sent: Richmond upon Thames has no accounts-payable email address")


def test_running_the_job_twice_sends_once(issue):
    invoice = issue()
    assert send_invoice_to_finance.delay(invoice.pk).get() == "already_sent"
    assert len(finance_mail()) == 1


def test_a_credit_note_is_sent_to_finance_too(issue, staff_user, django_capture_on_commit_callbacks):
    invoice = issue()
    with django_capture_on_commit_callbacks(execute=True):
        note = invoice_credit(invoice=invoice, reason="Issued in error", by=staff_user)
    message = finance_mail()[-1]
    assert message.subject == "Credit note CRN-2020-21-0004 from London Councils (test) for invoice INV-2020-21-0001"
    assert message.attachments[0][0] == "CRN-2020-21-0004.pdf"
    assert "cancels invoice INV-2020-21-0001 dated 1 April 2020" in message.body
    note.refresh_from_db()
    assert note.sent_to == "ap.invoices@camden.example"


def test_the_officers_are_told_with_a_link_to_the_invoice_page(issue, officer):
    invoice = issue()
    [notice] = [message for message in mail.outbox if message.to == [officer.email]]
    assert notice.subject == "LOTI has issued an invoice to Camden"
    assert f"https://portal.loti.example/invoices/{invoice.pk}/" in notice.body
    assert "A copy has been emailed to your accounts payable team at ap.invoices@camden.example" in notice.body
    assert "https://portal.loti.example/members/billing/" in notice.body


def test_officers_not_yet_approved_are_not_told(issue, officer):
    officer.organisation_approved_at = None
    officer.save()
    issue()
    assert not [message for message in mail.outbox if message.to == [officer.email]]


def test_a_failed_send_is_retried_and_then_sent(issue, settings):
    settings.EMAIL_BACKEND = "tests.invoices.backends.FlakyBackend"
    FlakyBackend.failures_left = 2
    invoice = issue()
    invoice.refresh_from_db()
    assert invoice.sent_at is not None and invoice.send_attempts == 3 and invoice.send_error == ""
    assert len(finance_mail()) == 1


def test_a_failure_is_visible_on_the_invoice_while_it_waits_to_be_retried(billed, settings):
    invoices_issue(year=billed.year, issued_on=ISSUED_ON)  # nothing sent: the test's transaction never commits
    invoice = Invoice.objects.get(organisation=billed.camden)
    settings.EMAIL_BACKEND = "tests.invoices.backends.DownBackend"
    with pytest.raises(InvoiceSendError):
        invoice_send(invoice_id=invoice.pk, attempt=1, final=False)
    invoice.refresh_from_db()
    assert invoice.sent_at is None and invoice.send_attempts == 1
    assert "Sending to ap.invoices@camden.example failed" in invoice.send_error
    assert "ConnectionRefusedError" in invoice.send_error and "trying again in 1 minute" in invoice.send_error


def test_a_send_that_keeps_failing_gives_up_and_says_so_to_staff(issue, settings, staff_client):
    settings.EMAIL_BACKEND = "tests.invoices.backends.DownBackend"
    invoice = issue()
    invoice.refresh_from_db()
    assert invoice.sent_at is None and invoice.send_attempts == SEND_ATTEMPTS
    assert f"attempt {SEND_ATTEMPTS} of {SEND_ATTEMPTS} failed" in invoice.send_error and "Gave up for now" in invoice.send_error
    assert "tried again every 60 minutes" in invoice.send_error and invoice.send_pending_since is not None
    listing = staff_client.get("/admin/budget/invoice/?sent=problem").content.decode()
    assert "INV-2020-21-0001" in listing and "Gave up" in listing


def test_staff_send_again_after_fixing_the_problem(issue, billed, settings, staff_client, django_capture_on_commit_callbacks):
    issue()
    richmond = Invoice.objects.get(organisation=billed.richmond)
    billed.richmond.invoice_email = "payables@richmond.example"
    billed.richmond.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/budget/invoice/", {"action": "send_to_finance", "_selected_action": [richmond.pk]}, follow=True
        )
    assert "1 invoice(s) queued" in response.content.decode()
    richmond.refresh_from_db()
    assert richmond.sent_to == "payables@richmond.example" and richmond.send_error == ""
    assert [message.to for message in mail.outbox if message.attachments][-1] == ["payables@richmond.example"]


def test_when_the_task_queue_is_down_the_invoice_says_it_is_not_sent_yet(billed, django_capture_on_commit_callbacks):
    from tests.reports.celery_control import UNREACHABLE_REDIS, using_broker

    with using_broker(UNREACHABLE_REDIS), django_capture_on_commit_callbacks(execute=True):
        issued = invoices_issue(year=billed.year, issued_on=ISSUED_ON)
    assert len(issued) == 3  # issuing is not undone by the queue being down
    invoice = Invoice.objects.get(organisation=billed.camden)
    assert invoice.sent_at is None
    assert invoice.send_error == (
        "Not sent yet: the task queue could not be reached. It is tried again within 75 minutes, or choose “Send to finance again”."
    )
    assert invoice.send_pending_since is not None  # the sweep will find it


# The sweep: an invoice whose hand-over was lost, or whose every attempt failed, is sent later all the same.


def sweep(at: datetime.datetime, capture) -> list[int]:
    from budget.services.invoice_sending import invoices_send_pending

    with capture(execute=True):
        return invoices_send_pending(now=at)


def test_an_invoice_whose_hand_over_was_lost_is_sent_by_the_sweep_once(billed, django_capture_on_commit_callbacks):
    invoices_issue(year=billed.year, issued_on=ISSUED_ON)  # the commit hook never runs: as if the process died
    invoice = Invoice.objects.get(organisation=billed.camden)
    waiting_since = invoice.send_pending_since
    assert waiting_since is not None and finance_mail() == []

    assert sweep(waiting_since + datetime.timedelta(minutes=59), django_capture_on_commit_callbacks) == []
    assert finance_mail() == []  # not yet: its own retries may still be under way

    later = waiting_since + datetime.timedelta(minutes=61)
    swept = sweep(later, django_capture_on_commit_callbacks)
    assert invoice.pk in swept
    assert sweep(later, django_capture_on_commit_callbacks) == []  # run twice: nothing more
    [message] = finance_mail()
    assert message.attachments[0][1] == invoice_pdf(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.sent_to == "ap.invoices@camden.example" and invoice.send_pending_since is None
    assert sweep(later + datetime.timedelta(days=1), django_capture_on_commit_callbacks) == []
    assert len(finance_mail()) == 1


def test_the_sweep_tries_a_failed_invoice_once_a_round_and_says_so(issue, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.invoices.backends.DownBackend"
    invoice = issue()  # six attempts, all failed
    invoice.refresh_from_db()
    assert invoice.send_attempts == SEND_ATTEMPTS and invoice.send_pending_since is not None

    later = invoice.send_pending_since + datetime.timedelta(minutes=61)
    assert invoice.pk in sweep(later, django_capture_on_commit_callbacks)
    invoice.refresh_from_db()
    assert invoice.send_attempts == SEND_ATTEMPTS + 1  # one attempt, not another six
    assert "tried again at" in invoice.send_error and "by the sweep" in invoice.send_error
    assert invoice.send_pending_since == later

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the mail server is back
    assert invoice.pk in sweep(later + datetime.timedelta(minutes=61), django_capture_on_commit_callbacks)
    invoice.refresh_from_db()
    assert invoice.sent_at is not None and invoice.send_error == "" and invoice.send_pending_since is None
    assert len(finance_mail()) == 1


def test_the_sweep_leaves_alone_what_only_staff_can_fix(issue, billed, django_capture_on_commit_callbacks):
    issue()
    richmond = Invoice.objects.get(organisation=billed.richmond)  # no accounts-payable address
    assert richmond.send_pending_since is None and "no accounts-payable email" in richmond.send_error
    assert sweep(timezone.now() + datetime.timedelta(days=2), django_capture_on_commit_callbacks) == []


def test_invoices_issued_without_sending_are_not_swept(billed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoices_issue(year=billed.year, issued_on=ISSUED_ON, notify=False)  # as setup_demo issues the demo's
    assert not Invoice.objects.filter(send_pending_since__isnull=False).exists()
    assert sweep(timezone.now() + datetime.timedelta(days=2), django_capture_on_commit_callbacks) == []
    assert mail.outbox == []


def test_the_sweep_is_scheduled_every_15_minutes():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="budget.tasks.invoices.send_pending_invoices")
    assert task.enabled and task.interval.every == 15 and task.interval.period == "minutes"


def test_the_sweep_task_sends_what_is_waiting(billed, django_capture_on_commit_callbacks):
    from budget.tasks.invoices import send_pending_invoices

    invoices_issue(year=billed.year, issued_on=ISSUED_ON)
    Invoice.objects.update(send_pending_since=timezone.now() - datetime.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_pending_invoices.delay().get() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert send_pending_invoices.delay().get() == 0
    assert len(finance_mail()) == 1


def test_the_officers_notice_run_twice_tells_each_officer_once(issue, officer):
    from budget.tasks.invoices import notify_officers_of_invoices

    invoice = issue()
    notify_officers_of_invoices.apply(args=([invoice.pk],))  # the same message delivered again
    assert len([message for message in mail.outbox if message.to == [officer.email]]) == 1

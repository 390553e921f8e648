"""The daily job that reminds officers of overdue invoices: once per interval, however often it runs."""

import datetime
from threading import Barrier, Thread

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from budget.models import Invoice
from budget.services.invoicing import invoices_issue
from budget.services.payments import payment_record
from budget.tasks.reminders import send_overdue_reminders


def officer(django_user_model, organisation, email, approved=True):
    return django_user_model.objects.create_user(
        username=email,
        email=email,
        password="correct horse battery",
        organisation=organisation,
        organisation_approved_at=timezone.now() if approved else None,
    )


@pytest.fixture
def overdue(members, django_user_model, staff_user):
    invoices_issue(year=members.year, issued_on=datetime.date(2020, 4, 1))  # due 1 May 2020: overdue now
    officer(django_user_model, members.camden, "cio@camden.gov.uk")
    officer(django_user_model, members.camden, "new.starter@camden.gov.uk", approved=False)
    officer(django_user_model, members.richmond, "cio@richmond.gov.uk")
    # Wandsworth has paid; nobody from it is on the portal anyway.
    payment_record(
        invoice=Invoice.objects.get(organisation=members.wandsworth),
        amount="27000.00",
        received_on=datetime.date(2020, 4, 10),
        by=staff_user,
    )
    return members


@pytest.mark.django_db
def test_the_reminder_job_run_twice_sends_one_email_per_overdue_invoice(overdue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders.delay().get() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders.delay().get() == 0

    assert sorted(message.to[0] for message in mail.outbox) == ["cio@camden.gov.uk", "cio@richmond.gov.uk"]
    camden = next(message for message in mail.outbox if message.to == ["cio@camden.gov.uk"])
    assert camden.subject == "Overdue: LOTI invoice INV-2020-21-0001 (Camden)"
    assert "Balance due: £36,000.00" in camden.body
    assert Invoice.objects.filter(last_reminded_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_the_reminder_links_to_the_invoice_page_the_officer_can_open(
    overdue, settings, client, django_user_model, django_capture_on_commit_callbacks
):
    settings.PORTAL_URL = "https://portal.loti.example/"
    with django_capture_on_commit_callbacks(execute=True):
        send_overdue_reminders()
    camden = next(message for message in mail.outbox if message.to == ["cio@camden.gov.uk"])
    invoice = Invoice.objects.get(organisation=overdue.camden)
    link = f"https://portal.loti.example/invoices/{invoice.pk}/"
    assert f"See the invoice and download the PDF: {link}\n" in camden.body
    client.force_login(django_user_model.objects.get(email="cio@camden.gov.uk"))
    page = client.get(link.removeprefix("https://portal.loti.example"))
    assert page.status_code == 200 and invoice.number in page.content.decode()


@pytest.mark.django_db
def test_a_reminder_goes_again_after_the_interval(overdue, settings, django_capture_on_commit_callbacks):
    settings.LOTI_REMINDER_INTERVAL_DAYS = 14
    with django_capture_on_commit_callbacks(execute=True):
        send_overdue_reminders()
    Invoice.objects.update(last_reminded_at=timezone.now() - datetime.timedelta(days=13))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders() == 0
    Invoice.objects.update(last_reminded_at=timezone.now() - datetime.timedelta(days=14, minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_reminders() == 2
    assert len(mail.outbox) == 4


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_email_per_invoice(overdue):
    barrier = Barrier(2)
    counts, errors = [], []

    def run():
        try:
            barrier.wait()
            counts.append(send_overdue_reminders())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(counts) == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_job_is_scheduled_daily_by_celery_beat():
    task = PeriodicTask.objects.get(task="budget.tasks.reminders.send_overdue_reminders")
    assert task.enabled and task.crontab.hour == "7" and task.crontab.day_of_week == "*"


@pytest.mark.django_db
def test_a_schedule_staff_changed_is_kept_and_a_missing_one_comes_back():
    from budget.schedules import schedules_ensure

    task = PeriodicTask.objects.get(task="budget.tasks.reminders.send_overdue_reminders")
    task.enabled = False
    task.save()
    PeriodicTask.objects.filter(task="budget.tasks.reports.sweep_queued_reports").delete()
    assert schedules_ensure() == 1
    assert PeriodicTask.objects.get(task="budget.tasks.reminders.send_overdue_reminders").enabled is False
    assert PeriodicTask.objects.filter(task="budget.tasks.reports.sweep_queued_reports").exists()

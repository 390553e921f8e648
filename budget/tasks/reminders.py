"""The daily job that reminds organisations of overdue fee invoices (scheduled by django-celery-beat)."""

from celery import shared_task

from budget.services.reminders import invoice_reminders_send


@shared_task(name="budget.tasks.reminders.send_overdue_reminders")
def send_overdue_reminders() -> int:
    """Safe to run twice: each invoice is reminded at most once per interval."""
    return len(invoice_reminders_send())

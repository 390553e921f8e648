"""Reminders to the officers of organisations whose fee invoice is overdue."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from budget.models import Invoice
from budget.selectors.invoices import overdue_invoices
from budget.services.invoice_sending import invoice_link
from loti.tasks import after_commit, send_email


def reminder_interval() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "LOTI_REMINDER_INTERVAL_DAYS", 14)))


def _claim(invoice: Invoice, now: datetime.datetime) -> bool:
    """Mark the invoice reminded now, unless another run did within the interval. The UPDATE is the lock."""
    claimed = (
        Invoice.objects.filter(pk=invoice.pk)
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - reminder_interval()))
        .update(last_reminded_at=now)
    )
    return claimed == 1


def invoice_reminders_send(*, now: datetime.datetime | None = None) -> list[Invoice]:
    """Email each overdue invoice's approved officers, at most once per interval per invoice.

    Safe to run twice or at once: an invoice is claimed by a conditional UPDATE of last_reminded_at, and the
    mail goes only after that claim commits. An organisation with no approved officer is not claimed, so it
    is reminded once someone is approved.
    """
    now = now or timezone.now()
    due = list(
        overdue_invoices(today=timezone.localdate(now))
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - reminder_interval()))
        .select_related("organisation", "year")
    )
    officers: dict[int | None, list[str]] = {}
    for officer in (
        get_user_model()
        .objects.filter(
            organisation_id__in={invoice.organisation_id for invoice in due},
            organisation_approved_at__isnull=False,
            is_active=True,
        )
        .only("email", "organisation_id")
    ):
        officers.setdefault(officer.organisation_id, []).append(officer.email)

    sent: list[Invoice] = []
    for invoice in due:
        recipients = sorted(officers.get(invoice.organisation_id, []))
        if not recipients:
            continue
        with transaction.atomic():
            if not _claim(invoice, now):
                continue
            subject = f"Overdue: LOTI invoice {invoice.number} ({invoice.organisation.name})"
            body = render_to_string("budget/email/invoice_reminder.txt", {"invoice": invoice, "link": invoice_link(invoice.pk)})
            key = f"invoice-reminder:invoice={invoice.pk}:claimed={now.isoformat()}"
            after_commit(send_email, key=key, subject=subject, body=body, recipients=recipients)
        sent.append(invoice)
    return sent

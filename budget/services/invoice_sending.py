"""Issued invoices and credit notes go to the borough's accounts-payable address as a PDF attachment, and
the borough's approved officers are told, with a link to the invoice in the portal.

Both are Celery jobs handed over after the issuing transaction commits. Sending is recorded on the invoice
(sent when, to whom); a failure is recorded too, with the attempt and the error, and retried with back-off.
Running the job twice sends once: the invoice row is locked and an invoice already sent is skipped.

An invoice waits to be sent from the moment it is handed over (send_pending_since, set in the same transaction
as the issue): if the hand-over is lost (the queue was down, the process died before the commit hook ran) or
every attempt failed, the sweep every 15 minutes (invoices_send_pending) hands it over again, one attempt a time.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from budget.models import Invoice, InvoiceKind
from budget.services.invoice_pdf import invoice_pdf, pounds
from budget.services.supplier import SupplierNotConfigured, supplier_details
from loti.services import email_send_once
from loti.tasks import after_commit

logger = logging.getLogger(__name__)

# Attempts in all: the first and five retries, after 1, 2, 4, 8 and 16 minutes by default.
SEND_ATTEMPTS = 6
TRANSIENT = (smtplib.SMTPException, OSError)


def sweep_after() -> datetime.timedelta:
    """How long an invoice waits before the sweep hands it over again: longer than a whole run of retries."""
    minutes = int(getattr(settings, "LOTI_INVOICE_SEND_SWEEP_AFTER_MINUTES", 60))
    return datetime.timedelta(minutes=minutes)


def retry_delay(retries_so_far: int) -> int:
    """Seconds before the next attempt: LOTI_INVOICE_SEND_RETRY_SECONDS (60), doubling each time."""
    return int(getattr(settings, "LOTI_INVOICE_SEND_RETRY_SECONDS", 60)) * 2**retries_so_far


def _duration(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


class InvoiceSendError(Exception):
    """This attempt failed; the job tries again."""


@dataclass(frozen=True)
class SendResult:
    outcome: str  # sent, already_sent, no_address, failed, gave_up
    detail: str = ""


def invoice_link(invoice_id: int) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse("budget:invoice", kwargs={"pk": invoice_id})


def _finance_message(invoice: Invoice, address: str, pdf: bytes) -> EmailMessage:
    supplier = supplier_details()
    credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
    if credit_note:
        assert invoice.credits is not None  # the constraint credit_note_names_its_invoice
        subject = f"Credit note {invoice.number} from {supplier.name} for invoice {invoice.credits.number}"
    else:
        subject = f"Invoice {invoice.number} from {supplier.name}: {pounds(invoice.gross)} due {invoice.due_on:%-d %B %Y}"
    body = render_to_string(
        "budget/email/invoice_to_finance.txt",
        {"invoice": invoice, "credit_note": credit_note, "supplier": supplier, "gross": pounds(invoice.gross, negative=credit_note)},
    )
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        reply_to=[supplier.contact],
        attachments=[(f"{invoice.number}.pdf", pdf, "application/pdf")],
    )


def _record(invoice_id: int, **fields) -> None:
    # A plain UPDATE: the sending record is not money, and each attempt would otherwise be a history row.
    Invoice.objects.filter(pk=invoice_id).update(**fields)


def invoice_send(*, invoice_id: int, again: bool = False, attempt: int = 1, final: bool = True, swept: bool = False) -> SendResult:
    """Email one invoice or credit note as a PDF to its organisation's accounts-payable address.

    An invoice already sent is not sent again unless again is True (staff asked). A failure to send is
    recorded on the invoice; it raises InvoiceSendError for the job to retry, unless this was the final attempt.
    Until it is sent the invoice stays waiting (send_pending_since), so the sweep tries it again later; swept
    says this attempt is the sweep's single one.
    """
    now = timezone.now()
    failure = ""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update(of=("self",)).select_related("organisation", "credits").get(pk=invoice_id)
        if swept and invoice.send_pending_since is None:
            return SendResult("already_sent", invoice.sent_to)  # sent (or left for staff) since the sweep claimed it
        if invoice.sent_at and not again and not swept:
            if invoice.send_pending_since:
                _record(invoice_id, send_pending_since=None)
            return SendResult("already_sent", invoice.sent_to)
        address = invoice.organisation.invoice_email.strip()
        if not address:
            problem = (
                f"Not sent: {invoice.organisation.name} has no accounts-payable email address. "
                "Add it to the organisation, then choose “Send to finance again”."
            )
            # Only staff can help (an address to add): the sweep leaves it alone until they send it again.
            _record(invoice_id, send_error=problem, send_pending_since=None)
            logger.warning("invoice-not-sent invoice=%s reason=no-address", invoice.number)
            return SendResult("no_address", problem)
        try:
            message = _finance_message(invoice, address, invoice_pdf(invoice=invoice))
        except SupplierNotConfigured as error:
            problem = f"Not sent: {' '.join(error.messages)}"
            _record(invoice_id, send_error=problem)
            return SendResult("failed", problem)
        try:
            message.send(fail_silently=False)
        except TRANSIENT as error:
            reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            if swept:
                failure = (
                    f"Not sent to {address}: tried again at {timezone.localtime(now):%-d %B %Y %H:%M} by the sweep of "
                    f"invoices waiting to be sent ({reason}). It is tried again every {_duration(int(sweep_after().total_seconds()))} "
                    "until it goes; check the address and the mail server, or choose “Send to finance again”."
                )
            elif final:
                failure = (
                    f"Not sent to {address}: attempt {attempt} of {SEND_ATTEMPTS} failed at {timezone.localtime(now):%-d %B %Y %H:%M} "
                    f"({reason}). Gave up for now: it is tried again every {_duration(int(sweep_after().total_seconds()))} "
                    "until it goes; check the address and the mail server, or choose “Send to finance again”."
                )
            else:
                failure = (
                    f"Sending to {address} failed at {timezone.localtime(now):%-d %B %Y %H:%M} on attempt {attempt} "
                    f"of {SEND_ATTEMPTS} ({reason}); trying again in {_duration(retry_delay(attempt - 1))}."
                )
            _record(invoice_id, send_attempts=F("send_attempts") + 1, send_error=failure)
            logger.warning("invoice-send-failed invoice=%s to=%s attempt=%d error=%s", invoice.number, address, attempt, reason)
        else:
            _record(
                invoice_id,
                sent_at=now,
                sent_to=address,
                send_attempts=F("send_attempts") + 1,
                send_error="",
                send_pending_since=None,
            )
            logger.info("invoice-sent invoice=%s to=%s attempt=%d", invoice.number, address, attempt)
            return SendResult("sent", address)
    if final:
        return SendResult("gave_up", failure)
    raise InvoiceSendError(failure)


def invoices_notify_officers(*, invoice_ids: list[int]) -> int:
    """One email per organisation to its approved officers: what was issued, and a link to each in the portal."""
    invoices = list(
        Invoice.objects.filter(pk__in=invoice_ids)
        .select_related("organisation", "year", "credits")
        .order_by("organisation__name", "sequence")
    )
    by_organisation: dict[int, list[Invoice]] = {}
    for invoice in invoices:
        by_organisation.setdefault(invoice.organisation_id, []).append(invoice)
    officers: dict[int | None, list[str]] = {}
    for officer in (
        get_user_model()
        .objects.filter(organisation_id__in=by_organisation, organisation_approved_at__isnull=False, is_active=True)
        .only("email", "organisation_id")
    ):
        officers.setdefault(officer.organisation_id, []).append(officer.email)
    messages = []
    for organisation_id, items in by_organisation.items():
        recipients = sorted(officers.get(organisation_id, []))
        if not recipients:
            continue
        organisation = items[0].organisation
        entries = [
            {
                "invoice": item,
                "credit_note": item.kind == InvoiceKind.CREDIT_NOTE,
                "gross": pounds(item.gross, negative=item.kind == InvoiceKind.CREDIT_NOTE),
                "link": invoice_link(item.pk),
            }
            for item in items
        ]
        kinds = {entry["credit_note"] for entry in entries}
        noun = "a credit note" if kinds == {True} else "an invoice" if len(entries) == 1 else "invoices"
        subject = f"LOTI has issued {noun} to {organisation.name}"
        body = render_to_string(
            "budget/email/invoices_issued.txt",
            {
                "organisation": organisation,
                "entries": entries,
                "finance_address": organisation.invoice_email,
                "billing_link": settings.PORTAL_URL.rstrip("/") + reverse("members:billing"),
            },
        )
        # Safe to run twice: each officer is told once about this set of the organisation's invoices.
        key = "invoices-issued:invoices=" + ",".join(str(item.pk) for item in items)
        messages.append((key, subject, body, recipients))
    sent = 0
    if messages:
        with get_connection(fail_silently=False) as connection:
            for key, subject, body, recipients in messages:
                for recipient in recipients:
                    sent += email_send_once(key=key, recipient=recipient, subject=subject, body=body, connection=connection)
    return sent


def _not_queued(invoice_id: int, error: Exception) -> None:
    """Say on the invoice why it was not handed over, so staff see it and the sweep or a click sends it."""
    if isinstance(error, (BrokerError, ConnectionError, OSError)):
        _record(
            invoice_id,
            send_error="Not sent yet: the task queue could not be reached. It is tried again "
            f"within {_duration(int(sweep_after().total_seconds()) + 15 * 60)}, or choose “Send to finance again”.",
        )
    else:  # run in-process (no worker): one invoice's surprise must not stop the others
        _record(invoice_id, send_error=f"Not sent: {type(error).__name__}: {error}. Choose “Send to finance again”.")


def invoices_dispatch(*, invoice_ids: list[int], again: bool = False, notify: bool = True, swept: bool = False) -> None:
    """Hand the sending to Celery once the caller's transaction commits. If the queue cannot be reached, say so on
    the invoice; the officers' notice is the lesser loss (logged only)."""
    from budget.tasks.invoices import notify_officers_of_invoices, send_invoice_to_finance  # tasks call services

    for invoice_id in invoice_ids:
        after_commit(send_invoice_to_finance, invoice_id, again=again, swept=swept, if_not_queued=partial(_not_queued, invoice_id))
    if notify and invoice_ids:
        after_commit(notify_officers_of_invoices, list(invoice_ids))


def invoices_send_again(*, invoices: list[Invoice], by) -> int:
    """Staff ask for invoices to be sent to finance (again): after a failure, a new address or a corrected PO."""
    ids = [invoice.pk for invoice in invoices]
    with transaction.atomic():
        Invoice.objects.filter(pk__in=ids).update(send_error="Queued to be sent.", send_pending_since=timezone.now())
        invoices_dispatch(invoice_ids=ids, again=True, notify=False)
    logger.info("invoice-send-again invoices=%s by=%s", ids, by)
    return len(ids)


def invoices_send_pending(*, now: datetime.datetime | None = None) -> list[int]:
    """Hand over again every invoice waiting to be sent for longer than sweep_after(); return their ids.

    Safe to run twice or at once: the invoices are claimed under row locks (skipping any being sent right now)
    and their waiting time restarted, so a second run finds them not yet due; the job then sends each once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Invoice.objects.select_for_update(skip_locked=True)
            .filter(send_pending_since__lte=now - sweep_after())
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            Invoice.objects.filter(pk__in=ids).update(send_pending_since=now)
            invoices_dispatch(invoice_ids=ids, notify=False, swept=True)
    if ids:
        logger.info("invoice-send-swept invoice_ids=%s", ids)
    return ids


def invoice_send_status(invoice: Invoice) -> str:
    """What staff read in the admin about sending an invoice to finance."""
    if invoice.sent_at:
        text = f"Sent {timezone.localtime(invoice.sent_at):%-d %b %Y %H:%M} to {invoice.sent_to}"
        return f"{text}. {invoice.send_error}" if invoice.send_error else text
    return invoice.send_error or "Not sent"

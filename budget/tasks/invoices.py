"""Background jobs for issued invoices: the PDF to the borough's finance team, and word to its officers."""

from celery import shared_task

from budget.services.invoice_sending import (
    SEND_ATTEMPTS,
    TRANSIENT,
    InvoiceSendError,
    invoice_send,
    invoices_notify_officers,
    invoices_send_pending,
    retry_delay,
)


@shared_task(bind=True, max_retries=SEND_ATTEMPTS - 1, acks_late=True, reject_on_worker_lost=True)
def send_invoice_to_finance(self, invoice_id: int, again: bool = False, swept: bool = False) -> str:
    """Safe to run twice: an invoice already sent is skipped (unless staff asked to send it again).

    Handed over by the sweep (swept), it makes one attempt: the sweep itself comes back later.
    """
    retries = self.request.retries
    while True:
        try:
            result = invoice_send(
                invoice_id=invoice_id,
                again=again,
                attempt=retries + 1,
                final=swept or retries >= self.max_retries,
                swept=swept,
            )
        except InvoiceSendError as error:
            if not self.request.is_eager:
                raise self.retry(exc=error, countdown=retry_delay(retries)) from error
            retries += 1  # run in-process (no worker, as in the demo): nobody comes back later, so try again now
            continue
        return result.outcome


@shared_task(autoretry_for=TRANSIENT, max_retries=3, retry_backoff=60)
def notify_officers_of_invoices(invoice_ids: list[int]) -> int:
    return invoices_notify_officers(invoice_ids=invoice_ids)


@shared_task(name="budget.tasks.invoices.send_pending_invoices")
def send_pending_invoices() -> int:
    """Every 15 minutes: invoices still waiting to be sent an hour after they were handed over go again."""
    return len(invoices_send_pending())

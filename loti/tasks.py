"""Background work every app shares: start a task once the data it reads is committed, and send email from a task."""

import logging
import re
import smtplib
from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction

log = logging.getLogger(__name__)

# Any run of whitespace, including CR, LF and the Unicode line and paragraph separators.
_BREAKS = re.compile(r"\s+")


def one_line(text, limit: int = 200) -> str:
    """Text safe for a mail header or a one-line place on a page: line breaks become spaces, and it is not endless."""
    flat = _BREAKS.sub(" ", str(text or "")).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def portal_link(path: str) -> str:
    """An absolute link to a page of the portal, for an email."""
    return settings.PORTAL_URL.rstrip("/") + path


def after_commit(task, /, *args, if_not_queued: Callable[[Exception], None] | None = None, **kwargs) -> None:
    """The one way the portal starts a Celery task after a write: queued once the current transaction commits, so it
    reads what was written (and never if it rolls back); outside a transaction, at once.

    A broker that cannot be reached (or, run in-process, a task that fails) is logged, never turned into an error after
    the data is saved; `if_not_queued(error)` may say so where staff will see it (on the invoice, on the report run).
    """

    def enqueue():
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception as error:  # the write stands; the job is lost only from the queue, and the log says which
            log.exception("task-not-queued task=%s args=%r kwargs=%r", task.name, args, kwargs)
            if if_not_queued is not None:
                if_not_queued(error)

    transaction.on_commit(enqueue, robust=True)


# A mail server that is down for a moment: the task tries again later.
MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(autoretry_for=MAIL_ERRORS, max_retries=3, retry_backoff=True)
def send_email(*, key: str, subject: str, body: str, recipients: list[str], reply_to: list[str] | None = None) -> int:
    """One message per recipient (nobody sees who else was told), each at most once for its key: safe to run twice."""
    from .services import email_send_once

    sent = 0
    with get_connection() as connection:
        for address in sorted({a.strip() for a in recipients if a and a.strip()}):
            sent += email_send_once(key=key, recipient=address, subject=subject, body=body, reply_to=reply_to, connection=connection)
    return sent

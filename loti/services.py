"""Writing the shared core."""
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction

from .models import FinancialYear, SentEmail
from .years import parse_year_label

log = logging.getLogger(__name__)


def financial_year_get_or_create(*, label: str) -> FinancialYear:
    """The year named in a file or a writing command, created on first use (DESIGN.md, Contracts).

    Only write paths call this; read paths use loti.selectors.financial_year_get, which never creates.
    """
    start, end = parse_year_label(label)
    year, _ = FinancialYear.objects.get_or_create(label=label.strip(), defaults={"start_date": start, "end_date": end})
    return year


def email_send_once(
    *,
    key: str,
    recipient: str,
    subject: str,
    body: str,
    reply_to: list[str] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
    connection=None,
) -> bool:
    """Send one notification to one person unless it has already gone. Returns whether it was sent now.

    The SentEmail row is written and the mail sent in one transaction: if sending fails the row rolls back and a retry
    sends it; a second run (a retried or duplicated task) finds the row and sends nothing. Two runs at once: the second
    waits on the unique key and then finds it taken.
    """
    from .tasks import one_line  # the task module imports services' callers; keep the import one way at load time

    recipient = (recipient or "").strip()
    if not recipient:
        return False
    subject = one_line(subject, limit=180)
    key = one_line(key, limit=200)
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentEmail.objects.create(key=key, recipient=recipient.lower(), subject=subject)
        except IntegrityError:
            log.info("email-already-sent key=%s recipient=%s", key, recipient)
            return False
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], reply_to=reply_to or None)
        for filename, content, mimetype in attachments or []:
            message.attach(filename, content, mimetype)
        sent = (connection or get_connection(fail_silently=False)).send_messages([message])
        if not sent:
            # The backend refused it without raising: roll the claim back so a retry can send it.
            raise ConnectionError(f"The mail backend did not send {key!r} to {recipient}")
    log.info("email-sent key=%s recipient=%s", key, recipient)
    return True

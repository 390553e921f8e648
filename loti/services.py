"""Writing the shared core: financial years, notifications sent once, and reference data rows saved only where
something changed."""

import datetime
import logging
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, models, transaction

from .models import FinancialYear, SentEmail
from .reference import CHANGE_REASON, LoadTally, ReferenceDataError
from .years import parse_year_label, year_label_for

log = logging.getLogger(__name__)


def financial_year_get_or_create(*, label: str | None = None, on: datetime.date | None = None) -> FinancialYear:
    """The year named in a file or a writing command (or the one holding the day `on`), created on first use
    (DESIGN.md, Contracts).

    Only write paths call this; read paths use loti.selectors.financial_year_get, which never creates.
    """
    if label is None:
        if on is None:
            raise TypeError("financial_year_get_or_create needs a label or a day")
        label = year_label_for(on)
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


def _current_value(instance: models.Model, name: str):
    model_field = instance._meta.get_field(name)
    if model_field.is_relation:
        assert isinstance(model_field, models.Field)  # files give forward relations only, never a reverse one
        return getattr(instance, model_field.attname)
    return getattr(instance, name)


def _wanted_value(instance: models.Model, name: str, value):
    model_field = instance._meta.get_field(name)
    if model_field.is_relation:
        return value.pk if isinstance(value, models.Model) else value
    return value


M = TypeVar("M", bound=models.Model)


def reference_row_sync(*, model: type[M], lookup: dict, values: dict, tally: LoadTally, where: str) -> M:
    """update_or_create on a natural key, but saving only when a value differs (so history stays quiet)."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**{**lookup, **values})
        outcome = "created"
    else:
        differing = [name for name, value in values.items() if _current_value(instance, name) != _wanted_value(instance, name, value)]
        if not differing:
            tally.add(str(model._meta.verbose_name_plural).capitalize(), "unchanged")
            return instance
        for name in differing:
            setattr(instance, name, values[name])
        outcome = "updated"
    try:
        # Fields are checked here (choices, lengths, validators); uniqueness and constraints by the database below,
        # which spares a query per constraint per row.
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        raise ReferenceDataError(f"{where}: {problems}") from error
    instance._change_reason = CHANGE_REASON  # type: ignore[attr-defined]  # read by simple_history where the model keeps history
    try:
        instance.save()
    except IntegrityError as error:
        raise ReferenceDataError(f"{where}: the database refused it: {str(error).splitlines()[0]}") from error
    tally.add(str(model._meta.verbose_name_plural).capitalize(), outcome)
    return instance

"""Background jobs for projects: telling people what happened to a proposal. They take primary keys and read what was committed."""

from celery import shared_task

from loti.tasks import MAIL_ERRORS

from .notifications import project_notify_send


@shared_task(acks_late=True, autoretry_for=MAIL_ERRORS, max_retries=3, retry_backoff=True)
def notify_project(event: str, project_id: int, organisation_ids: list[int] | None = None, occurrence: str = "") -> int:
    """Safe to run twice: each recipient is mailed once per occurrence (loti.services.email_send_once)."""
    return project_notify_send(event=event, project_id=project_id, organisation_ids=organisation_ids, occurrence=occurrence)

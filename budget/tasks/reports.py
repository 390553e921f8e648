"""Background jobs for the CELC reports. They take primary keys, call the services, and are safe to run twice."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from budget.services.reports import (
    report_distribute,
    report_fail,
    report_produce,
    report_request_year_end,
    report_sweep_queued,
)

logger = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(bind=True, max_retries=5, acks_late=True, reject_on_worker_lost=True)
def produce_report(self, run_id: int) -> str:
    try:
        run = report_produce(run_id=run_id)
    except TRANSIENT as error:
        # The database went away for a moment: try again; the next attempt takes the run over.
        if self.request.retries >= self.max_retries:
            report_fail(run_id=run_id, message=f"Gave up after {self.max_retries} retries: {error}")
            raise
        raise self.retry(exc=error, countdown=min(60, 5 * 2**self.request.retries)) from error
    except Exception as error:
        logger.exception("Report run %s failed", run_id)
        report_fail(run_id=run_id, message=f"The report could not be produced: {error}")
        raise
    return run.status


@shared_task
def sweep_queued_reports() -> int:
    return report_sweep_queued()


@shared_task
def produce_year_end_reports() -> list[int]:
    return [run.pk for run in report_request_year_end()]


@shared_task(autoretry_for=TRANSIENT, max_retries=3, retry_backoff=True)
def email_report_link(run_id: int, occurrence: str = "") -> int:
    """Safe to run twice: each recipient is mailed once per run and occurrence."""
    return report_distribute(run_id=run_id, occurrence=occurrence)

"""Producing the CELC reports in the background: request, produce, sweep, and the signed download links.

A run is requested once: the same report and year asked for again while one is queued or running gives
back that run (a partial unique constraint holds this in the database). The job is handed to Celery only
after the transaction commits; if the broker cannot be reached the run stays queued with a message and
the periodic sweep hands it over once the broker is back. Producing is safe to run twice: a run is
claimed with a conditional UPDATE under a PostgreSQL advisory lock (released by the server if the worker
dies), and a run already done is never redone. A run left "running" by a worker that died (its lock is
free) is put back in the queue by the same sweep, rather than waiting hours for the broker to redeliver.
"""

import datetime
import hashlib
import logging
import time
import uuid
from contextlib import contextmanager
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from budget.models import ReportKind, ReportRecipient, ReportRun, ReportRunStatus
from budget.reports.documents import report_output
from loti.models import FinancialYear
from loti.services import email_send_once, financial_year_get_or_create
from loti.tasks import after_commit
from loti.years import year_label_for

logger = logging.getLogger(__name__)

PENDING = [ReportRunStatus.QUEUED, ReportRunStatus.RUNNING]
BROKER_DOWN_MESSAGE = (
    "Waiting for the task queue: Redis could not be reached when this report was requested. "
    "The run is kept and will start automatically once the queue is back."
)
# A queued run not started after this long may have lost its message (e.g. Redis restarted empty).
RESEND_AFTER = datetime.timedelta(minutes=10)
LINK_SALT = "budget.report-download"
LINK_MAX_AGE = datetime.timedelta(days=14)
ADVISORY_LOCK_CLASS = 7305  # one namespace of PostgreSQL advisory locks for report runs
ABANDONED_MESSAGE = (
    "Back in the queue: the worker producing this report stopped before it finished. It will be produced again automatically."
)
# A report that kills its worker every time (e.g. out of memory) is stopped rather than retried for ever.
MAX_ATTEMPTS = 5


class ReportRequestError(ValueError):
    pass


def report_request(*, kind: str, year: FinancialYear, by=None, notes: str = "") -> ReportRun:
    """Queue a report, or return the run already queued or running for the same report and year.

    notes: decisions or notes for CELC, written for this run (the budget report prints them on page 1)."""
    if kind not in ReportKind.values:
        raise ReportRequestError(f"Unknown report {kind!r}: choose one of {', '.join(ReportKind.values)}")
    with transaction.atomic():
        existing = ReportRun.objects.filter(kind=kind, year=year, status__in=PENDING).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                run = ReportRun.objects.create(kind=kind, year=year, requested_by=by, notes=(notes or "").strip())
        except IntegrityError:
            # Someone asked for the same report at the same moment: theirs is the run.
            return ReportRun.objects.get(kind=kind, year=year, status__in=PENDING)
        _produce_after_commit(run.pk)
    return run


def _broker_down(run_id: int, error: Exception) -> None:
    if isinstance(error, (BrokerError, ConnectionError, OSError)):
        logger.warning("Report run %s stays queued: the broker is unreachable (%s)", run_id, error)
        ReportRun.objects.filter(pk=run_id, status=ReportRunStatus.QUEUED).update(message=BROKER_DOWN_MESSAGE)


def _produce_after_commit(run_id: int) -> None:
    from budget.tasks.reports import produce_report  # the tasks call the services, not the other way round

    after_commit(produce_report, run_id, if_not_queued=partial(_broker_down, run_id))


def report_enqueue(*, run_id: int) -> bool:
    """Hand a queued run to Celery. If the broker is down, say so on the run and leave it queued."""
    from budget.tasks.reports import produce_report  # the tasks call the services, not the other way round

    try:
        produce_report.apply_async(args=(run_id,), retry=False)
    except (BrokerError, ConnectionError, OSError) as error:
        logger.warning("Report run %s stays queued: the broker is unreachable (%s)", run_id, error)
        ReportRun.objects.filter(pk=run_id, status=ReportRunStatus.QUEUED).update(message=BROKER_DOWN_MESSAGE)
        return False
    ReportRun.objects.filter(pk=run_id, status=ReportRunStatus.QUEUED, message=BROKER_DOWN_MESSAGE).update(message="")
    return True


def report_sweep_queued(*, now: datetime.datetime | None = None) -> int:
    """Put back in the queue the running runs no live worker is producing, and hand over again the queued
    runs the broker never took or that have waited too long. Producing twice is harmless, so a run resent
    while its first message is still waiting does no damage. Returns how many runs were handed over."""
    now = now or timezone.now()
    requeued = report_requeue_abandoned()  # already sent, once their transaction committed
    stuck = (
        ReportRun.objects.filter(status=ReportRunStatus.QUEUED)
        .filter(Q(message=BROKER_DOWN_MESSAGE) | Q(requested_at__lt=now - RESEND_AFTER))
        .exclude(pk__in=requeued)
    )
    sent = len(requeued)
    for run_id in stuck.values_list("pk", flat=True):
        if report_enqueue(run_id=run_id):
            sent += 1
        else:
            break  # the broker is still down: the next sweep tries again
    return sent


def report_requeue_abandoned() -> list[int]:
    """Put back in the queue the running runs whose advisory lock no worker holds: the worker producing
    them died, and the broker would only redeliver their message after its visibility timeout (hours).
    A run whose lock is held is being produced and is left alone. Attempts are kept; a run that has
    already used MAX_ATTEMPTS is marked failed instead. Returns the ids put back in the queue."""
    table = ReportRun._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One query for all running runs. The lock is taken for this transaction only, so no worker can
            # claim a run while we change it; MATERIALIZED keeps the lock attempts to the running runs.
            cursor.execute(
                f"""
                WITH running AS MATERIALIZED (SELECT id FROM {table} WHERE status = %s)
                SELECT id FROM running WHERE pg_try_advisory_xact_lock(%s, id::integer)
                """,
                [ReportRunStatus.RUNNING, ADVISORY_LOCK_CLASS],
            )
            abandoned = [row[0] for row in cursor.fetchall()]
        if not abandoned:
            return []
        # status=RUNNING again: the task may have marked it failed since the query above.
        still_running = ReportRun.objects.filter(pk__in=abandoned, status=ReportRunStatus.RUNNING)
        given_up = list(still_running.filter(attempts__gte=MAX_ATTEMPTS).values_list("pk", flat=True))
        if given_up:
            ReportRun.objects.filter(pk__in=given_up).update(
                status=ReportRunStatus.FAILED,
                finished_at=timezone.now(),
                message=f"Stopped after {MAX_ATTEMPTS} attempts: each time, the worker producing it stopped before it finished.",
            )
        requeued = list(still_running.exclude(pk__in=given_up).values_list("pk", flat=True))
        ReportRun.objects.filter(pk__in=requeued).update(status=ReportRunStatus.QUEUED, progress=0, message=ABANDONED_MESSAGE)
        for run_id in requeued:
            # After the commit, when our locks are released and a worker can claim the run.
            _produce_after_commit(run_id)
    for run_id in requeued:
        logger.warning("Report run %s was abandoned by a worker that stopped: back in the queue", run_id)
    for run_id in given_up:
        logger.error("Report run %s failed: its worker stopped %s times", run_id, MAX_ATTEMPTS)
    return requeued


@contextmanager
def _producing(run_id: int):
    """Hold a session advisory lock while producing. The server drops it if the worker dies, so a
    redelivered task can take the run over; while it is held, a second delivery leaves the run alone."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_LOCK_CLASS, run_id])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_LOCK_CLASS, run_id])


def _set_progress(run_id: int, percent: int) -> None:
    ReportRun.objects.filter(pk=run_id, status=ReportRunStatus.RUNNING).update(progress=percent)


def report_produce(*, run_id: int) -> ReportRun:
    """Produce the run's PDF once. A run that is done (or being produced by a live worker) is left alone."""
    with _producing(run_id) as held:
        if not held:
            return ReportRun.objects.get(pk=run_id)
        # Queued, or running but abandoned by a worker that died (we hold its lock now).
        claimed = ReportRun.objects.filter(pk=run_id, status__in=PENDING).update(
            status=ReportRunStatus.RUNNING, started_at=timezone.now(), progress=5, attempts=F("attempts") + 1, message=""
        )
        run = ReportRun.objects.select_related("year").get(pk=run_id)
        if not claimed:
            return run
        as_of = timezone.now()
        _set_progress(run_id, 10)

        def progress(percent: int) -> None:
            _set_progress(run_id, percent)
            delay = getattr(settings, "REPORT_RENDER_DELAY", 0)  # only the tests slow the render down
            if delay:
                time.sleep(delay)

        content = report_output(kind=run.kind, year=run.year, fmt="pdf", as_of=as_of, on_progress=progress, notes=run.notes)
        _set_progress(run_id, 90)
        name = f"reports/{run.kind}-{run.year.label.replace('/', '-')}-run{run.pk}.pdf"
        if run.pdf.storage.exists(name):
            run.pdf.storage.delete(name)  # left by a worker that died after writing it
        with transaction.atomic():
            run.pdf.save(name.removeprefix("reports/"), ContentFile(content), save=False)
            finished = ReportRun.objects.filter(pk=run_id, status=ReportRunStatus.RUNNING).update(
                status=ReportRunStatus.DONE,
                progress=100,
                finished_at=timezone.now(),
                data_as_of=as_of,
                pdf=run.pdf.name,
                sha256=hashlib.sha256(content).hexdigest(),
            )
            if finished:
                from budget.tasks.reports import email_report_link

                after_commit(email_report_link, run_id)
    return ReportRun.objects.get(pk=run_id)


def report_fail(*, run_id: int, message: str) -> None:
    ReportRun.objects.filter(pk=run_id, status__in=PENDING).update(
        status=ReportRunStatus.FAILED, finished_at=timezone.now(), message=message[:2000]
    )


def report_request_year_end(*, today: datetime.date | None = None) -> list[ReportRun]:
    """Both reports for the financial year that ended most recently (the schedule runs after 31 March)."""
    today = today or timezone.localdate()
    start_year = int(year_label_for(today)[:4]) - 1
    year = financial_year_get_or_create(label=f"{start_year}/{(start_year + 1) % 100:02d}")
    return [report_request(kind=kind, year=year, by=None) for kind in ReportKind.values]


# Distribution to CELC: a signed, expiring link rather than an attachment.


def report_download_token(*, run: ReportRun, recipient: ReportRecipient | None = None) -> str:
    value = f"{run.pk}:{recipient.pk if recipient else 0}"
    return signing.TimestampSigner(salt=LINK_SALT).sign(value)


def report_for_token(*, token: str) -> ReportRun | None:
    """The finished run a download link points to, or None if the link is forged, expired, not ready, or its
    recipient has since been taken off the distribution list."""
    try:
        value = signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=LINK_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    run_id, _, recipient_id = value.partition(":")
    # A link emailed to a CELC recipient works only while they are on the list: deactivating them ends it.
    if recipient_id not in ("", "0") and not ReportRecipient.objects.filter(pk=recipient_id, active=True).exists():
        return None
    return ReportRun.objects.filter(pk=run_id, status=ReportRunStatus.DONE).exclude(pdf="").select_related("year").first()


def report_distribute(*, run_id: int, occurrence: str = "") -> int:
    """Email each active CELC recipient their own signed link to the finished report. Returns how many were sent now.

    Safe to run twice: each recipient gets one email per run (and per staff request to send it again, its occurrence).
    """
    run = ReportRun.objects.select_related("year").get(pk=run_id, status=ReportRunStatus.DONE)
    expires = timezone.localdate() + LINK_MAX_AGE
    key = f"report-ready:run={run.pk}" + (f":again={occurrence}" if occurrence else "")
    sent = 0
    for recipient in ReportRecipient.objects.filter(active=True):
        link = settings.PORTAL_URL.rstrip("/") + reverse(
            "reports:download-link", kwargs={"token": report_download_token(run=run, recipient=recipient)}
        )
        body = render_to_string("reports/email/report_ready.txt", {"run": run, "recipient": recipient, "link": link, "expires": expires})
        sent += email_send_once(key=key, recipient=recipient.email, subject=f"LOTI {run.get_kind_display()} {run.year.label}", body=body)
    return sent


def report_distribute_again(*, run_ids: list[int]) -> int:
    """Staff ask for the link to go out again: queued for after commit, one occurrence per request. Returns how many runs."""
    from budget.tasks.reports import email_report_link

    for run_id in run_ids:
        after_commit(email_report_link, run_id, occurrence=uuid.uuid4().hex)
    return len(run_ids)

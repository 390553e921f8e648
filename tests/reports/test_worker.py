"""A real Celery worker against the real Redis and the test database: reports requested in the admin are
produced and downloadable; a worker killed mid-report is replaced and the report completes once, whether the
broker redelivers its message or the sweep puts the abandoned run back in the queue; a request made while Redis
is unreachable is kept and runs once the broker is back."""

import ast
import hashlib
import json
import os
import time
from pathlib import Path

import psycopg
import pytest
import redis
from django.db import connection

from budget.models import ReportRun
from budget.services.reports import (
    ABANDONED_MESSAGE,
    ADVISORY_LOCK_CLASS,
    BROKER_DOWN_MESSAGE,
    MAX_ATTEMPTS,
    report_request,
    report_sweep_queued,
)
from loti.models import FinancialYear

from .celery_control import REDIS_URL, UNREACHABLE_REDIS, Worker, using_broker
from .pdf_reading import pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env(transactional_db, settings, tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()  # this suite's own Redis database
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    database = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loti.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(media),
    }


@pytest.fixture
def workers(worker_env, tmp_path):
    started: list[Worker] = []

    def start(name: str, **extra) -> Worker:
        worker = Worker(name, {**worker_env, **extra}, tmp_path)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(run_id: int, status: str, timeout: float = 90, logs: list | None = None) -> ReportRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = ReportRun.objects.get(pk=run_id)
        if run.status == status:
            return run
        time.sleep(0.3)
    detail = "\n".join(w.log.read_text() for w in logs or [])
    raise TimeoutError(f"Run {run_id} is {run.status} ({run.progress}%), not {status}\n{detail}")


def test_a_report_requested_in_the_admin_is_produced_and_downloadable(workers, published_budget, staff_client):
    worker = workers("alpha")
    with using_broker(REDIS_URL):
        response = staff_client.post("/admin/budget/reportrun/add/", {"kind": "budget", "year": "2020/21"})
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert run.requested_by.email == "staff@loti.london"

    run = wait_for(run.pk, "done", logs=[worker])
    assert run.progress == 100 and run.data_as_of and run.attempts == 1
    page = staff_client.get(f"/admin/budget/reportrun/{run.pk}/change/")
    assert "Download PDF" in page.content.decode()

    download = staff_client.get(f"/admin/budget/reportrun/{run.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == run.sha256
    text = pdf_text(content)
    assert "£1,000,000" in text and "£44,000" in text  # a board paper: whole pounds


def test_a_worker_killed_mid_report_is_replaced_and_the_report_completes_once(workers, published_budget, settings):
    # Each render step pauses, and unacknowledged messages come back after 5 s rather than 2 hours.
    slow = {"REPORT_RENDER_DELAY": "3", "CELERY_VISIBILITY_TIMEOUT": "5"}
    first = workers("doomed", **slow)
    with using_broker(REDIS_URL):
        run = report_request(kind="budget", year=FinancialYear.objects.get(label="2020/21"), by=None)
    wait_for(run.pk, "running", logs=[first])
    first.kill()
    assert ReportRun.objects.get(pk=run.pk).status == "running"  # left behind by the dead worker

    second = workers("replacement", **slow)
    run = wait_for(run.pk, "done", timeout=120, logs=[first, second])
    assert ReportRun.objects.filter(kind="budget", year__label="2020/21").count() == 1
    assert run.attempts == 2  # claimed by the first worker, then taken over by the second
    pdfs = list((Path(settings.MEDIA_ROOT) / "reports").glob("*.pdf"))
    assert len(pdfs) == 1
    assert hashlib.sha256(pdfs[0].read_bytes()).hexdigest() == run.sha256
    # A late duplicate delivery finds it done and does not redo it.
    time.sleep(6)
    assert ReportRun.objects.get(pk=run.pk).finished_at == run.finished_at


def test_a_whole_worker_killed_mid_report_is_put_back_in_the_queue_by_the_sweep(workers, published_budget, settings):
    # The broker's visibility timeout stays at 2 hours: only the sweep can bring this run back.
    first = workers("lost", REPORT_RENDER_DELAY="3")
    with using_broker(REDIS_URL):
        run = report_request(kind="budget", year=FinancialYear.objects.get(label="2020/21"), by=None)
        wait_for(run.pk, "running", logs=[first])
        first.kill()
        assert ReportRun.objects.get(pk=run.pk).status == "running"  # left behind by the dead worker

        second = workers("new", REPORT_RENDER_DELAY="0.5")
        # PostgreSQL frees the dead worker's lock once it sees its connection closed; until then the run is left alone.
        deadline = time.monotonic() + 30
        handed_back = report_sweep_queued()
        while not handed_back and time.monotonic() < deadline:
            time.sleep(0.3)
            handed_back = report_sweep_queued()
        assert handed_back == 1
        run = wait_for(run.pk, "done", logs=[first, second])
        assert report_sweep_queued() == 0  # nothing left to hand back

    assert ReportRun.objects.filter(kind="budget", year__label="2020/21").count() == 1
    assert run.attempts == 2 and run.message == "" and run.progress == 100
    pdfs = list((Path(settings.MEDIA_ROOT) / "reports").glob("*.pdf"))
    assert len(pdfs) == 1
    assert hashlib.sha256(pdfs[0].read_bytes()).hexdigest() == run.sha256


def queued_runs() -> list[int]:
    """The run ids of the produce_report messages waiting in this suite's Redis database."""
    messages = [json.loads(raw) for raw in redis.Redis.from_url(REDIS_URL).lrange("celery", 0, -1)]
    # argsrepr is the repr of the args tuple, e.g. "(12,)".
    return [
        ast.literal_eval(m["headers"]["argsrepr"])[0] for m in messages if m["headers"]["task"] == "budget.tasks.reports.produce_report"
    ]


def running_run(year: FinancialYear, *, attempts: int) -> ReportRun:
    return ReportRun.objects.create(kind="budget", year=year, status="running", progress=50, attempts=attempts)


def test_the_sweep_leaves_a_run_alone_while_a_worker_holds_its_lock(worker_env, published_budget):
    run = running_run(published_budget, attempts=1)
    database = connection.settings_dict
    live_worker = psycopg.connect(
        host=database["HOST"], port=database["PORT"], user=database["USER"], dbname=database["NAME"], autocommit=True
    )
    assert live_worker.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_LOCK_CLASS, run.pk]).fetchone()[0]  # type: ignore[index]  # SELECT of a function: one row
    with using_broker(REDIS_URL):
        assert report_sweep_queued() == 0
        run.refresh_from_db()
        assert (run.status, run.progress, run.attempts, run.message) == ("running", 50, 1, "")
        assert queued_runs() == []

        live_worker.close()  # the worker dies: the server frees its lock
        assert report_sweep_queued() == 1
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts, run.message) == ("queued", 0, 1, ABANDONED_MESSAGE)
    assert queued_runs() == [run.pk]


def test_a_run_whose_worker_dies_every_time_is_stopped_not_retried_for_ever(worker_env, published_budget):
    run = running_run(published_budget, attempts=MAX_ATTEMPTS)
    with using_broker(REDIS_URL):
        assert report_sweep_queued() == 0
    run.refresh_from_db()
    assert run.status == "failed" and run.finished_at and f"{MAX_ATTEMPTS} attempts" in run.message
    assert queued_runs() == []


def test_a_request_while_redis_is_down_is_kept_and_runs_once_the_broker_is_back(workers, published_budget, staff_client):
    with using_broker(UNREACHABLE_REDIS):
        response = staff_client.post("/admin/budget/reportrun/add/", {"kind": "budget", "year": "2020/21"}, follow=True)
        assert response.status_code == 200  # the portal still answers
        assert "Waiting for the task queue" in response.content.decode()
        run = ReportRun.objects.get()
        assert run.status == "queued" and run.message == BROKER_DOWN_MESSAGE
        assert report_sweep_queued() == 0  # still down: nothing handed over, the run waits
    worker = workers("after-outage")
    with using_broker(REDIS_URL):
        assert report_sweep_queued() == 1
    run = wait_for(run.pk, "done", logs=[worker])
    assert run.message == "" and run.sha256
    assert ReportRun.objects.count() == 1


# Invoices (issue 17): here because the worker tests share one Redis database, and a file's tests run together.
from tests.fees.conftest import members  # noqa: E402,F401
from tests.invoices.conftest import SUPPLIER, billed  # noqa: E402,F401


def test_a_failed_invoice_send_is_retried_by_the_worker_and_sent_once(workers, billed, settings, tmp_path):  # noqa: F811
    """The first two sends fail: the invoice shows it while it waits, the worker retries with back-off, and the
    borough's accounts payable gets the PDF once, the same bytes as the portal serves."""
    import email

    from budget.models import Invoice
    from budget.services.invoice_pdf import invoice_pdf
    from budget.services.invoicing import invoices_issue

    for name, value in SUPPLIER.items():
        setattr(settings, name, value)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    (mail_dir / "failures_left").write_text("2")
    worker = workers(
        "invoices",
        **SUPPLIER,
        TEST_EMAIL_BACKEND="tests.invoices.backends.FileFlakyBackend",
        FLAKY_MAIL_DIR=str(mail_dir),
        LOTI_INVOICE_SEND_RETRY_SECONDS="1",
    )
    with using_broker(REDIS_URL):
        invoices_issue(year=billed.year)
    invoice = Invoice.objects.get(organisation=billed.camden)
    seen_retrying = False
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        invoice.refresh_from_db()
        seen_retrying |= "trying again in" in invoice.send_error
        if invoice.sent_at:
            break
        time.sleep(0.1)
    log = worker.log.read_text()
    assert invoice.sent_at is not None, log
    assert seen_retrying, "the failure was never shown while the job waited to retry"
    assert invoice.send_attempts == 3 and invoice.send_error == "" and invoice.sent_to == "ap.invoices@camden.example"
    time.sleep(1)  # anything sent twice would have arrived by now
    sent = [email.message_from_bytes(path.read_bytes()) for path in sorted(mail_dir.glob("*.eml"))]
    to_finance = [message for message in sent if message["To"] == "ap.invoices@camden.example"]
    assert len(to_finance) == 1
    [attachment] = [part for part in to_finance[0].walk() if part.get_filename() == invoice.number + ".pdf"]
    assert attachment.get_payload(decode=True) == invoice_pdf(invoice=invoice)
    assert "Retry in 1s" in log and "Retry in 2s" in log

"""A real Celery worker on the real Redis: an invoice whose first sends fail is retried with back-off and sent
once, the failure visible on the invoice while it waits, and the PDF finance gets is the one the portal serves."""
import email
import os
import subprocess
import sys
import time

import pytest
import redis
from django.db import connection

from budget.models import Invoice
from budget.services.invoice_pdf import invoice_pdf
from budget.services.invoicing import invoices_issue
from loti.celery import app as celery_app
from tests.reports.celery_control import REDIS_URL, ROOT, Worker, using_broker

from .conftest import SUPPLIER

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
# Its own queue on the shared test Redis: the reports' worker tests may run at the same time in another process.
QUEUE = "loti-test-invoices"


class QueueWorker(Worker):
    def __init__(self, name: str, env: dict, log_dir):
        self.log = log_dir / f"{name}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "loti", "worker", "-n", f"{name}@%h", "-Q", QUEUE, "--pool=prefork",
             "--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )


@pytest.fixture
def worker(transactional_db, tmp_path):
    redis.Redis.from_url(REDIS_URL).delete(QUEUE)  # only this test's queue: another test's may be in use
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    (mail_dir / "failures_left").write_text("2")
    database = connection.settings_dict
    env = {
        **os.environ,
        **SUPPLIER,
        "DJANGO_SETTINGS_MODULE": "loti.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "TEST_EMAIL_BACKEND": "tests.invoices.backends.FileFlakyBackend",
        "FLAKY_MAIL_DIR": str(mail_dir),
        "LOTI_INVOICE_SEND_RETRY_SECONDS": "1",
    }
    started = QueueWorker("invoices", env, tmp_path)
    started.wait_ready()
    yield started, mail_dir
    started.stop()


def test_a_failed_send_is_retried_by_the_worker_and_sent_once(worker, billed):
    process, mail_dir = worker
    routes = celery_app.conf.task_routes
    celery_app.conf.task_routes = {"budget.tasks.invoices.*": {"queue": QUEUE}}
    try:
        with using_broker(REDIS_URL):
            invoices_issue(year=billed.year)
    finally:
        celery_app.conf.task_routes = routes
    invoice = Invoice.objects.get(organisation=billed.camden)
    seen_retrying = False
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        invoice.refresh_from_db()
        seen_retrying |= "trying again in" in invoice.send_error
        if invoice.sent_at:
            break
        time.sleep(0.1)
    assert invoice.sent_at is not None, process.log.read_text()
    assert seen_retrying, "the failure was never shown while the job waited to retry"
    assert invoice.send_attempts == 3 and invoice.send_error == "" and invoice.sent_to == "ap.invoices@camden.example"
    time.sleep(1)  # anything sent twice would have arrived by now
    sent = [email.message_from_bytes(path.read_bytes()) for path in sorted(mail_dir.glob("*.eml"))]
    to_finance = [message for message in sent if message["To"] == "ap.invoices@camden.example"]
    assert len(to_finance) == 1
    [attachment] = [part for part in to_finance[0].walk() if part.get_filename() == invoice.number + ".pdf"]
    assert attachment.get_payload(decode=True) == invoice_pdf(invoice=invoice)
    assert "Retry in 1s" in process.log.read_text() and "Retry in 2s" in process.log.read_text()

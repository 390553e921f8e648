"""One helper starts a task after a write (loti.tasks.after_commit), and email always goes from a task."""

import ast
from pathlib import Path
from unittest import mock

import pytest
from django.db import transaction

from loti.tasks import after_commit, send_email

ROOT = Path(__file__).resolve().parent.parent
APPS = ["loti", "members", "projects", "budget", "opendata"]
# Where transaction.on_commit may be called, and why.
ON_COMMIT_ALLOWED = {
    "loti/tasks.py": "after_commit itself",
    "loti/data_versions.py": "bumps the public cache's version after a write: no task, no email",
}
# Where a mail is put together and handed to the mail server: each is run by a Celery task only.
MAIL_SENDERS = {
    "loti/services.py",  # email_send_once: send_email, notify_project, email_report_link... call it
    "budget/services/invoice_sending.py",  # invoice_send: the send_invoice_to_finance task
}
MAIL_CALLS = {"send_mail", "send_mass_mail", "EmailMessage", "EmailMultiAlternatives", "send_messages", "mail_admins"}


def calls_in(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, path


def test_only_after_commit_waits_for_the_commit():
    found = [relative for relative, path in app_modules() if "on_commit" in calls_in(path) and relative not in ON_COMMIT_ALLOWED]
    assert found == [], "Start tasks after a write with loti.tasks.after_commit(task, *args), not transaction.on_commit"


def test_mail_is_put_together_only_where_a_task_sends_it():
    found = [relative for relative, path in app_modules() if calls_in(path) & MAIL_CALLS and relative not in MAIL_SENDERS]
    assert found == [], "Send email from a task: after_commit(send_email, key=..., subject=..., body=..., recipients=[...])"


def test_email_send_once_is_called_only_by_tasks_and_the_services_they_run():
    callers = [relative for relative, path in app_modules() if "email_send_once" in calls_in(path)]
    # loti/tasks.py: send_email; invoice_sending: invoice_send and the officers' notice; reports: report_distribute.
    assert sorted(callers) == ["budget/services/invoice_sending.py", "budget/services/reports.py", "loti/tasks.py"]


@pytest.mark.django_db(transaction=True)
def test_the_task_is_queued_after_the_commit_and_never_after_a_rollback():
    with mock.patch.object(send_email, "apply_async") as queued:
        with transaction.atomic():
            after_commit(send_email, key="k", subject="s", body="b", recipients=["a@example.org"])
            assert queued.call_count == 0  # not while the transaction is open
        assert queued.call_args.kwargs == {
            "args": (),
            "kwargs": {"key": "k", "subject": "s", "body": "b", "recipients": ["a@example.org"]},
            "retry": False,
        }
        queued.reset_mock()

        def write_that_fails():
            with transaction.atomic():
                after_commit(send_email, key="k", subject="s", body="b", recipients=["a@example.org"])
                raise RuntimeError("the write failed")

        with pytest.raises(RuntimeError):
            write_that_fails()
        assert queued.call_count == 0


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_is_told_to_the_caller_not_raised():
    told: list[Exception] = []
    with mock.patch.object(send_email, "apply_async", side_effect=ConnectionError("broker down")), transaction.atomic():
        after_commit(send_email, key="k", subject="s", body="b", recipients=["a@example.org"], if_not_queued=told.append)
    assert [str(error) for error in told] == ["broker down"]

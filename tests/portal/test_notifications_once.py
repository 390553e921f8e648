"""A notification task that runs twice (a retry, a worker lost after sending, a duplicate message) mails each person once.

Each task sends through loti.services.email_send_once, which records a SentEmail per notification and recipient.
"""

import smtplib
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail

from loti.models import SentEmail
from loti.services import email_send_once
from loti.tasks import send_email
from members.services import billing_change_request, officer_approve
from projects import services
from projects.models import Project, ProjectStatus
from projects.tasks import notify_project

from .conftest import make_project, person


@pytest.fixture
def submitted(loti):
    project = make_project(
        "Shared cyber pilot", lead=loti.camden, status=ProjectStatus.PROPOSED, others=[loti.hackney], pillar=loti.pillar, scored=True
    )
    Project.objects.filter(pk=project.pk).update(proposed_by=loti.camden_officer, year=loti.year, funding_requested=Decimal("30000"))
    project.refresh_from_db()
    return project


def queued_calls(task_path: str, act) -> list:
    """The task messages a service hands to the broker once its transaction commits (not run here)."""
    with mock.patch(f"{task_path}.apply_async") as apply_async:
        act()
    return [(call.kwargs["args"], call.kwargs["kwargs"]) for call in apply_async.call_args_list]


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_decision_task_run_twice_mails_each_proposer_once(loti, submitted, django_capture_on_commit_callbacks):
    def act():
        with django_capture_on_commit_callbacks(execute=True):
            services.project_reject(project=submitted, reason="Not this year", rejected_by=loti.staff)

    [(args, kwargs)] = queued_calls("projects.tasks.notify_project", act)
    notify_project.apply(args=args, kwargs=kwargs)
    assert recipients() == sorted([loti.camden_officer.email, loti.hackney_officer.email])
    notify_project.apply(args=args, kwargs=kwargs)  # the same message delivered again
    assert recipients() == sorted([loti.camden_officer.email, loti.hackney_officer.email])
    assert SentEmail.objects.filter(key__startswith=f"project-rejected:project={submitted.pk}:").count() == 2


def test_the_same_event_happening_again_is_a_new_notification(loti, submitted, django_capture_on_commit_callbacks):
    """Returned, resubmitted and returned again: the proposers hear both times (each return is its own occurrence)."""
    with django_capture_on_commit_callbacks(execute=True):
        services.project_return_for_changes(project=submitted, note="Say how you will measure it", returned_by=loti.staff)
    Project.objects.filter(pk=submitted.pk).update(status=ProjectStatus.PROPOSED)
    with django_capture_on_commit_callbacks(execute=True):
        services.project_return_for_changes(project=submitted, note="And who owns the data", returned_by=loti.staff)
    assert [m.to for m in mail.outbox].count([loti.camden_officer.email]) == 2


def test_a_mail_server_failure_leaves_no_record_so_the_retry_sends(loti, submitted, django_capture_on_commit_callbacks):
    def act():
        with django_capture_on_commit_callbacks(execute=True):
            services.project_return_for_changes(project=submitted, note="Add a budget", returned_by=loti.staff)

    [(args, kwargs)] = queued_calls("projects.tasks.notify_project", act)
    with (
        mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=smtplib.SMTPServerDisconnected("gone")),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        notify_project.apply(args=args, kwargs=kwargs, throw=True, retries=3)  # the last retry: it raises
    assert mail.outbox == [] and not SentEmail.objects.exists()
    notify_project.apply(args=args, kwargs=kwargs)
    notify_project.apply(args=args, kwargs=kwargs)
    assert recipients() == sorted([loti.camden_officer.email, loti.hackney_officer.email])


def test_account_and_billing_mails_run_twice_go_once(loti, settings, django_capture_on_commit_callbacks):
    settings.LOTI_INVOICE_CONTACT = "invoices@loti.example"
    newcomer = person("new.lead@camden.gov.uk", loti.camden, approved=False)

    def act():
        with django_capture_on_commit_callbacks(execute=True):
            officer_approve(user=newcomer, approved_by=loti.staff)
            billing_change_request(organisation=loti.camden, requested_by=loti.camden_officer, change="New PO: 123")

    calls = queued_calls("loti.tasks.send_email", act)
    assert len(calls) == 2
    for _ in range(2):
        for args, kwargs in calls:
            send_email.apply(args=args, kwargs=kwargs)
    assert recipients() == ["invoices@loti.example", "new.lead@camden.gov.uk"]


def test_email_send_once_keys_by_notification_and_recipient(db):
    assert email_send_once(key="test:1", recipient="a@camden.example", subject="Line one\nline two", body="Hello")
    assert not email_send_once(key="test:1", recipient="A@Camden.example", subject="Again", body="Hello")
    assert email_send_once(key="test:1", recipient="b@camden.example", subject="Hi", body="Hello")
    assert email_send_once(key="test:2", recipient="a@camden.example", subject="Hi", body="Hello")
    assert mail.outbox[0].subject == "Line one line two"
    assert len(mail.outbox) == 3


SIGN_UP = {"email": "new.lead@camden.gov.uk", "password1": "river-boat-lantern-42", "password2": "river-boat-lantern-42"}


def confirmations() -> list:
    return [m for m in mail.outbox if m.to == [SIGN_UP["email"]] and "confirm-email" in m.body]


def test_allauths_confirmation_is_sent_by_the_task_after_the_sign_up_commits_and_once(client, loti, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/accounts/signup/", SIGN_UP)
    assert response.status_code == 302 and confirmations() == []  # nothing is mailed inside the request
    for callback in callbacks:
        callback()
    [message] = confirmations()
    assert message.subject.startswith("[LOTI Portal] ") and "http://testserver/accounts/confirm-email/" in message.body
    for callback in callbacks:  # the same task delivered again
        callback()
    assert len(confirmations()) == 1


def test_a_mail_server_that_is_down_does_not_fail_the_sign_up_page(client, loti, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.invoices.backends.DownBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", SIGN_UP)
    assert response.status_code == 302 and confirmations() == []
    assert not SentEmail.objects.filter(recipient=SIGN_UP["email"]).exists()  # not claimed: a retry still sends it

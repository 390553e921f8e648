"""Report runs in-process: one run per pending request, produced once, CELC emailed a signed expiring link,
the pages and downloads only for staff and approved officers."""

import datetime
from typing import Any
from unittest import mock

import pytest
from django.core import mail, signing
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from budget.models import ReportRecipient, ReportRun
from budget.services.reports import (
    report_download_token,
    report_produce,
    report_request,
    report_request_year_end,
)
from members.models import Organisation


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_the_same_request_twice_gives_one_run(published_budget, staff_user, django_capture_on_commit_callbacks):
    with mock.patch("budget.tasks.reports.produce_report.apply_async") as enqueue, django_capture_on_commit_callbacks(execute=True):
        first = report_request(kind="budget", year=published_budget, by=staff_user)
        second = report_request(kind="budget", year=published_budget, by=None)
    assert first.pk == second.pk and ReportRun.objects.count() == 1
    assert enqueue.call_count == 1  # handed to the broker once, after the commit
    other = report_request(kind="evaluation", year=published_budget, by=staff_user)
    assert other.pk != first.pk


def test_a_done_run_is_not_redone_and_a_new_request_makes_a_new_run(published_budget, staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(kind="budget", year=published_budget, by=staff_user)  # eager: produced at commit
    run.refresh_from_db()
    assert run.status == "done" and run.progress == 100 and len(run.sha256) == 64
    finished = run.finished_at
    again = report_produce(run_id=run.pk)
    assert again.finished_at == finished and again.attempts == 1
    newer = report_request(kind="budget", year=published_budget, by=staff_user)
    assert newer.pk != run.pk and newer.status == "queued" and ReportRun.objects.count() == 2


def test_celc_is_emailed_a_signed_link_that_expires(published_budget, staff_user, client, django_capture_on_commit_callbacks):
    ReportRecipient.objects.create(name="Chair of CELC", email="chair@celc.example")
    ReportRecipient.objects.create(name="Former member", email="former@celc.example", active=False)
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(kind="budget", year=published_budget, by=staff_user)
    assert [message.to for message in mail.outbox] == [["chair@celc.example"]]
    message = mail.outbox[0]
    assert not message.attachments
    link = next(line for line in message.body.splitlines() if "/reports/link/" in line).strip()
    path = link.split("127.0.0.1:8000", 1)[1]
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    assert client.get(path[:-3] + "xyz/").status_code == 404  # tampered
    later = timezone.now() + datetime.timedelta(days=15)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        assert client.get(path).status_code == 404  # expired
    run.refresh_from_db()
    assert signing.TimestampSigner(salt="budget.report-download").unsign(report_download_token(run=run)).startswith(f"{run.pk}:")


def test_the_celc_email_task_run_twice_sends_each_link_once(published_budget, staff_user, django_capture_on_commit_callbacks):
    from budget.tasks.reports import email_report_link

    ReportRecipient.objects.create(name="Chair of CELC", email="chair@celc.example")
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(kind="budget", year=published_budget, by=staff_user)
    email_report_link.apply(args=(run.pk,))  # a retry, or the message delivered twice
    assert [message.to for message in mail.outbox] == [["chair@celc.example"]]


def test_staff_sending_the_link_again_is_a_new_email(published_budget, staff_user, staff_client, django_capture_on_commit_callbacks):
    ReportRecipient.objects.create(name="Chair of CELC", email="chair@celc.example")
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(kind="budget", year=published_budget, by=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/admin/budget/reportrun/", {"action": "email_celc", "_selected_action": [run.pk]}, follow=True)
    assert "is being emailed to the CELC distribution list" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["chair@celc.example"], ["chair@celc.example"]]


@pytest.mark.django_db
def test_the_sweep_and_year_end_schedules_exist():
    tasks = dict(PeriodicTask.objects.values_list("task", "enabled"))
    assert tasks["budget.tasks.reports.sweep_queued_reports"] is True
    assert tasks["budget.tasks.reports.produce_year_end_reports"] is True
    year_end = PeriodicTask.objects.get(task="budget.tasks.reports.produce_year_end_reports").crontab
    assert (year_end.day_of_month, year_end.month_of_year) == ("1", "4")


def test_year_end_requests_both_reports_for_the_year_just_ended(published_budget):
    runs = report_request_year_end(today=datetime.date(2021, 4, 1))
    assert sorted(run.kind for run in runs) == ["budget", "evaluation"]
    assert {run.year.label for run in runs} == {"2020/21"}


def officer(django_user_model, email, approved=True):
    borough, _ = Organisation.objects.get_or_create(
        gss_code="E09000007", defaults={"name": "Camden", "slug": "camden", "kind": "london_borough"}
    )
    return django_user_model.objects.create_user(
        username=email,
        email=email,
        password="x" * 12,
        organisation=borough,
        organisation_approved_at=timezone.now() if approved else None,
    )


def test_admin_request_form_and_progress(published_budget, staff_client, django_capture_on_commit_callbacks):
    page = staff_client.get("/admin/budget/reportrun/add/")
    assert page.status_code == 200 and "Request the report" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/admin/budget/reportrun/add/", {"kind": "evaluation", "year": "2020/21"})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{run.pk}/change/")
    listing = staff_client.get("/admin/budget/reportrun/").content.decode()
    assert "<progress" in listing and "Download PDF" in listing
    bad = staff_client.post("/admin/budget/reportrun/add/", {"kind": "nonsense", "year": "2020/21"})
    assert bad.status_code == 200 and ReportRun.objects.count() == 1


ANONYMOUS, OFFICER, PENDING, STAFF = "anonymous", "officer", "pending", "staff"
# GET answers per person; every one of these pages refuses POST (405).
PAGES: dict[str, dict[str, Any]] = {
    "reports:budget": {ANONYMOUS: "login", OFFICER: 200, PENDING: 403, STAFF: 200},
    "reports:budget-year": {ANONYMOUS: "login", OFFICER: 200, PENDING: 403, STAFF: 200},
    "reports:public-budget": {ANONYMOUS: 200, OFFICER: 200, PENDING: 200, STAFF: 200},
    "reports:public-budget-year": {ANONYMOUS: 200, OFFICER: 200, PENDING: 200, STAFF: 200},
    "reports:runs": {ANONYMOUS: "login", OFFICER: 200, PENDING: 403, STAFF: 200},
    "reports:download": {ANONYMOUS: "login", OFFICER: 200, PENDING: 403, STAFF: 200},
    "reports:download-link": {ANONYMOUS: 200, OFFICER: 200, PENDING: 200, STAFF: 200},
}


def test_every_report_url_has_a_case():
    from django.urls import get_resolver

    names = {f"reports:{name}" for name in get_resolver().namespace_dict["reports"][1].reverse_dict if isinstance(name, str)}
    assert names == set(PAGES)


@pytest.mark.parametrize("role", [ANONYMOUS, OFFICER, PENDING, STAFF])
def test_budget_pages_and_downloads_answer_each_person(
    published_budget, staff_user, client, django_user_model, role, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(kind="budget", year=published_budget, by=staff_user)
    run.refresh_from_db()
    people = {
        OFFICER: lambda: officer(django_user_model, "cio@camden.gov.uk"),
        PENDING: lambda: officer(django_user_model, "new@camden.gov.uk", approved=False),
        STAFF: lambda: staff_user,
    }
    if role in people:
        client.force_login(people[role]())
    kwargs: dict[str, dict[str, Any]] = {
        "reports:budget-year": {"year": "2020-21"},
        "reports:public-budget-year": {"year": "2020-21"},
        "reports:download": {"pk": run.pk},
        "reports:download-link": {"token": report_download_token(run=run)},
    }
    for name, answers in PAGES.items():
        url = reverse(name, kwargs=kwargs.get(name))
        response = client.get(url)
        if answers[role] == "login":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
        else:
            assert response.status_code == answers[role], (name, response.status_code)
        assert client.post(url).status_code in (405, 302 if answers[role] == "login" else 405), name
    if role in (OFFICER, STAFF):
        page = client.get(reverse("reports:budget")).content.decode()
        for figure in ("£1,000,000.00", "£556,000.00", "£444,000.00", "£400,000.00", "£44,000.00"):
            assert figure in page
        assert "Variance" in page and "Over the years" in page
    public = client.get(reverse("reports:public-budget")).content.decode()
    assert "£44,000.00" in public and "Variance" not in public  # the plan, not the actuals

"""A project's status changes are recorded with their day and who made them, and the services set the start and
end dates the evaluation counts by; the admin lists what keeps an evaluation figure from being right."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from loti.services import financial_year_get_or_create
from projects import services
from projects.evaluation import counted_projects
from projects.models import Benefit, ProjectStatus, ProjectStatusChange
from projects.selectors import project_status_on

from .conftest import make_project

DAY = datetime.timedelta(days=1)


def changes(project):
    return list(
        ProjectStatusChange.objects.filter(project=project).values_list("previous_status", "status", "date", "changed_by__email", "note")
    )


def test_approval_and_the_first_update_record_the_change_and_start_the_project(loti):
    project = make_project("Shared cyber response", lead=loti.camden, status=ProjectStatus.PROPOSED, others=[loti.hackney], scored=True)
    project = services.project_approve(project=project, amount=Decimal("20000"), approved_by=loti.staff)
    # An update dated before the approval starts the project on the day it was approved, never earlier.
    first_day = timezone.localdate()
    services.progress_update_post(
        project=project, author=loti.camden_officer, date=first_day - 3 * DAY, phase="discover", rag="green", text="Started"
    )
    project.refresh_from_db()
    # Start date: set by the service when the project becomes active, on the day its first update reports.
    assert (project.status, project.start_date, project.end_date) == (ProjectStatus.ACTIVE, first_day, None)
    today = timezone.localdate()
    assert changes(project) == [
        ("proposed", "approved", today, loti.staff.email, ""),
        ("approved", "active", first_day, loti.camden_officer.email, "First progress update"),
    ]
    # A later update changes nothing about the start.
    services.progress_update_post(project=project, author=loti.camden_officer, date=today, phase="define", rag="green", text="More")
    project.refresh_from_db()
    assert project.start_date == first_day and len(changes(project)) == 2


def test_completing_sets_the_end_date_and_the_project_is_delivered_in_that_year(loti):
    project = make_project("Shared cyber response", lead=loti.camden, status=ProjectStatus.ACTIVE)
    project.start_date = datetime.date(2020, 6, 1)
    project.save()
    services.project_complete(project=project, completed_by=loti.staff, on=datetime.date(2021, 2, 1), note="Toolkit published")
    project.refresh_from_db()
    assert (project.status, project.end_date) == (ProjectStatus.COMPLETED, datetime.date(2021, 2, 1))
    assert changes(project) == [("active", "completed", datetime.date(2021, 2, 1), loti.staff.email, "Toolkit published")]
    counted = counted_projects(year=financial_year_get_or_create(label="2020/21"))
    assert [p.title for p in counted.delivered] == ["Shared cyber response"] and counted.active == []
    # Its status on any past day can be told from the recorded changes.
    assert project_status_on(project=project, day=datetime.date(2021, 1, 31)) == ProjectStatus.ACTIVE  # what the change replaced
    assert project_status_on(project=project, day=datetime.date(2021, 2, 1)) == ProjectStatus.COMPLETED
    assert project_status_on(project=make_project("Never changed", lead=loti.camden), day=datetime.date(2021, 2, 1)) is None
    assert [p.title for p in counted_projects(year=financial_year_get_or_create(label="2021/22")).active] == []


def test_cancelling_needs_a_reason_and_a_cancelled_project_is_never_counted(loti):
    project = make_project("Shared cyber response", lead=loti.camden, status=ProjectStatus.APPROVED)
    with pytest.raises(ValidationError, match="Give the reason"):
        services.project_cancel(project=project, cancelled_by=loti.staff, reason="  ")
    services.project_cancel(project=project, cancelled_by=loti.staff, reason="The supplier withdrew")
    project.refresh_from_db()
    assert (project.status, project.end_date) == (ProjectStatus.CANCELLED, timezone.localdate())
    assert changes(project)[-1][1:] == ("cancelled", timezone.localdate(), loti.staff.email, "The supplier withdrew")
    counted = counted_projects(year=financial_year_get_or_create(on=timezone.localdate()))
    assert counted.delivered == [] and counted.active == [] and counted.undated == []


@pytest.mark.parametrize("status", [ProjectStatus.PROPOSED, ProjectStatus.COMPLETED, ProjectStatus.REJECTED])
def test_only_an_approved_or_active_project_ends(loti, status):
    project = make_project("Shared cyber response", lead=loti.camden, status=status)
    with pytest.raises(ValidationError, match="only an approved or active project can be completed"):
        services.project_complete(project=project, completed_by=loti.staff)
    assert not ProjectStatusChange.objects.exists()


def test_an_end_in_the_future_or_before_the_start_is_refused(loti):
    project = make_project("Shared cyber response", lead=loti.camden, status=ProjectStatus.ACTIVE)
    project.start_date = timezone.localdate() - 10 * DAY
    project.save()
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.project_complete(project=project, completed_by=loti.staff, on=timezone.localdate() + DAY)
    with pytest.raises(ValidationError, match="cannot be before it started"):
        services.project_complete(project=project, completed_by=loti.staff, on=timezone.localdate() - 11 * DAY)
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE and project.end_date is None and not ProjectStatusChange.objects.exists()


def test_staff_mark_a_project_completed_from_the_admin_and_see_its_status_history(client, loti):
    project = make_project("Shared cyber response", lead=loti.camden, status=ProjectStatus.ACTIVE)
    proposal = make_project("A proposal", lead=loti.camden, status=ProjectStatus.PROPOSED)
    client.force_login(loti.staff)
    changelist = reverse("admin:projects_project_changelist")
    page = client.post(changelist, {"action": "mark_completed", "_selected_action": [project.pk, proposal.pk]})
    assert page.status_code == 200 and "Completed on" in page.content.decode()
    done = timezone.localdate() - DAY
    response = client.post(
        changelist,
        {"action": "mark_completed", "_selected_action": [project.pk, proposal.pk], "apply": "1", "on": done.isoformat(), "note": ""},
        follow=True,
    )
    text = response.content.decode()
    assert "Mark completed: 1 project." in text and "A proposal: “A proposal” is proposed" in text
    project.refresh_from_db()
    assert (project.status, project.end_date) == (ProjectStatus.COMPLETED, done)
    change = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert "Status history" in change and loti.staff.email in change


def test_the_admin_lists_what_keeps_a_figure_from_being_right_each_record_linked(client, loti):
    undated = make_project("Nobody dated this", lead=loti.camden, status=ProjectStatus.ACTIVE)
    dated = make_project("Well kept", lead=loti.camden, status=ProjectStatus.ACTIVE)
    dated.start_date = timezone.localdate()
    dated.save()
    services.progress_update_post(
        project=dated, author=loti.camden_officer, date=timezone.localdate(), phase="discover", rag="green", text="Going"
    )
    benefit = Benefit.objects.create(project=dated, year=None, kind="time_saved", description="No year given", hours=Decimal("5"))
    client.force_login(loti.staff)
    page = client.get(reverse("admin:projects_data_quality")).content.decode()
    projects = reverse("admin:projects_project_changelist")
    assert f'<a href="{projects}?quality=undated">Approved, active or completed projects with neither a start date nor a year</a>' in page
    assert f"{reverse('admin:projects_benefit_changelist')}?quality=benefit_no_year" in page.replace("&amp;", "&")
    # The filtered list links each record to fix.
    listed = client.get(projects, {"quality": "undated"}).content.decode()
    assert reverse("admin:projects_project_change", args=[undated.pk]) in listed
    assert reverse("admin:projects_project_change", args=[dated.pk]) not in listed
    quiet = client.get(projects, {"quality": "no_recent_update"}).content.decode()
    assert reverse("admin:projects_project_change", args=[undated.pk]) in quiet and "Well kept" not in quiet
    benefits = client.get(reverse("admin:projects_benefit_changelist"), {"quality": "benefit_no_year"}).content.decode()
    assert reverse("admin:projects_benefit_change", args=[benefit.pk]) in benefits
    assert "Data quality" in client.get(projects).content.decode()  # linked from the projects list

"""The project directory and the borough home page run the same number of queries with 10 projects as with 1,000."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from budget.models import FeeSchedule
from budget.services.invoicing import invoices_issue
from members.models import MembershipTier
from projects.models import Benefit, Participant, ParticipantRole, ProgressUpdate, Project, ProjectStatus


def add_projects(loti, count: int, start: int = 0) -> None:
    projects = Project.objects.bulk_create(
        Project(
            title=f"Project {n:04d}",
            slug=f"project-{n:04d}",
            status=ProjectStatus.ACTIVE,
            pillar=loti.pillar,
            workstream=loti.workstream,
            outcome="Residents better off",
        )
        for n in range(start, start + count)
    )
    now = timezone.now()
    Participant.objects.bulk_create(
        [Participant(project=p, organisation=loti.camden, role=ParticipantRole.LEAD, accepted_at=now) for p in projects]
        + [Participant(project=p, organisation=loti.hackney, role=ParticipantRole.SUPPORTER, accepted_at=now) for p in projects]
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(project=p, date=timezone.localdate(), phase="discover", rag="green", text="ok") for p in projects
    )
    Benefit.objects.bulk_create(
        Benefit(project=p, year=loti.year, organisation=loti.camden, kind="time_saved", description="x", hours=Decimal("2"))
        for p in projects
    )


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/projects/", "/projects/?page=2", "/projects/?search=project&status=active", "/"])
def test_queries_do_not_grow_with_the_projects(client, loti, path):
    FeeSchedule.objects.create(year=loti.year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    invoices_issue(year=loti.year, issued_by=loti.staff)
    client.force_login(loti.camden_officer)
    add_projects(loti, 30)  # enough for a second page
    few = queries(client, path)
    add_projects(loti, 970, start=30)
    many = queries(client, path)
    assert few == many, f"{path}: {few} queries with 30 projects, {many} with 1,000"
    if path == "/":
        page = client.get("/").content.decode()
        assert "1000</span> projects joined" in page.replace("1,000", "1000")

"""The admin changes a project's status and approved funding only through the approval actions (issue 14): the change
form shows them read-only, and a crafted post that names them changes nothing."""

from decimal import Decimal

import pytest

from projects.models import Project, ProjectStatus, ProjectStatusChange

from .conftest import make_project

pytestmark = pytest.mark.django_db


def change_form_data(client, project: Project) -> dict:
    page = client.get(f"/admin/projects/project/{project.pk}/change/").context
    form = page["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name not in ("search_vector",)}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    for inline in page["inline_admin_formsets"]:  # the inlines' rows are left as they are
        data.update({f"{inline.formset.prefix}-TOTAL_FORMS": "0", f"{inline.formset.prefix}-INITIAL_FORMS": "0"})
    return data


def test_the_change_form_shows_status_and_funding_read_only(client, loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.PROPOSED, scored=True)
    client.force_login(loti.staff)
    page = client.get(f"/admin/projects/project/{project.pk}/change/")
    fields = page.context["adminform"].form.fields
    assert "status" not in fields and "funding_approved" not in fields and "decided_by" not in fields
    assert 'name="status"' not in page.content.decode()


def test_a_post_naming_status_and_funding_changes_neither(client, loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.PROPOSED, scored=True)
    client.force_login(loti.staff)
    data = change_form_data(client, project)
    data.update({"status": ProjectStatus.APPROVED, "funding_approved": "99999.00", "summary": "Edited by staff"})
    response = client.post(f"/admin/projects/project/{project.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"]
    project.refresh_from_db()
    assert project.summary == "Edited by staff"  # the form saved what it may
    assert (project.status, project.funding_approved, project.decided_by) == (ProjectStatus.PROPOSED, None, None)
    assert not ProjectStatusChange.objects.filter(project=project).exists()


def test_the_approval_action_is_the_way_and_records_who_decided(client, loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.PROPOSED, scored=True)
    client.force_login(loti.staff)
    response = client.post(
        "/admin/projects/project/",
        {"action": "approve_with_amount", "_selected_action": [project.pk], "apply": "1", "amount": "2500", "override_reason": ""},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.funding_approved, project.decided_by) == (ProjectStatus.APPROVED, Decimal("2500.00"), loti.staff)

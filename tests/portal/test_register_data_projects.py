"""Data projects: the proposal form asks the Data Projects Methodology's questions, and a data project whose
DPIA is needed cannot move to Develop until the DPIA is completed (service, page and admin)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from projects.models import DataMethodology, DpiaStatus, Phase, Project
from projects.services import progress_update_post

from .conftest import make_project


def data_project(loti, *, dpia=DpiaStatus.NEEDED, phase=Phase.DEFINE):
    project = make_project("Rough sleeping insights", lead=loti.camden, others=[loti.hackney], pillar=loti.pillar)
    Project.objects.filter(pk=project.pk).update(is_data_project=True, dpia_status=dpia, phase=phase)
    project.refresh_from_db()
    return project


def post_update(project, author, phase):
    return progress_update_post(project=project, author=author, date=timezone.localdate(), phase=phase, rag="green", text="Next phase")


@pytest.mark.parametrize("dpia", [DpiaStatus.NEEDED, DpiaStatus.IN_PROGRESS])
@pytest.mark.parametrize("phase", [Phase.DEVELOP, Phase.DELIVER])
def test_a_data_project_is_refused_at_develop_without_its_dpia(loti, dpia, phase):
    project = data_project(loti, dpia=dpia)
    with pytest.raises(ValidationError) as refused:
        post_update(project, loti.camden_officer, phase)
    assert "until its DPIA is completed" in " ".join(refused.value.messages)
    project.refresh_from_db()
    assert project.phase == Phase.DEFINE and not project.updates.exists()


def test_once_the_dpia_is_completed_it_moves_to_develop(loti):
    project = data_project(loti, dpia=DpiaStatus.COMPLETED)
    post_update(project, loti.camden_officer, Phase.DEVELOP)
    project.refresh_from_db()
    assert project.phase == Phase.DEVELOP


def test_a_data_project_that_needs_no_dpia_and_other_projects_move_freely(loti):
    project = data_project(loti, dpia=DpiaStatus.NOT_NEEDED)
    post_update(project, loti.camden_officer, Phase.DEVELOP)
    other = make_project("Not a data project", lead=loti.camden, others=[loti.hackney])
    post_update(other, loti.camden_officer, Phase.DELIVER)
    assert Project.objects.filter(phase__in=[Phase.DEVELOP, Phase.DELIVER]).count() == 2


def test_the_page_shows_the_rule_and_refuses_the_update(client, loti):
    project = data_project(loti)
    client.force_login(loti.camden_officer)
    page = client.get(f"/projects/{project.slug}/").content.decode()
    assert "cannot move to Develop until its DPIA is completed" in page
    response = client.post(
        f"/projects/{project.slug}/updates/new/",
        {"date": timezone.localdate().isoformat(), "phase": "develop", "rag": "green", "text": "On"},
    )
    assert response.status_code == 200 and "until its DPIA is completed" in response.content.decode()


def test_the_admin_refuses_the_move_and_says_why(client, loti):
    project = data_project(loti)
    client.force_login(loti.staff)
    form = client.get(f"/admin/projects/project/{project.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name not in ("search_vector",)}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data["phase"] = "develop"
    for prefix in ("participants", "scores", "updates", "outputs", "data_methodology"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(f"/admin/projects/project/{project.pk}/change/", data)
    assert response.status_code == 200
    assert "until its DPIA is completed" in response.content.decode()
    project.refresh_from_db()
    assert project.phase == Phase.DEFINE


def proposal(loti, **extra):
    return {
        "title": "Better housing repairs data",
        "summary": "",
        "outcome": "Tenants get repairs first time",
        "problems": "Repairs data is scattered",
        "hypotheses": "A shared view cuts repeat visits",
        "pillar": loti.pillar.pk,
        "workstream": "",
        "funding_requested": "",
        "replicable": "on",
        "outputs_gifted": "on",
        "invited_boroughs": [loti.hackney.pk],
        **extra,
    }


def test_the_proposal_form_asks_the_methodology_for_a_data_project(client, loti):
    client.force_login(loti.camden_officer)
    page = client.get("/projects/propose/").content.decode()
    assert "WHO could do WHAT differently if they had better information?" in page
    response = client.post("/projects/propose/", proposal(loti, is_data_project="on"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"data_actions", "data_insights", "data_data_needed", "data_legal_basis", "data_enablers", "data_dpia_needed"}
    assert not Project.objects.filter(title="Better housing repairs data").exists()
    answered = proposal(
        loti,
        is_data_project="on",
        data_actions="Repairs teams could plan visits",
        data_insights="A map of open repairs",
        data_data_needed="Repairs logs",
        data_legal_basis="Public task; DPIA to confirm",
        data_enablers="Training",
        data_dpia_needed="yes",
    )
    assert client.post("/projects/propose/", answered).status_code == 302
    project = Project.objects.get(title="Better housing repairs data")
    assert project.is_data_project and project.dpia_status == DpiaStatus.NEEDED
    assert DataMethodology.objects.get(project=project).insights == "A map of open repairs"


def test_a_proposal_that_is_not_a_data_project_is_not_asked(client, loti):
    client.force_login(loti.camden_officer)
    assert client.post("/projects/propose/", proposal(loti)).status_code == 302
    project = Project.objects.get(title="Better housing repairs data")
    assert not project.is_data_project and not DataMethodology.objects.filter(project=project).exists()

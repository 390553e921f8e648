"""The borough home shows a few projects and a few things to do, then says how many more and where they are."""

import re

from projects.models import ProgressUpdate, Project

from .test_queries import add_projects


def test_home_lists_the_ten_latest_projects_and_links_to_the_rest(client, loti):
    add_projects(loti, 30)
    newest = Project.objects.get(slug="project-0007")
    newest.save()  # changed last, so listed first
    client.force_login(loti.camden_officer)
    page = client.get("/").content.decode()
    rows = re.findall(r'href="/projects/(project-\d{4})/"', page)
    assert len(rows) == 10 and rows[0] == "project-0007"
    assert "The 10 most recently changed of 30 ongoing projects" in page
    assert f'href="/projects/?borough={loti.camden.pk}"' in page
    assert "30</span> projects joined (30 led)" in page


def test_home_names_ten_overdue_updates_and_counts_the_rest(client, loti):
    add_projects(loti, 25)
    ProgressUpdate.objects.filter(project__slug__in=["project-0003", "project-0004"]).delete()
    client.force_login(loti.camden_officer)
    page = client.get("/").content.decode()
    assert page.count("Post a progress update on") == 2  # the others were updated today

    ProgressUpdate.objects.all().delete()
    page = client.get("/").content.decode()
    assert page.count("Post a progress update on") == 10
    assert "15 more projects need a progress update" in page

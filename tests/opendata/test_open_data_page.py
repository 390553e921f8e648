"""/open-data/ lists every dataset with licence, format, size and last change; org-ids come with the organisations."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from members.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_page_lists_every_dataset_with_its_facts(grants, client):
    page = client.get("/open-data/").content.decode()
    for href in (
        "/open-data/360giving.json",
        "/open-data/360giving.csv",
        "/open-data/projects.csv",
        "/open-data/budget.csv",
        "/open-data/budget.json",
        "/register/public.csv",
        "/api/docs/",
        "/api/openapi.json",
    ):
        assert f'href="{href}"' in page, href
        assert client.get(href).status_code == 200, href
    assert "Open Government Licence v3.0" in page and page.count("OGL v3.0") >= 7
    assert "bytes" in page or "KB" in page
    assert "1 left out" in page and "No lead" in page  # the funded project with no lead borough, and why


def test_the_landing_page_and_every_footer_link_here(client, grants):
    assert 'href="/open-data/"' in client.get("/").content.decode()
    assert 'href="/open-data/"' in client.get("/projects/").content.decode()


def test_the_directory_csv_holds_what_the_directory_shows(grants, client):
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/projects.csv").content.decode())))
    by_title = {row["title"]: row for row in rows}
    assert "A secret draft" not in by_title
    cafe = by_title[grants["café"].title]
    assert cafe["lead_borough"] == "Hackney" and cafe["funding_approved"] == "12345.67"
    assert cafe["boroughs"].split("; ") == ["Camden", "Hackney", "Southwark"]  # as the project page lists them (by role)


def test_the_published_budget_files(reference_data, client, settings):
    years = json.loads(client.get("/open-data/budget.json").content)["years"]
    assert years[0]["year"] == "2020/21" and years[0]["funds_remaining"] == "444000.00" and "commentary" not in json.dumps(years)
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/budget.csv").content.decode())))
    assert {
        "year": "2020/21",
        "section": "expenditure",
        "name": "Thirty3 Platform",
        "amount": "57000.00",
        "status": "paid",
        "pillar": "",
    } in rows
    settings.PUBLISH_BUDGET_SUMMARY = False
    cache.clear()  # a setting, not data: it changes with a restart, which starts an empty local cache
    assert client.get("/open-data/budget.csv").status_code == 404
    assert 'href="/open-data/budget.csv"' not in client.get("/open-data/").content.decode()


def test_org_ids_are_in_the_reference_data(reference_data):
    ids = dict(Organisation.objects.values_list("name", "org_id"))
    assert ids["Camden"] == "GB-LAE-CMD" and ids["City of London"] == "GB-LAE-LND" and ids["Greater London Authority"] == "GB-LAE-GLA"
    assert sum(1 for name, value in ids.items() if value.startswith("GB-LAE-")) == 34
    assert ids["London Councils"] == "" and ids["Ministry of Housing, Communities and Local Government"] == ""


def test_org_ids_import_and_a_bad_one_is_named(db, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("name,kind,gss_code,org_id\nCamden,london_borough,E09000007,GB-LAE-CMD\n")
    call_command("import_data", "organisations", str(good), verbosity=0)
    assert Organisation.objects.get(name="Camden").org_id == "GB-LAE-CMD"
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind,gss_code,org_id\nHackney,london_borough,E09000012,hackney council\n")
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_data", "organisations", str(bad), stdout=io.StringIO(), stderr=errors)
    said = errors.getvalue()
    assert "line 2" in said.lower() and "org_id" in said and "GB-LAE-CMD" in said
    assert not Organisation.objects.filter(name="Hackney").exists()


def test_the_admins_data_quality_view_lists_funded_projects_with_no_lead(reference_data, staff_client):
    page = staff_client.get("/admin/projects/project/data-quality/").content.decode()
    assert "Projects LOTI funds with no lead borough" in page and "360Giving" in page
    listed = staff_client.get("/admin/projects/project/", {"quality": "funded_no_lead"}).content.decode()
    assert "Thirty3" in listed and "Digital DPIA tool" in listed and "City Tools" not in listed

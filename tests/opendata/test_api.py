"""The public read API: what it shows, what it never shows, its limits, and "changed since?"."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from budget.models import BudgetLine, Invoice, LedgerEntry
from loti.models import FinancialYear

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    response = client.get(url, **headers)
    return response, (json.loads(response.content) if response["Content-Type"].startswith("application/json") else None)


def test_projects_are_listed_with_the_directorys_filters_and_pages(grants, client):
    response, page = get(client, "/api/projects/")
    assert response.status_code == 200
    titles = [project["title"] for project in page["results"]]
    assert grants["café"].title in titles and "A secret draft" not in titles
    assert page["count"] == len(titles) == 4
    _, filtered = get(client, "/api/projects/?borough=E09000012")
    assert [project["title"] for project in filtered["results"]] == [grants["café"].title]
    _, found = get(client, "/api/projects/?search=tools")
    assert [project["title"] for project in found["results"]] == ["Shared tools"]
    _, by_pillar = get(client, "/api/projects/?pillar=smarter-london&status=active")
    assert [project["title"] for project in by_pillar["results"]] == [grants["café"].title]


def test_bad_filters_are_refused_naming_the_field(grants, client):
    response, body = get(client, "/api/projects/?status=draft&borough=E09000099")
    assert response.status_code == 400 and set(body) == {"status", "borough"}
    response, body = get(client, "/api/projects/?pillar=no-such-pillar")
    assert response.status_code == 404 and "no-such-pillar" in body["detail"]
    response, body = get(client, "/api/projects/?page=99")
    assert response.status_code == 404 and body["detail"]
    response, body = get(client, "/api/projects/?search=%00")
    assert response.status_code == 400
    response, body = get(client, "/api/projects/?pillar=")
    assert response.status_code == 400 and body["pillar"] == ["This field may not be blank."]


def test_one_project_and_never_a_draft(grants, client):
    response, project = get(client, "/api/projects/shared-tools/")
    assert response.status_code == 200
    assert project["funding_approved"] == "1000.50" and project["start_date"] == "2020-09-01"
    assert project["participants"][0]["organisation"] in {"Camden", "Southwark"}
    response, body = get(client, "/api/projects/secret-draft/")
    assert response.status_code == 404 and body == {"detail": "No public project has that slug."}
    response, body = get(client, "/api/nowhere/at/all")
    assert response.status_code == 404 and "detail" in body


def test_grants_budget_and_strategy(reference_data, client):
    _, grants = get(client, "/api/grants/")
    assert {item["title"] for item in grants["left_out"]} == {"Thirty3", "Digital DPIA tool"}
    _, years = get(client, "/api/budget/")
    assert [year["year"] for year in years] == ["2020/21"]
    response, budget = get(client, "/api/budget/2020-21/")
    assert response.status_code == 200 and budget["income_total"] == "1000000.00" and budget["funds_remaining"] == "444000.00"
    assert get(client, "/api/budget/2031-32/")[0].status_code == 404
    _, strategy = get(client, "/api/strategy/")
    assert "Covid Recovery" in [pillar["name"] for pillar in strategy["pillars"]]


def test_nothing_private_ever_appears(reference_data, grants, client):
    """A draft, an invoice, the ledger, a line's commentary: none reaches any answer of the API or any open file."""
    call_command("issue_invoices", "--year", "2020/21", verbosity=0)
    year = FinancialYear.objects.get(label="2020/21")
    line = BudgetLine.objects.filter(year=year, section="expenditure").first()
    assert line is not None
    line.commentary = "PRIVATE-COMMENTARY on the overspend"
    line.save()
    LedgerEntry.objects.create(
        year=year,
        budget_line=line,
        date=datetime.date(2020, 6, 1),
        counterparty="PRIVATE-SUPPLIER Ltd",
        description="PRIVATE-LEDGER line",
        amount=Decimal("4321.09"),
        reference="PRIV-1",
    )
    secrets = ["A secret draft", "secret-draft", "PRIVATE-", "4321.09"] + list(Invoice.objects.values_list("number", flat=True))
    assert len(secrets) > 5  # invoices were issued
    urls = [
        "/api/projects/",
        "/api/grants/",
        "/api/budget/",
        "/api/budget/2020-21/",
        "/api/strategy/",
        "/api/openapi.json",
        "/open-data/",
        "/open-data/projects.csv",
        "/open-data/budget.csv",
        "/open-data/budget.json",
    ]
    page = 1
    while True:
        _, listing = get(client, f"/api/projects/?page={page}")
        urls += [project["api_url"].split("8000", 1)[-1] for project in listing["results"]]
        if not listing["next"]:
            break
        page += 1
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert not [secret for secret in secrets if secret in text], url


def test_read_only_anonymous_and_cors_open_for_get(grants, client, django_user_model):
    assert client.post("/api/projects/", {}).status_code == 405
    assert client.delete("/api/projects/shared-tools/").status_code == 405
    response = client.get("/api/projects/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/projects/", HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert "GET" in preflight["Access-Control-Allow-Methods"] and "POST" not in preflight["Access-Control-Allow-Methods"]
    # Signed in as staff, the API still shows only what the public sees.
    client.force_login(django_user_model.objects.create_superuser(username="s", email="s@loti.london", password="x" * 12))
    _, page = get(client, "/api/projects/")
    assert "A secret draft" not in [project["title"] for project in page["results"]]


def test_each_client_is_limited(grants, client, settings):
    settings.LOTI_API_RATE = "3/min"
    assert [client.get("/api/strategy/").status_code for _ in range(4)] == [200, 200, 200, 429]
    # Another client (address) has its own allowance.
    assert client.get("/api/strategy/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_changed_since_gets_304_until_the_data_changes(grants, client, django_capture_on_commit_callbacks):
    first = client.get("/api/projects/shared-tools/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get("/api/projects/shared-tools/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/projects/shared-tools/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    tools = grants["tools"]
    with django_capture_on_commit_callbacks(execute=True):  # the version moves when the change commits
        tools.summary = "Now with more tools."
        tools.save()
    changed = client.get("/api/projects/shared-tools/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and json.loads(changed.content)["summary"] == "Now with more tools."


def test_the_schema_and_its_docs_are_served(client):
    response = client.get("/api/openapi.json")
    schema = json.loads(response.content)
    assert response.status_code == 200 and schema["openapi"].startswith("3.")
    assert {"/api/projects/", "/api/projects/{slug}/", "/api/grants/", "/api/budget/", "/api/budget/{year}/", "/api/strategy/"} <= set(
        schema["paths"]
    )
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower() and b"cdn" not in docs.content.lower()

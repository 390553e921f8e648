"""The grants LOTI makes, in 360Giving: valid against the standard's schema, stable ids, the flat CSV, the public file."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from opendata.grants import grants_csv, grants_package
from projects.models import Project

from .conftest import STANDARD, problems

pytestmark = pytest.mark.django_db


def by_title(package: dict) -> dict:
    return {grant["title"]: grant for grant in package["grants"]}


def test_the_package_is_valid_360giving(grants, package_validator):
    package = grants_package().package
    assert problems(package_validator, package) == []
    assert sorted(by_title(package)) == sorted([grants["café"].title, "Shared tools"])
    assert package["license"] == "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    assert package["publisher"]["name"] == "London Office of Technology and Innovation"
    assert package["issued"] and package["version"] == "1.4"


def test_a_grant_says_who_gets_it_where_and_when(grants, settings):
    café = by_title(grants_package().package)[grants["café"].title]
    # The recipient has no org-id: an id under LOTI's prefix, never left out.
    assert café["recipientOrganization"] == [{"id": f"{settings.LOTI_360G_PREFIX}-org-hackney", "name": "Hackney"}]
    assert café["awardDate"] == "2021-05-04"  # the approval decision
    assert café["grantProgramme"] == [{"code": "smarter-london", "title": "Smarter London"}]
    # Beneficiaries: the boroughs taking part, not one that was only invited.
    assert [(place["name"], place["geoCode"]) for place in café["beneficiaryLocation"]] == [
        ("Camden", "E09000007"),
        ("Hackney", "E09000012"),
    ]
    assert café["description"]  # no summary or outcome, yet the standard needs a description
    assert café["id"].startswith("360G-")
    tools = by_title(grants_package().package)["Shared tools"]
    assert tools["recipientOrganization"][0]["id"] == "GB-LAE-CMD"
    assert tools["awardDate"] == "2020-09-01"  # no decision recorded: its start
    assert tools["plannedDates"] == [{"startDate": "2020-09-01", "endDate": "2021-03-31"}]


def test_pence_are_kept_exactly(grants):
    text = json.dumps(grants_package().package)
    amounts = {grant["title"]: grant["amountAwarded"] for grant in json.loads(text, parse_float=Decimal)["grants"]}
    assert amounts["Shared tools"] == Decimal("1000.50") and amounts[grants["café"].title] == Decimal("12345.67")


def test_a_grant_with_no_lead_is_left_out_and_named(grants):
    result = grants_package()
    assert result.left_out == [("No lead", "no lead borough is recorded, so the grant has no recipient")]
    titles = set(by_title(result.package))
    assert "Funded by MHCLG" not in titles and "A secret draft" not in titles


def test_ids_are_stable_across_runs_and_renames(grants):
    first = {grant["id"] for grant in grants_package().package["grants"]}
    Project.objects.filter(pk=grants["café"].pk).update(title="Renamed", slug="renamed")
    second = {grant["id"] for grant in grants_package().package["grants"]}
    assert first == second and len(first) == 2


def _title_paths() -> set[tuple[str, ...]]:
    """Every column title the standard's flat form allows: 'Title', 'Recipient Org:Name', ..."""
    schema = json.loads((STANDARD / "360-giving-schema.json").read_text())
    definitions = schema["$defs"]
    paths: set[tuple] = set()
    for prop in schema["properties"].values():
        reference = prop.get("$ref") or prop.get("items", {}).get("$ref", "")
        target = definitions.get(reference.rsplit("/", 1)[-1], {}) if reference else {}
        title = prop.get("title") or target.get("title")
        if target.get("properties"):
            paths.update((title, inner["title"]) for inner in target["properties"].values() if inner.get("title"))
        else:
            paths.add((title,))
    return paths


def test_the_flat_csv_has_the_standards_column_titles(grants):
    allowed = _title_paths()
    rows = list(csv.reader(io.StringIO(grants_csv(grants_package().package))))
    header, cafe = rows[0], next(row for row in rows if row[1] == grants["café"].title)
    for column in header:
        assert tuple(part for part in column.split(":") if not part.isdigit()) in allowed, column
    assert cafe[header.index("Amount Awarded")] == "12345.67"
    assert cafe[header.index("Recipient Org:Name")] == "Hackney"
    assert cafe[header.index("Beneficiary Location:1:Geographic Code")] == "E09000012"


def test_export_data_writes_the_same_files(grants, tmp_path, package_validator):
    call_command("export_data", "360giving", "--format", "json", "--output", str(tmp_path / "g.json"))
    first = json.loads((tmp_path / "g.json").read_text())
    assert problems(package_validator, first) == []
    call_command("export_data", "360giving", "--format", "json", "--output", str(tmp_path / "again.json"))
    assert [g["id"] for g in json.loads((tmp_path / "again.json").read_text())["grants"]] == [g["id"] for g in first["grants"]]
    call_command("export_data", "360giving", "--format", "csv", "--output", str(tmp_path / "g.csv"))
    assert (tmp_path / "g.csv").read_text().startswith("Identifier,Title,Description,Currency")
    call_command("export_data", "360giving", "--year", "2021/22", "--format", "json", "--output", str(tmp_path / "y.json"))
    assert [g["title"] for g in json.loads((tmp_path / "y.json").read_text())["grants"]] == [grants["café"].title]


def test_export_data_refuses_an_empty_package_and_says_why(grants):
    with pytest.raises(CommandError, match=r"No grant can be published.*made no grant in 2030/31"):
        call_command("export_data", "360giving", "--year", "2030/31")  # a year with none
    with pytest.raises(CommandError, match=r"No grant can be published.*Left out 1: No lead: no lead borough"):
        call_command("export_data", "360giving", "--year", "2019/20")  # only the grant with no lead falls in it
    with pytest.raises(CommandError, match="json or csv"):
        call_command("export_data", "360giving", "--format", "xml")


def test_the_public_file_is_the_valid_package(grants, client, package_validator):
    response = client.get("/open-data/360giving.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert problems(package_validator, json.loads(response.content)) == []
    assert response["ETag"] and response["Last-Modified"]
    csv_response = client.get("/open-data/360giving.csv")
    assert csv_response.status_code == 200
    titles = [row["Title"] for row in csv.DictReader(io.StringIO(csv_response.content.decode()))]
    assert grants["café"].title in titles


def test_the_reference_data_has_no_publishable_grant_and_the_page_says_why(reference_data, client):
    # Thirty3 and the Digital DPIA tool are funded, but no document names a lead borough for either.
    assert client.get("/open-data/360giving.json").status_code == 404
    page = client.get("/open-data/").content.decode()
    assert "2 left out" in page and "Thirty3" in page and "Digital DPIA tool" in page
    assert 'href="/open-data/360giving.json"' not in page

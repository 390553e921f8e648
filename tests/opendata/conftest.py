"""Data made for the open-data tests, and the 360Giving schema read from the shared standards folder."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from members.models import Organisation
from projects.models import Participant, Pillar, Project, ProjectStatusChange
from tests.shared_folder import shared_folder

STANDARD = shared_folder() / "standards" / "360giving"
GRANT_SCHEMA_URL = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"


def _resource(name: str):
    # The schemas name their dialect over http, which referencing does not detect: say it is 2020-12.
    return DRAFT202012.create_resource(json.loads((STANDARD / name).read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def package_validator() -> Draft202012Validator:
    package = _resource("360-giving-package-schema.json")
    registry = Registry().with_resource(GRANT_SCHEMA_URL, _resource("360-giving-schema.json"))
    return Draft202012Validator(package.contents, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(validator, package: dict) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(package)]


def organisation(name, *, gss_code=None, kind="london_borough", org_id=""):
    """The organisation (the reference data's, when loaded), with the org-id given."""
    found, _ = Organisation.objects.update_or_create(
        name=name, defaults={"slug": name.lower().replace(" ", "-"), "kind": kind, "gss_code": gss_code, "org_id": org_id}
    )
    return found


def take_part(project, organisation, role, *, accepted=True, declined=False):
    now = timezone.now()
    return Participant.objects.create(
        project=project,
        organisation=organisation,
        role=role,
        invited_at=now,
        accepted_at=now if accepted and not declined else None,
        declined_at=now if declined else None,
    )


@pytest.fixture
def grants(db):
    """Two grants LOTI makes, one it cannot publish, and projects that are not grants at all."""
    camden = organisation("Camden", gss_code="E09000007", org_id="GB-LAE-CMD")
    hackney = organisation("Hackney", gss_code="E09000012")  # no org-id recorded
    southwark = organisation("Southwark", gss_code="E09000028", org_id="GB-LAE-SWK")
    mhclg = organisation("MHCLG", kind="funder")
    pillar, _ = Pillar.objects.get_or_create(name="Smarter London", defaults={"slug": "smarter-london"})
    café = Project.objects.create(
        title='Café “quoted” data — Ünïcode, "straight" too',
        slug="cafe-quoted-data",
        status="active",
        pillar=pillar,
        funding_requested=Decimal("15000.00"),
        funding_approved=Decimal("12345.67"),
    )
    take_part(café, hackney, "lead")
    take_part(café, camden, "delivery_partner")
    take_part(café, southwark, "supporter", accepted=False)  # invited, never agreed: not a beneficiary
    ProjectStatusChange.objects.create(project=café, status="approved", previous_status="under_review", date=datetime.date(2021, 5, 4))
    ProjectStatusChange.objects.create(project=café, status="active", previous_status="approved", date=datetime.date(2021, 6, 1))
    tools = Project.objects.create(
        title="Shared tools",
        slug="shared-tools",
        status="completed",
        summary="Tools the boroughs share.",
        funding_approved=Decimal("1000.50"),
        start_date=datetime.date(2020, 9, 1),
        end_date=datetime.date(2021, 3, 31),
    )
    take_part(tools, camden, "lead")
    take_part(tools, southwark, "delivery_partner")
    no_lead = Project.objects.create(
        title="No lead", slug="no-lead", status="active", funding_approved=Decimal("500.00"), start_date=datetime.date(2019, 5, 1)
    )
    take_part(no_lead, camden, "supporter")
    elsewhere = Project.objects.create(
        title="Funded by MHCLG", slug="mhclg", status="active", funding_approved=Decimal("9.99"), funder=mhclg
    )
    take_part(elsewhere, camden, "lead")
    draft = Project.objects.create(title="A secret draft", slug="secret-draft", status="draft", funding_approved=Decimal("77.00"))
    take_part(draft, camden, "lead")
    return {"café": café, "tools": tools, "no_lead": no_lead, "camden": camden, "hackney": hackney, "southwark": southwark}

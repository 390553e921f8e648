"""The grants LOTI makes, in the 360Giving Data Standard (1.4): a JSON data package and the standard's flat CSV.

One grant per project LOTI funds (funding approved above zero, no other funder, approved, active or completed),
addressed to the project's lead borough. A grant that cannot be published (no lead borough, no date) is left out
and named, so the page and the command can say why.
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Min, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from loti.models import FinancialYear
from members.models import Organisation
from projects.evaluation import TAKING_PART
from projects.models import Participant, ParticipantRole, Project, ProjectStatus

STANDARD_VERSION = "1.4"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
LICENCE_NAME = "Open Government Licence v3.0"
FUNDER_NAME = "London Office of Technology and Innovation"
FUNDED = [ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.COMPLETED]
NO_LEAD = "no lead borough is recorded, so the grant has no recipient"
NO_DATE = "it has no approval decision, start date or year to give its award date"


@dataclass
class GrantPackage:
    package: dict
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (project title, why)

    @property
    def grants(self) -> list[dict]:
        return self.package["grants"]


def prefix() -> str:
    return settings.LOTI_360G_PREFIX


def grant_id(project: Project) -> str:
    """The project's primary key never changes, so neither does its grant's id."""
    return f"{prefix()}-project-{project.pk}"


def _organisation(organisation: Organisation) -> dict:
    """Its org-id where one is recorded; else an id under LOTI's own prefix (the schema requires one)."""
    return {"id": organisation.org_id or f"{prefix()}-org-{organisation.slug}", "name": organisation.name}


def _funder() -> dict:
    return {"id": f"{prefix()}-loti", "name": FUNDER_NAME}


def _money(amount: Decimal) -> float:
    # JSON has one kind of number. Amounts have at most 12 digits, so the float prints back as the same pence.
    return float(amount)


def _portal_url(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


def funded_projects():
    return (
        Project.objects.filter(status__in=FUNDED, funding_approved__gt=0, funder__isnull=True)
        .select_related("pillar", "year")
        .annotate(approved_on=Min("status_changes__date", filter=Q(status_changes__status=ProjectStatus.APPROVED)))
        .prefetch_related(
            Prefetch(
                "participants",
                # Taking part as the evaluation counts it (agreed, or recorded without an invitation).
                queryset=Participant.objects.select_related("organisation")
                .filter(TAKING_PART)
                .order_by("organisation__gss_code", "organisation__name"),
            )
        )
        .order_by("pk")
    )


def award_date(project: Project) -> datetime.date | None:
    """The approval decision's date, else the project's start, else the first day of its year."""
    approved_on = getattr(project, "approved_on", None)
    if approved_on:
        return approved_on
    if project.decided_at and project.status in FUNDED:
        return timezone.localdate(project.decided_at)
    if project.start_date:
        return project.start_date
    year = project.year  # no query when there is none
    return year.start_date if year is not None else None


def grant_for(project: Project, *, lead: Organisation, awarded: datetime.date) -> dict:
    assert project.funding_approved is not None  # grants are the projects approved with funding
    description = project.summary.strip() or project.outcome.strip() or f"{project.title}: a project of London's boroughs funded by LOTI."
    grant = {
        "id": grant_id(project),
        "title": project.title,
        "description": description,
        "currency": "GBP",
        "amountAwarded": _money(project.funding_approved),
        "awardDate": awarded.isoformat(),
        "url": _portal_url(reverse("projects:project", args=[project.slug])),
        "recipientOrganization": [_organisation(lead)],
        "fundingOrganization": [_funder()],
        "dateModified": project.updated_at.isoformat(),
    }
    if project.funding_requested is not None:
        grant["amountAppliedFor"] = _money(project.funding_requested)
    if project.start_date:
        planned = {"startDate": project.start_date.isoformat()}
        if project.end_date:
            planned["endDate"] = project.end_date.isoformat()
        grant["plannedDates"] = [planned]
    locations = [
        {"name": p.organisation.name, "geoCode": p.organisation.gss_code, "geoCodeType": "LAD", "countryCode": "GB"}
        for p in project.participants.all()
        if p.organisation.gss_code
    ]
    if locations:
        grant["beneficiaryLocation"] = locations
    pillar = project.pillar  # no query when there is none
    if pillar is not None:
        grant["grantProgramme"] = [{"code": pillar.slug, "title": pillar.name}]
    return grant


def grants_package(*, year: FinancialYear | None = None, made_at: datetime.datetime | None = None) -> GrantPackage:
    """Every publishable grant (of one year's awards, if given), with the package's metadata."""
    made_at = (made_at or timezone.now()).replace(microsecond=0)
    grants, left_out = [], []
    for project in funded_projects():
        lead = next((p.organisation for p in project.participants.all() if p.role == ParticipantRole.LEAD), None)
        awarded = award_date(project)
        if year is not None and (awarded is None or not year.start_date <= awarded <= year.end_date):
            continue
        if lead is None:
            left_out.append((project.title, NO_LEAD))
        elif awarded is None:
            left_out.append((project.title, NO_DATE))
        else:
            grants.append(grant_for(project, lead=lead, awarded=awarded))
    title = "Grants made by the London Office of Technology and Innovation" + (f", {year.label}" if year else "")
    package = {
        "grants": grants,
        "version": STANDARD_VERSION,
        "title": title,
        "description": "Every grant LOTI makes to London boroughs for collaborative digital, data and innovation projects: "
        "the lead borough that receives it, the boroughs taking part and the pillar of LOTI's strategy it serves.",
        "identifier": f"{prefix()}-grants" + (f"-{year.label.replace('/', '-')}" if year else ""),
        "issued": made_at.isoformat(),
        "modified": made_at.isoformat(),
        "publisher": {"name": FUNDER_NAME, "identifier": f"{prefix()}-loti", "website": _portal_url("/")},
        "license": LICENCE_URL,
        "accessURL": _portal_url(reverse("opendata:index")),
        "downloadURL": _portal_url(reverse("opendata:grants-json")),
    }
    return GrantPackage(package=package, left_out=left_out)


# The flat CSV: the standard's column titles. A grant with several beneficiary locations numbers them (0, 1, ...).
CSV_COLUMNS = [
    ("Identifier", "id"),
    ("Title", "title"),
    ("Description", "description"),
    ("Currency", "currency"),
    ("Amount Applied For", "amountAppliedFor"),
    ("Amount Awarded", "amountAwarded"),
    ("Award Date", "awardDate"),
    ("URL", "url"),
    ("Planned Dates:Start Date", ("plannedDates", "startDate")),
    ("Planned Dates:End Date", ("plannedDates", "endDate")),
    ("Recipient Org:Identifier", ("recipientOrganization", "id")),
    ("Recipient Org:Name", ("recipientOrganization", "name")),
    ("Funding Org:Identifier", ("fundingOrganization", "id")),
    ("Funding Org:Name", ("fundingOrganization", "name")),
    ("Grant Programme:Code", ("grantProgramme", "code")),
    ("Grant Programme:Title", ("grantProgramme", "title")),
    ("Last Modified", "dateModified"),
]
LOCATION_COLUMNS = [
    ("Name", "name"),
    ("Geographic Code", "geoCode"),
    ("Geographic Code Type", "geoCodeType"),
    ("Country Code", "countryCode"),
]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{Decimal(repr(value)):.2f}"  # pence always shown: 1234.50, not 1234.5
    return str(value)


def grants_csv(package: dict) -> str:
    grants = package["grants"]
    most_locations = max((len(g.get("beneficiaryLocation", [])) for g in grants), default=0)
    header = [title for title, _ in CSV_COLUMNS] + [
        f"Beneficiary Location:{index}:{title}" for index in range(most_locations) for title, _ in LOCATION_COLUMNS
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for grant in grants:
        row = []
        for _, path in CSV_COLUMNS:
            if isinstance(path, tuple):
                items = grant.get(path[0]) or [{}]
                row.append(_cell(items[0].get(path[1])))
            else:
                row.append(_cell(grant.get(path)))
        locations = grant.get("beneficiaryLocation", [])
        for index in range(most_locations):
            location = locations[index] if index < len(locations) else {}
            row.extend(_cell(location.get(key)) for _, key in LOCATION_COLUMNS)
        writer.writerow(row)
    return out.getvalue()


def grants_json(package: dict) -> str:
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


class NothingToPublish(ValueError):
    """The 360Giving standard needs at least one grant in a package."""


def left_out_sentence(left_out: list[tuple[str, str]]) -> str:
    return "; ".join(f"{title}: {why}" for title, why in left_out)


def export_360giving(*, year: FinancialYear | None, fmt: str) -> tuple[str, list[str]]:
    """What `export_data 360giving` writes, and notes on what it left out and why."""
    result = grants_package(year=year)
    notes = [f"Left out {len(result.left_out)}: {left_out_sentence(result.left_out)}."] if result.left_out else []
    if not result.grants:
        raise NothingToPublish(
            "No grant can be published: a 360Giving file needs at least one."
            + (
                f" Left out {len(result.left_out)}: {left_out_sentence(result.left_out)}."
                if result.left_out
                else f" LOTI made no grant in {year.label}."
                if year
                else " LOTI has funded no project yet."
            )
        )
    return (grants_json(result.package) if fmt == "json" else grants_csv(result.package)), notes

"""The open files: what each holds, built from the same selectors as the public pages (never a private figure)."""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from budget.selectors.plan import budget_plan, budget_years_with_lines
from loti.money import money_str
from projects.models import ParticipantRole
from projects.selectors import project_directory

from .grants import LICENCE_NAME, grants_csv, grants_json, grants_package

DIRECTORY_COLUMNS = [
    "title",
    "status",
    "phase",
    "pillar",
    "workstream",
    "lead_borough",
    "boroughs",
    "start_date",
    "end_date",
    "funding_requested",
    "funding_approved",
    "url",
]
BUDGET_COLUMNS = ["year", "section", "name", "amount", "status", "pillar"]


def _csv(header: list[str], rows) -> str:
    from loti.imports import escape_formula  # a spreadsheet must not run a title as a formula

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_formula(cell) for cell in row])
    return out.getvalue()


def directory_csv() -> str:
    """Every project the public directory lists, with the boroughs on it as the project page shows them."""
    rows = []
    for project in project_directory(user=AnonymousUser()):
        taking_part = [p for p in project.participants.all() if p.declined_at is None]
        lead = next((p.organisation.name for p in taking_part if p.role == ParticipantRole.LEAD), "")
        rows.append(
            [
                project.title,
                project.status,
                project.phase,
                project.pillar.name if project.pillar else "",
                project.workstream.name if project.workstream else "",
                lead,
                "; ".join(p.organisation.name for p in taking_part),
                project.start_date.isoformat() if project.start_date else "",
                project.end_date.isoformat() if project.end_date else "",
                money_str(project.funding_requested) if project.funding_requested is not None else "",
                money_str(project.funding_approved) if project.funding_approved is not None else "",
                settings.PORTAL_URL.rstrip("/") + reverse("projects:project", args=[project.slug]),
            ]
        )
    return _csv(DIRECTORY_COLUMNS, rows)


def published_budgets() -> list[dict]:
    """The budget as published, year by year: the plan only (no actuals, no commentary), as the public page shows it."""
    if not settings.PUBLISH_BUDGET_SUMMARY:
        return []
    return [budget_plan(year=year).as_json() for year in budget_years_with_lines()]


def budget_json() -> str | None:
    if not settings.PUBLISH_BUDGET_SUMMARY:
        return None
    return json.dumps({"licence": LICENCE_NAME, "years": published_budgets()}, ensure_ascii=False, indent=2) + "\n"


def budget_csv() -> str | None:
    if not settings.PUBLISH_BUDGET_SUMMARY:
        return None
    rows = []
    for plan in published_budgets():
        for section, key in (("income", "income"), ("expenditure", "expenditure"), ("allocation", "allocations")):
            for line in plan[key]:
                rows.append([plan["year"], section, line["name"], line["amount"], line.get("status", ""), line.get("pillar", "")])
    return _csv(BUDGET_COLUMNS, rows)


@dataclass(frozen=True)
class OpenFile:
    name: str  # the file's name under /open-data/
    title: str
    media_type: str
    format: str
    about: str
    build: Callable[[], str | None]  # None: nothing can be published now


def _grants(fmt: str) -> Callable[[], str | None]:
    def build():
        package = grants_package().package
        if not package["grants"]:
            return None  # a 360Giving package needs at least one grant
        return grants_json(package) if fmt == "json" else grants_csv(package)

    return build


OPEN_FILES = [
    OpenFile(
        "360giving.json",
        "Grants LOTI makes (360Giving JSON)",
        "application/json",
        "JSON",
        "Every grant LOTI makes to a lead borough for a project, in the 360Giving Data Standard 1.4: amount, award date, "
        "the boroughs taking part and the pillar it serves.",
        _grants("json"),
    ),
    OpenFile(
        "360giving.csv",
        "Grants LOTI makes (360Giving CSV)",
        "text/csv; charset=utf-8",
        "CSV",
        "The same grants as one row each, with the standard's column titles, for a spreadsheet.",
        _grants("csv"),
    ),
    OpenFile(
        "projects.csv",
        "The project directory",
        "text/csv; charset=utf-8",
        "CSV",
        "Every project in the public directory: its status, phase, pillar, the boroughs on it and the funding asked and approved.",
        directory_csv,
    ),
    OpenFile(
        "budget.csv",
        "The published budget (CSV)",
        "text/csv; charset=utf-8",
        "CSV",
        "LOTI's budget as published, every year: income by source, expenditure with its status and the allocation per pillar.",
        budget_csv,
    ),
    OpenFile(
        "budget.json",
        "The published budget (JSON)",
        "application/json",
        "JSON",
        "The same budget with each year's totals: income, expenditure, funds remaining, allocated and unallocated.",
        budget_json,
    ),
]


def open_file(name: str) -> OpenFile | None:
    return next((item for item in OPEN_FILES if item.name == name), None)

"""Load the projects' part of LOTI's reference data: the strategy, and the projects the documents name."""

from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from loti.models import FinancialYear
from loti.reference import LoadTally, ReferenceDataError, cite, parse_money, read_reference_file, source_published
from loti.services import financial_year_get_or_create, reference_row_sync
from members.reference import organisation_named
from projects.models import Benefit, Participant, Pillar, Project, Workstream

DATA_DIR = Path(__file__).resolve().parent / "reference_data"


def pillar_named(name: str, *, where: str) -> Pillar:
    found = Pillar.objects.filter(name=name).first()
    if found is None:
        raise ReferenceDataError(f"{where}: no pillar is called {name!r}; add it to projects/reference_data/strategy.json")
    return found


def workstream_named(name: str, *, where: str) -> Workstream:
    found = Workstream.objects.filter(name=name).first()
    if found is None:
        raise ReferenceDataError(f"{where}: no workstream is called {name!r}; add it to projects/reference_data/strategy.json")
    return found


def year_labelled(label: str | None, *, where: str) -> FinancialYear | None:
    if not label:
        return None
    try:
        return financial_year_get_or_create(label=label)
    except ValueError as error:
        raise ReferenceDataError(f"{where}: {error}") from error


def strategy_load(*, tally: LoadTally, data_dir: Path = DATA_DIR) -> None:
    path = data_dir / "strategy.json"
    data = read_reference_file(path)
    with transaction.atomic():
        for index, item in enumerate(data["pillars"], start=1):
            where = f"{path.name}, pillar {index} ({item.get('name', '?')})"
            cite(item.get("source"), where=where)
            reference_row_sync(
                model=Pillar,
                lookup={"slug": item["slug"]},
                values={
                    "name": item["name"],
                    "objective": item["objective"],
                    "previously": item.get("previously", ""),
                    "position": item["position"],
                },
                tally=tally,
                where=where,
            )
        for index, item in enumerate(data["workstreams"], start=1):
            where = f"{path.name}, workstream {index} ({item.get('name', '?')})"
            cite(item.get("source"), where=where)
            reference_row_sync(
                model=Workstream,
                lookup={"slug": item["slug"]},
                values={
                    "name": item["name"],
                    "pillar": pillar_named(item["pillar"], where=where) if item.get("pillar") else None,
                    "objective": item["objective"],
                    "introduced": item.get("introduced", ""),
                    "active": item.get("active", True),
                    "position": item["position"],
                },
                tally=tally,
                where=where,
            )


def projects_load(*, tally: LoadTally, data_dir: Path = DATA_DIR) -> list[Project]:
    path = data_dir / "projects.json"
    loaded = []
    with transaction.atomic():
        for index, item in enumerate(read_reference_file(path)["projects"], start=1):
            where = f"{path.name}, project {index} ({item.get('title', '?')})"
            source = cite(item.get("source"), where=where)
            values = {
                "title": item["title"],
                "summary": item.get("summary", ""),
                "outcome": item.get("outcome", ""),
                "pillar": pillar_named(item["pillar"], where=where) if item.get("pillar") else None,
                "workstream": workstream_named(item["workstream"], where=where) if item.get("workstream") else None,
                "status": item["status"],
                "phase": item.get("phase", "direct"),
                "year": year_labelled(item.get("year"), where=where),
                "is_data_project": item.get("is_data_project", False),
                "dpia_status": item.get("dpia_status", "not_needed"),
                "funding_approved": parse_money(item.get("funding_approved"), where=f"{where}, funding_approved"),
                "funder": organisation_named(item["funder"], where=f"{where}, funder") if item.get("funder") else None,
                "source": source,
            }
            project = reference_row_sync(model=Project, lookup={"slug": slugify(item["title"])}, values=values, tally=tally, where=where)
            loaded.append(project)
            for participant in item.get("participants", []):
                organisation = organisation_named(participant["organisation"], where=f"{where}, participants")
                reference_row_sync(
                    model=Participant,
                    lookup={"project": project, "organisation": organisation},
                    # A borough a document names as delivering the project has taken part: it accepted by then.
                    values={"role": participant["role"], "accepted_at": source_published(item["source"], where=where)},
                    tally=tally,
                    where=f"{where}, participant {organisation}",
                )
            for benefit in item.get("benefits", []):
                benefit_where = f"{where}, benefit {benefit.get('kind', '?')}"
                # Found by its words, so reclassing a figure (kind, confidence) updates the row rather than adding one.
                reference_row_sync(
                    model=Benefit,
                    lookup={
                        "project": project,
                        "year": year_labelled(benefit["year"], where=benefit_where),
                        "description": benefit["description"],
                    },
                    values={
                        "kind": benefit["kind"],
                        "confidence": benefit.get("confidence", "realised"),
                        "amount": parse_money(benefit.get("amount"), where=f"{benefit_where}, amount"),
                        "reach": benefit.get("reach"),
                        "unit": benefit.get("unit", ""),
                        "evidence": benefit.get("evidence", ""),
                    },
                    tally=tally,
                    where=benefit_where,
                )
    return loaded


def projects_reference_load(*, tally: LoadTally, data_dir: Path = DATA_DIR) -> None:
    strategy_load(tally=tally, data_dir=data_dir)
    projects_load(tally=tally, data_dir=data_dir)
    from .strategy_reference import engagements_load

    engagements_load(tally=tally, data_dir=data_dir)

"""Load the budget's part of LOTI's reference data: fee schedules, funders' agreements, and the published budgets."""

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from budget.models import (
    ActualsFrom,
    BudgetLine,
    BudgetSection,
    FeeSchedule,
    FundingAgreement,
    FundingCondition,
    Instalment,
    LedgerEntry,
)
from budget.services.grants import funding_agreement_projects_link
from loti.reference import LoadTally, ReferenceDataError, cite, parse_date, parse_money, read_reference_file, required
from loti.services import reference_row_sync
from members.reference import members_reference_load, organisation_named
from projects.models import Project
from projects.reference import pillar_named, projects_reference_load, year_labelled

DATA_DIR = Path(__file__).resolve().parent / "reference_data"
BUDGET_FILES = ["budget-2020-21.json"]


def fee_schedules_load(*, tally: LoadTally, data_dir: Path = DATA_DIR) -> None:
    path = data_dir / "fees.json"
    data = read_reference_file(path)
    with transaction.atomic():
        for label in data["years"]:
            year = year_labelled(label, where=f"{path.name}, years")
            for item in data["schedules"]:
                where = f"{path.name}, {label} {item.get('tier', '?')}"
                cite(item.get("source"), where=where)
                reference_row_sync(
                    model=FeeSchedule,
                    lookup={"year": year, "tier": item["tier"]},
                    values={
                        "annual_fee": parse_money(item["annual_fee"], where=f"{where}, annual_fee"),
                        "vat_rate": Decimal(item["vat_rate"]),
                        "pro_rata": item.get("pro_rata", False),
                    },
                    tally=tally,
                    where=where,
                )


def funding_agreements_load(*, tally: LoadTally, data_dir: Path = DATA_DIR) -> None:
    path = data_dir / "funding.json"
    with transaction.atomic():
        for index, item in enumerate(read_reference_file(path)["agreements"], start=1):
            where = f"{path.name}, agreement {index} ({item.get('name', '?')})"
            total = parse_money(item["total_amount"], where=f"{where}, total_amount")
            agreement = reference_row_sync(
                model=FundingAgreement,
                lookup={"name": item["name"]},
                values={
                    "funder": organisation_named(item["funder"], where=f"{where}, funder"),
                    "reference": item.get("reference", ""),
                    "kind": item["kind"],
                    "total_amount": total,
                    "signed_on": parse_date(item.get("signed_on"), where=f"{where}, signed_on"),
                    "termination_right": item.get("termination_right", ""),
                    "termination_year": year_labelled(item.get("termination_year"), where=f"{where}, termination_year"),
                    "source": cite(item.get("source"), where=where),
                    "notes": item.get("notes", ""),
                },
                tally=tally,
                where=where,
            )
            instalment_total = Decimal(0)
            for instalment in item.get("instalments", []):
                instalment_where = f"{where}, instalment {instalment.get('year', '?')}"
                amount = required(
                    parse_money(instalment["amount"], where=f"{instalment_where}, amount"), where=f"{instalment_where}, amount"
                )
                instalment_total += amount
                reference_row_sync(
                    model=Instalment,
                    lookup={"agreement": agreement, "year": year_labelled(instalment["year"], where=instalment_where)},
                    values={"amount": amount},
                    tally=tally,
                    where=instalment_where,
                )
            if item.get("instalments") and instalment_total != total:
                raise ReferenceDataError(f"{where}: the instalments add up to £{instalment_total:,.2f}, not the total £{total:,.2f}")
            for condition in item.get("conditions", []):
                reference_row_sync(
                    model=FundingCondition,
                    lookup={"agreement": agreement, "description": condition["description"]},
                    values={"due_on": parse_date(condition.get("due_on"), where=f"{where}, condition due_on")},
                    tally=tally,
                    where=f"{where}, condition",
                )
            wanted = set()
            for title in item.get("projects", []):
                project = Project.objects.filter(title=title).first()
                if project is None:
                    raise ReferenceDataError(f"{where}: no project is called {title!r}; add it to projects/reference_data/projects.json")
                wanted.add(project.pk)
            for _ in range(funding_agreement_projects_link(agreement=agreement, project_ids=wanted)):
                tally.add("Projects named by funding agreements", "created")


def budget_lines_load(*, tally: LoadTally, data_dir: Path = DATA_DIR) -> None:
    sections = [
        ("income", BudgetSection.INCOME),
        ("expenditure", BudgetSection.EXPENDITURE),
        ("allocations", BudgetSection.ALLOCATION),
    ]
    with transaction.atomic():
        for filename in BUDGET_FILES:
            path = data_dir / filename
            for budget in read_reference_file(path)["budgets"]:
                label = budget.get("year", "?")
                cite(budget.get("source"), where=f"{path.name}, {label}")
                year = year_labelled(label, where=f"{path.name}, {label}")
                totals = {}
                for key, section in sections:
                    totals[key] = Decimal(0)
                    for position, line in enumerate(budget.get(key, []), start=1):
                        where = f"{path.name}, {label} {key} line {position} ({line.get('name', '?')})"
                        amount = required(parse_money(line["amount"], where=f"{where}, amount"), where=f"{where}, amount")
                        totals[key] += amount
                        reference_row_sync(
                            model=BudgetLine,
                            lookup={"year": year, "section": section, "name": line["name"]},
                            values={
                                "amount": amount,
                                "status": line.get("status", ""),
                                "pillar": pillar_named(line["pillar"], where=where) if line.get("pillar") else None,
                                "position": position,
                                **_actuals_from(line, section=section, where=where),
                            },
                            tally=tally,
                            where=where,
                        )
                _check_published_totals(budget.get("published_totals", {}), totals, where=f"{path.name}, {label}")


def _actuals_from(line: dict, *, section: str, where: str) -> dict:
    if line.get("funding_agreement"):
        agreement = FundingAgreement.objects.filter(name=line["funding_agreement"]).first()
        if agreement is None:
            raise ReferenceDataError(f"{where}: no funding agreement is called {line['funding_agreement']!r}")
        return {"actuals_from": ActualsFrom.FUNDING_AGREEMENT, "funding_agreement": agreement}
    default = ActualsFrom.NOTHING if section == BudgetSection.ALLOCATION else ActualsFrom.LEDGER
    return {"actuals_from": line.get("actuals_from", default), "funding_agreement": None}


def _check_published_totals(published: dict, totals: dict, *, where: str) -> None:
    """The lines must add up to the totals printed in the source, or the data file has a typo."""
    computed = {
        "income": totals["income"],
        "expenditure": totals["expenditure"],
        "funds_remaining": totals["income"] - totals["expenditure"],
        "allocations": totals["allocations"],
    }
    for name, printed in published.items():
        if computed[name] != Decimal(printed):
            raise ReferenceDataError(
                f"{where}: the lines give {name} £{computed[name]:,.2f}, but the source prints £{Decimal(printed):,.2f}"
            )


def ledger_load(*, tally: LoadTally, data_dir: Path = DATA_DIR) -> None:
    """What the documents say was paid, as ledger entries citing the document (by reference within the year)."""
    path = data_dir / "ledger.json"
    with transaction.atomic():
        for index, item in enumerate(read_reference_file(path)["entries"], start=1):
            where = f"{path.name}, entry {index} ({item.get('reference', '?')})"
            year = required(year_labelled(item["year"], where=where), where=f"{where}, year")
            line = BudgetLine.objects.filter(year=year, name=item["budget_line"]).exclude(section=BudgetSection.ALLOCATION).first()
            if line is None:
                raise ReferenceDataError(f"{where}: {item['year']} has no budget line called {item['budget_line']!r}")
            day = required(parse_date(item["date"], where=f"{where}, date"), where=f"{where}, date")
            if not (year.start_date <= day <= year.end_date):
                raise ReferenceDataError(f"{where}: {day} is not in {year.label}")
            reference_row_sync(
                model=LedgerEntry,
                lookup={"year": year, "reference": item["reference"]},
                values={
                    "budget_line": line,
                    "date": day,
                    "amount": parse_money(item["amount"], where=f"{where}, amount"),
                    "counterparty": item["counterparty"],
                    "description": item.get("description", ""),
                    "source": cite(item.get("source"), where=where)[:255],
                },
                tally=tally,
                where=where,
            )


def budget_reference_load(*, tally: LoadTally, data_dir: Path = DATA_DIR) -> None:
    fee_schedules_load(tally=tally, data_dir=data_dir)
    funding_agreements_load(tally=tally, data_dir=data_dir)
    budget_lines_load(tally=tally, data_dir=data_dir)
    ledger_load(tally=tally, data_dir=data_dir)


def reference_data_load(*, members_dir: Path | None = None, projects_dir: Path | None = None, budget_dir: Path | None = None) -> LoadTally:
    """All of LOTI's reference data, app by app in dependency order, in one transaction: all of it or none."""
    tally = LoadTally()
    with transaction.atomic():
        members_reference_load(tally=tally, **({"data_dir": members_dir} if members_dir else {}))
        projects_reference_load(tally=tally, **({"data_dir": projects_dir} if projects_dir else {}))
        budget_reference_load(tally=tally, data_dir=budget_dir or DATA_DIR)
    return tally

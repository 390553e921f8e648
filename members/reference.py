"""Load the members' part of LOTI's reference data: organisations and their memberships."""

from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from loti.reference import LoadTally, ReferenceDataError, cite, parse_date, read_reference_file
from loti.services import reference_row_sync
from members.models import Membership, Organisation

DATA_DIR = Path(__file__).resolve().parent / "reference_data"
MEMBERSHIP_NOTE = (
    "Named as a member on slide 5 of the Year 2 Strategy (19 boroughs); slides 25 and 29 of the same deck say 17. "
    "See members/reference_data/memberships.json for why the 19 named boroughs are loaded."
)


def organisation_named(name: str, *, where: str) -> Organisation:
    """The organisation a data file refers to by name (or GSS code)."""
    found = Organisation.objects.filter(name=name).first() or Organisation.objects.filter(gss_code=name).first()
    if found is None:
        raise ReferenceDataError(f"{where}: no organisation is called {name!r}; add it to members/reference_data/organisations.json")
    return found


def organisations_load(*, tally: LoadTally, data_dir: Path = DATA_DIR) -> list[Organisation]:
    path = data_dir / "organisations.json"
    loaded = []
    with transaction.atomic():
        for index, item in enumerate(read_reference_file(path)["organisations"], start=1):
            where = f"{path.name}, organisation {index} ({item.get('name', '?')})"
            cite(item.get("source"), where=where)
            # London authorities are found by their GSS code, so a renamed council is updated, not duplicated.
            lookup = {"gss_code": item["gss_code"]} if item.get("gss_code") else {"name": item["name"]}
            existing = Organisation.objects.filter(**lookup).first()
            kept_domains = list(existing.email_domains) if existing else []
            domains = kept_domains + [domain for domain in item.get("email_domains", []) if domain not in kept_domains]
            values = {"name": item["name"], "slug": slugify(item["name"]), "kind": item["kind"], "email_domains": domains}
            if item.get("org_id"):
                # An empty org_id means "not known": one staff recorded in the admin is kept.
                cite(item.get("org_id_source"), where=f"{where}, org_id")
                values["org_id"] = item["org_id"]
            loaded.append(reference_row_sync(model=Organisation, lookup=lookup, values=values, tally=tally, where=where))
    return loaded


def memberships_load(*, tally: LoadTally, data_dir: Path = DATA_DIR) -> list[Membership]:
    path = data_dir / "memberships.json"
    data = read_reference_file(path)
    defaults = data.get("defaults", {})
    loaded = []
    with transaction.atomic():
        for index, item in enumerate(data["memberships"], start=1):
            where = f"{path.name}, membership {index} ({item.get('organisation', '?')})"
            source = cite(item.get("source"), where=where)
            organisation = organisation_named(item["organisation"], where=where)
            start_date = parse_date(item.get("start_date", defaults.get("start_date")), where=f"{where}, start_date")
            if start_date is None:
                raise ReferenceDataError(f"{where}: start_date is required")
            shared_with = item.get("shared_with")
            note = f"Source: {source}."
            if organisation.kind == "london_borough":
                note += " " + MEMBERSHIP_NOTE
            values = {
                "tier": item["tier"],
                "end_date": parse_date(item.get("end_date", defaults.get("end_date")), where=f"{where}, end_date"),
                "local_digital_declaration_signed": parse_date(
                    item.get("local_digital_declaration_signed", defaults.get("local_digital_declaration_signed")),
                    where=f"{where}, local_digital_declaration_signed",
                ),
                "shared_with": organisation_named(shared_with, where=f"{where}, shared_with") if shared_with else None,
                "notes": note,
            }
            loaded.append(
                reference_row_sync(
                    model=Membership,
                    lookup={"organisation": organisation, "start_date": start_date},
                    values=values,
                    tally=tally,
                    where=where,
                )
            )
    return loaded


def members_reference_load(*, tally: LoadTally, data_dir: Path = DATA_DIR) -> None:
    organisations_load(tally=tally, data_dir=data_dir)
    memberships_load(tally=tally, data_dir=data_dir)

"""Generate a bench dataset into its own PostgreSQL database, deterministic from a seed.

    python -m bench.generate --scale 10 --seed 1 --database loti_bench

Scale 10 is ten times London's scale: 33 boroughs, the GLA, London Councils and funders, 20 financial years,
5,000 projects, 50,000 survey answers and 20,000 invoices; scale 1 is a tenth of each count. An organisation
has at most one fee invoice a year, so the generator adds associate organisations (kind "funder") until the
invoices fit; the last of the 20 years is left without invoices, for the benchmark to issue.
"""

import argparse
import math
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

GENERATOR_VERSION = 1
FIRST_YEAR = 2012
YEARS = 20
BATCH = 2000

BOROUGHS = [
    "City of London",
    "Barking and Dagenham",
    "Barnet",
    "Bexley",
    "Brent",
    "Bromley",
    "Camden",
    "Croydon",
    "Ealing",
    "Enfield",
    "Greenwich",
    "Hackney",
    "Hammersmith and Fulham",
    "Haringey",
    "Harrow",
    "Havering",
    "Hillingdon",
    "Hounslow",
    "Islington",
    "Kensington and Chelsea",
    "Kingston upon Thames",
    "Lambeth",
    "Lewisham",
    "Merton",
    "Newham",
    "Redbridge",
    "Richmond upon Thames",
    "Southwark",
    "Sutton",
    "Tower Hamlets",
    "Waltham Forest",
    "Wandsworth",
    "Westminster",
]
PILLARS = {
    "Covid Recovery": ["Digital Inclusion", "Recovery Data", "Resident Support"],
    "Developing Capabilities": ["Digital Leadership & Skills", "Innovation in Procurement", "Cyber Security"],
    "Smarter London": ["Data Collaboration", "Smart Infrastructure", "Emerging Technology"],
}
ORIGINAL_WORKSTREAMS = [
    "Data",
    "Digital Standards",
    "Procurement",
    "Cyber",
    "Smart Cities",
    "Leadership",
]
TOPICS = [
    "Data sharing",
    "Data ethics",
    "Housing repairs",
    "Adult social care",
    "Digital inclusion",
    "Cyber resilience",
    "Parking permits",
    "Children's services",
    "Homelessness prevention",
    "Waste collection",
    "Air quality sensors",
    "Open data",
    "Procurement toolkit",
    "Council tax",
    "Family hubs",
    "Data analytics",
    "Street lighting",
]
ACTIONS = ["pilot", "discovery", "platform", "toolkit", "partnership", "standard", "programme", "service redesign"]
WORDS = [
    "borough",
    "residents",
    "officers",
    "data",
    "services",
    "digital",
    "better",
    "outcomes",
    "collaboration",
    "shared",
    "evidence",
    "pilot",
    "London",
    "councils",
    "partners",
    "design",
    "users",
    "needs",
    "savings",
    "delivery",
    "learning",
    "approach",
]


class Progress:
    """A plain progress bar on stderr, weighted by the rows each step writes."""

    def __init__(self, total: int, enabled: bool = True):
        self.total, self.done, self.enabled, self.started = max(total, 1), 0, enabled, time.monotonic()

    def advance(self, rows: int, label: str) -> None:
        self.done = min(self.total, self.done + rows)
        if self.enabled:
            filled = int(30 * self.done / self.total)
            sys.stderr.write(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {100 * self.done // self.total:3d}% "
                f"{time.monotonic() - self.started:6.1f}s {label:<28}"
            )
            sys.stderr.flush()

    def finish(self) -> None:
        self.advance(self.total, "done")
        if self.enabled:
            sys.stderr.write("\n")


def counts(scale: float) -> dict:
    """How many of each thing a scale means (scale 10 = the issue's figures)."""
    invoices = max(20, round(2000 * scale))
    fee_invoices = max(19, round(invoices / 1.1))
    return {
        "projects": max(5, round(500 * scale)),
        "survey_answers": max(30, round(5000 * scale)),
        "invoices": invoices,
        "fee_invoices": fee_invoices,
        "credit_notes": invoices - fee_invoices,
        "expenditure_lines_per_year": max(3, round(8 * scale)),
        "other_agreements": max(1, round(3 * scale)),
        "funders": max(1, round(scale)),
    }


def signature(scale: float, seed: int) -> str:
    """Written on the database; a dataset made by another generator or for another schema is made again."""
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    migrations = sorted(str(p.relative_to(root)) for p in root.glob("*/migrations/0*.py"))
    schema = hashlib.sha256("\n".join(migrations).encode()).hexdigest()[:12]
    return f"bench-dataset v{GENERATOR_VERSION} scale={scale:g} seed={seed} schema={schema}"


def sentence(rng: random.Random, words: int = 12) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def bulk(model, objects: list, progress: Progress, label: str) -> list:
    created = []
    for start in range(0, len(objects), BATCH):
        chunk = model.objects.bulk_create(objects[start : start + BATCH])
        created.extend(chunk)
        progress.advance(len(chunk), label)
    return created


def fill(scale: float, seed: int, *, show_progress: bool = True) -> dict:
    """Fill the (migrated, empty) database Django is configured for. Returns the counts written."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from budget.models import (
        BudgetLine,
        FeeSchedule,
        FundingAgreement,
        Instalment,
        InstalmentStatus,
        Invoice,
        Payment,
    )
    from loti.models import FinancialYear
    from members.models import Membership, Organisation
    from projects.models import (
        Benefit,
        Output,
        Participant,
        Pillar,
        PrioritisationCriterion,
        PrioritisationScore,
        ProgressUpdate,
        Project,
        Survey,
        SurveyResponse,
        Workstream,
    )

    User = get_user_model()
    rng = random.Random(seed)
    n = counts(scale)
    associates = max(0, math.ceil(n["fee_invoices"] / (YEARS - 1)) - len(BOROUGHS))
    participants_estimate = n["projects"] * 4
    total = (
        YEARS * 4
        + len(BOROUGHS)
        + associates
        + 200
        + n["projects"] * 14
        + n["survey_answers"]
        + n["invoices"]
        + int(n["fee_invoices"] * 0.9)
        + YEARS * (n["expenditure_lines_per_year"] + 8)
        + participants_estimate
    )
    progress = Progress(total, show_progress)
    written: dict[str, int] = {}

    with transaction.atomic():
        years = bulk(
            FinancialYear,
            [
                FinancialYear(label=f"{y}/{(y + 1) % 100:02d}", start_date=date(y, 4, 1), end_date=date(y + 1, 3, 31))
                for y in range(FIRST_YEAR, FIRST_YEAR + YEARS)
            ],
            progress,
            "financial years",
        )

        def year_of(day: date | None) -> FinancialYear:
            assert day is not None  # every generated row has its dates
            return years[min(YEARS - 1, max(0, day.year - FIRST_YEAR - (1 if day.month < 4 else 0)))]

        orgs = [
            Organisation(
                name=name,
                slug=name.lower().replace(" ", "-"),
                kind="london_borough",
                gss_code=f"E09{i:06d}",
                email_domains=[name.lower().replace(" ", "") + ".gov.uk"],
            )
            for i, name in enumerate(BOROUGHS, start=1)
        ]
        orgs += [
            Organisation(name="Greater London Authority", slug="gla", kind="gla", email_domains=["london.gov.uk"]),
            Organisation(name="London Councils", slug="london-councils", kind="london_councils", email_domains=["londoncouncils.gov.uk"]),
            Organisation(name="MHCLG", slug="mhclg", kind="funder", email_domains=["communities.gov.uk"]),
        ]
        orgs += [
            Organisation(name=f"Funder {i:03d}", slug=f"funder-{i:03d}", kind="funder", email_domains=[f"funder{i}.org.uk"])
            for i in range(1, n["funders"] + 1)
        ]
        orgs += [
            Organisation(
                name=f"Associate organisation {i:04d}",
                slug=f"associate-{i:04d}",
                kind="funder",
                email_domains=[f"associate{i}.org.uk"],
            )
            for i in range(1, associates + 1)
        ]
        orgs = bulk(Organisation, orgs, progress, "organisations")
        boroughs = orgs[: len(BOROUGHS)]
        gla, london_councils, mhclg = orgs[len(BOROUGHS) : len(BOROUGHS) + 3]
        funders = [mhclg, *orgs[len(BOROUGHS) + 3 : len(BOROUGHS) + 3 + n["funders"]]]
        associate_orgs = orgs[len(BOROUGHS) + 3 + n["funders"] :]
        invoiced = boroughs + associate_orgs

        # Memberships: each member twice (before and since the 2019 relaunch), shared services for two boroughs.
        memberships = []
        relaunch = date(2019, 4, 1)
        for org in invoiced:
            shared = org.name in ("Richmond upon Thames", "Wandsworth")
            tier = "shared_service" if shared else "core"
            memberships.append(
                Membership(
                    organisation=org,
                    tier=tier,
                    start_date=date(FIRST_YEAR, 4, 1),
                    end_date=relaunch - timedelta(days=1),
                    local_digital_declaration_signed=date(2018, 7, 4) if tier == "core" else None,
                )
            )
            memberships.append(
                Membership(
                    organisation=org,
                    tier=tier,
                    start_date=relaunch,
                    local_digital_declaration_signed=date(2018, 7, 4) + timedelta(days=rng.randint(0, 300)),
                    shared_with=boroughs[BOROUGHS.index("Wandsworth" if org.name == "Richmond upon Thames" else "Richmond upon Thames")]
                    if shared
                    else None,
                )
            )
        for org in (gla, london_councils):
            memberships.append(Membership(organisation=org, tier="funding_partner", start_date=date(FIRST_YEAR, 4, 1)))
        memberships = bulk(Membership, memberships, progress, "memberships")
        membership_on: dict[int, list[Membership]] = {}
        for m in memberships:
            membership_on.setdefault(m.organisation_id, []).append(m)

        fees = []
        for i, year in enumerate(years):
            fee = Decimal(70000 + 1000 * i)
            fees += [
                FeeSchedule(year=year, tier="core", annual_fee=fee, vat_rate=Decimal("0.20")),
                FeeSchedule(
                    year=year, tier="shared_service", annual_fee=(fee * Decimal("0.6")).quantize(Decimal("0.01")), vat_rate=Decimal("0.20")
                ),
                FeeSchedule(year=year, tier="funding_partner", annual_fee=Decimal("0"), vat_rate=Decimal("0")),
            ]
        fees = bulk(FeeSchedule, fees, progress, "fee schedules")
        fee_for = {(f.year_id, f.tier): f for f in fees}

        # Strategy.
        pillars = bulk(
            Pillar,
            [Pillar(name=name, slug=name.lower().replace(" ", "-"), objective=sentence(rng), position=i) for i, name in enumerate(PILLARS)],
            progress,
            "pillars",
        )
        workstreams = []
        for pillar in pillars:
            for i, name in enumerate(PILLARS[pillar.name]):
                workstreams.append(
                    Workstream(
                        name=name,
                        slug=name.lower().replace(" ", "-").replace("&", "and"),
                        pillar=pillar,
                        objective=sentence(rng),
                        introduced="2020/21",
                        position=i,
                    )
                )
        for i, name in enumerate(ORIGINAL_WORKSTREAMS):
            workstreams.append(
                Workstream(
                    name=f"{name} (2019)",
                    slug=f"{name.lower().replace(' ', '-')}-2019",
                    objective=sentence(rng),
                    introduced="2019/20",
                    active=False,
                    position=i,
                )
            )
        workstreams = bulk(Workstream, workstreams, progress, "workstreams")

        # People: one approved officer per borough, plus the bench's staff and officer accounts.
        users = [
            User(
                username=f"officer@{b.email_domains[0]}",
                email=f"officer@{b.email_domains[0]}",
                password="!",
                organisation=b,
                organisation_approved_at=datetime(2020, 4, 1, 9, 0, tzinfo=_utc()),
                first_name="Officer",
                last_name=b.name,
            )
            for b in boroughs
        ]
        users.append(
            User(
                username="bench-staff@loti.london",
                email="bench-staff@loti.london",
                password="!",
                is_staff=True,
                is_superuser=True,
                first_name="Bench",
                last_name="Staff",
            )
        )
        users.append(
            User(
                username="bench-officer@camden.gov.uk",
                email="bench-officer@camden.gov.uk",
                password="!",
                organisation=boroughs[BOROUGHS.index("Camden")],
                organisation_approved_at=datetime(2020, 4, 1, tzinfo=_utc()),
                first_name="Bench",
                last_name="Officer",
            )
        )
        users = bulk(User, users, progress, "people")
        staff = users[-2]
        # Staff reach the admin only with an authenticator app (members.middleware.StaffTwoFactorMiddleware).
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "bench-not-a-real-secret"})

        # Budget lines per year.
        lines = []
        for year in years:
            for i, name in enumerate(
                ["Borough contributions", "GLA grant", "London Councils contribution", "Surplus carried forward", "Other income"]
            ):
                lines.append(BudgetLine(year=year, section="income", name=name, amount=money(rng, 50_000, 900_000), position=i))
            for i in range(n["expenditure_lines_per_year"]):
                lines.append(
                    BudgetLine(
                        year=year,
                        section="expenditure",
                        name=f"{rng.choice(TOPICS)} {rng.choice(ACTIONS)} {i + 1:03d}",
                        amount=money(rng, 1_000, 60_000),
                        status=rng.choice(["estimated", "committed", "paid"]),
                        position=i,
                    )
                )
            for i, pillar in enumerate(pillars):
                lines.append(
                    BudgetLine(
                        year=year, section="allocation", name=pillar.name, amount=money(rng, 20_000, 150_000), pillar=pillar, position=i
                    )
                )
        written["budget_lines"] = len(bulk(BudgetLine, lines, progress, "budget lines"))

        # Funding agreements and their instalments.
        agreements = [
            FundingAgreement(
                funder=gla,
                name="GLA grant",
                reference="MD2373",
                kind="grant",
                total_amount=Decimal("1500000.00"),
                signed_on=date(2019, 6, 1),
            ),
            FundingAgreement(
                funder=london_councils,
                name="London Councils contribution",
                kind="contribution",
                total_amount=Decimal("900000.00"),
                signed_on=date(2019, 6, 1),
            ),
        ]
        for i in range(n["other_agreements"]):
            agreements.append(
                FundingAgreement(
                    funder=rng.choice(funders),
                    name=f"Grant {i + 1:04d}",
                    kind="grant",
                    total_amount=money(rng, 50_000, 500_000),
                    signed_on=date(FIRST_YEAR + rng.randint(0, YEARS - 2), 5, 1),
                )
            )
        agreements = bulk(FundingAgreement, agreements, progress, "funding agreements")
        instalments = []
        for agreement in agreements:
            first = year_of(agreement.signed_on)
            start = years.index(first)
            span = years[start : start + rng.randint(2, 5)]
            for year in span:
                received = year.end_date < date(2024, 4, 1)
                amount = (agreement.total_amount / len(span)).quantize(Decimal("0.01"))
                instalments.append(
                    Instalment(
                        agreement=agreement,
                        year=year,
                        amount=amount,
                        status=InstalmentStatus.RECEIVED if received else InstalmentStatus.EXPECTED,
                        received_on=year.start_date + timedelta(days=90) if received else None,
                        received_amount=amount if received else None,
                    )
                )
        written["instalments"] = len(bulk(Instalment, instalments, progress, "instalments"))

        # Invoices: the first 19 years, spread evenly; the 20th is left for the benchmark to issue.
        invoices = []
        per_year = [n["fee_invoices"] // (YEARS - 1) + (1 if i < n["fee_invoices"] % (YEARS - 1) else 0) for i in range(YEARS - 1)]
        for year, how_many in zip(years, per_year, strict=False):  # the last year has none: the benchmark issues them
            for sequence, org in enumerate(rng.sample(invoiced, how_many), start=1):
                membership = next(
                    m
                    for m in membership_on[org.id]
                    if m.start_date <= year.start_date and (m.end_date is None or m.end_date >= year.start_date)
                )
                fee_schedule = fee_for[(year.id, membership.tier)]
                vat = (fee_schedule.annual_fee * fee_schedule.vat_rate).quantize(Decimal("0.01"))
                issued = year.start_date + timedelta(days=rng.randint(0, 60))
                invoices.append(
                    Invoice(
                        kind="invoice",
                        year=year,
                        sequence=sequence,
                        number=f"LOTI-{year.start_date.year}-{sequence:05d}",
                        organisation=org,
                        membership=membership,
                        description=f"LOTI membership {year.label}",
                        issued_on=issued,
                        due_on=issued + timedelta(days=30),
                        net=fee_schedule.annual_fee,
                        vat_rate=fee_schedule.vat_rate,
                        vat=vat,
                        gross=fee_schedule.annual_fee + vat,
                        issued_by=staff,
                    )
                )
        invoices = bulk(Invoice, invoices, progress, "invoices")
        next_sequence: dict[int, int] = {}
        for invoice in invoices:
            next_sequence[invoice.year_id] = max(next_sequence.get(invoice.year_id, 0), invoice.sequence)
        credited = rng.sample(invoices, n["credit_notes"])
        credit_notes = []
        for invoice in credited:
            next_sequence[invoice.year_id] += 1
            sequence = next_sequence[invoice.year_id]
            credit_notes.append(
                Invoice(
                    kind="credit_note",
                    year_id=invoice.year_id,
                    sequence=sequence,
                    number=f"LOTI-{invoice.number[5:9]}-{sequence:05d}",
                    organisation_id=invoice.organisation_id,
                    membership_id=invoice.membership_id,
                    credits=invoice,
                    description=f"Credit for {invoice.number}",
                    issued_on=invoice.issued_on + timedelta(days=10),
                    due_on=invoice.issued_on + timedelta(days=10),
                    net=invoice.net,
                    vat_rate=invoice.vat_rate,
                    vat=invoice.vat,
                    gross=invoice.gross,
                    issued_by=staff,
                )
            )
        written["invoices"] = len(invoices) + len(bulk(Invoice, credit_notes, progress, "credit notes"))
        credited_ids = {i.id for i in credited}
        payments = []
        for invoice in invoices:
            if invoice.id in credited_ids or invoice.gross == 0 or rng.random() < 0.1:
                continue
            if rng.random() < 0.3:
                part = (invoice.gross * Decimal(rng.choice(["0.25", "0.5", "0.75"]))).quantize(Decimal("0.01"))
                parts = [part, invoice.gross - part] if rng.random() < 0.7 else [part]
            else:
                parts = [invoice.gross]
            for k, amount in enumerate(parts):
                payments.append(
                    Payment(
                        invoice=invoice,
                        amount=amount,
                        received_on=invoice.issued_on + timedelta(days=20 + 30 * k),
                        reference=f"FIN-{invoice.number}-{k + 1}",
                        source="import",
                        recorded_by=staff,
                    )
                )
        written["payments"] = len(bulk(Payment, payments, progress, "payments"))

        # Projects and everything hanging off them.
        statuses = ["proposed", "under_review", "approved", "active", "active", "completed", "completed", "rejected", "cancelled"]
        phases = ["direct", "discover", "define", "develop", "deliver"]
        projects = []
        for i in range(n["projects"]):
            workstream = rng.choice(workstreams)
            topic = rng.choice(TOPICS)
            title = f"{topic} {rng.choice(ACTIONS)} {i + 1:05d}"
            start = years[rng.randint(0, YEARS - 1)]
            requested = money(rng, 5_000, 250_000)
            status = rng.choice(statuses)
            projects.append(
                Project(
                    title=title,
                    slug=f"{topic.lower().replace(' ', '-').replace(chr(39), '')}-{i + 1:05d}",
                    summary=sentence(rng, 25),
                    outcome=sentence(rng, 15),
                    problems=sentence(rng, 20),
                    hypotheses=sentence(rng, 20),
                    pillar=workstream.pillar,
                    workstream=workstream,
                    phase=rng.choice(phases),
                    status=status,
                    year=start,
                    is_data_project="Data" in topic or "data" in topic,
                    dpia_status=rng.choice(["not_needed", "needed", "in_progress", "completed"]),
                    funding_requested=requested,
                    funding_approved=requested if status in ("approved", "active", "completed") else None,
                    funder=rng.choice([None, None, None, gla, *funders]),
                    aligned_with_objectives=True,
                    replicable=rng.random() < 0.8,
                    outputs_gifted=rng.random() < 0.7,
                    start_date=start.start_date + timedelta(days=rng.randint(0, 200)),
                    source="bench",
                )
            )
        projects = bulk(Project, projects, progress, "projects")

        participants, scores, updates, outputs, benefits = [], [], [], [], []
        roles = ["delivery_partner", "supporter", "adopter"]
        criteria = [c for c, _ in PrioritisationCriterion.choices]
        for project in projects:
            started = project.start_date
            assert started is not None  # every generated project has started
            for k, org in enumerate(rng.sample(boroughs, rng.randint(2, 6))):
                participants.append(
                    Participant(
                        project=project,
                        organisation=org,
                        role="lead" if k == 0 else rng.choice(roles),
                        accepted_at=datetime.combine(started, datetime.min.time(), tzinfo=_utc()),
                    )
                )
            for criterion in criteria:
                scores.append(PrioritisationScore(project=project, criterion=criterion, score=rng.randint(1, 5), scored_by=staff))
            for k in range(3):
                updates.append(
                    ProgressUpdate(
                        project=project,
                        date=started + timedelta(days=60 * (k + 1)),
                        phase=rng.choice(phases),
                        rag=rng.choice(["red", "amber", "green", "green"]),
                        text=sentence(rng, 30),
                        author=staff,
                    )
                )
            if project.status in ("active", "completed"):
                outputs.append(
                    Output(
                        project=project,
                        title=f"{project.title} toolkit",
                        url=f"https://loti.london/outputs/{project.slug}",
                        gifted_on=started + timedelta(days=300),
                    )
                )
                for _ in range(rng.randint(1, 2)):
                    cash = rng.random() < 0.6
                    benefits.append(
                        Benefit(
                            project=project,
                            year=year_of(project.start_date),
                            organisation=rng.choice(boroughs),
                            kind="cashable_saving" if cash else "time_saved",
                            description=sentence(rng, 10),
                            amount=money(rng, 1_000, 80_000) if cash else None,
                            hours=None if cash else Decimal(rng.randint(10, 2000)),
                            recorded_by=staff,
                        )
                    )
        written["participants"] = len(bulk(Participant, participants, progress, "participants"))
        written["scores"] = len(bulk(PrioritisationScore, scores, progress, "prioritisation scores"))
        written["updates"] = len(bulk(ProgressUpdate, updates, progress, "progress updates"))
        written["outputs"] = len(bulk(Output, outputs, progress, "outputs"))
        written["benefits"] = len(bulk(Benefit, benefits, progress, "benefits"))
        written["projects"] = len(projects)

        # The annual survey: each respondent rates every workstream once.
        surveys = bulk(
            Survey,
            [Survey(year=y, opens_on=y.start_date + timedelta(days=300), closes_on=y.start_date + timedelta(days=330)) for y in years],
            progress,
            "surveys",
        )
        answers = []
        per_survey = [n["survey_answers"] // YEARS + (1 if i < n["survey_answers"] % YEARS else 0) for i in range(YEARS)]
        for survey, how_many in zip(surveys, per_survey, strict=True):
            respondent = 0
            while how_many > 0:
                respondent += 1
                org = boroughs[respondent % len(boroughs)]
                email = f"officer{respondent:04d}@{org.email_domains[0]}"
                for workstream in workstreams[:how_many]:
                    answers.append(
                        SurveyResponse(
                            survey=survey,
                            respondent_email=email,
                            organisation=org,
                            workstream=workstream,
                            rating=rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 6, 4])[0],
                            loti_added_value=rng.random() < 0.8,
                            comment=sentence(rng, 8) if rng.random() < 0.3 else "",
                        )
                    )
                how_many -= min(how_many, len(workstreams))
        written["survey_answers"] = len(bulk(SurveyResponse, answers, progress, "survey answers"))

        # auto_now fields took the clock; pin them to the data so the same seed gives the same rows.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE projects_project SET created_at = start_date::timestamptz, updated_at = start_date::timestamptz")
            cursor.execute("UPDATE projects_progressupdate SET created_at = date::timestamptz")
            cursor.execute(
                "UPDATE projects_benefit b SET recorded_at = y.end_date::timestamptz FROM loti_financialyear y WHERE y.id = b.year_id"
            )
            cursor.execute(
                "UPDATE projects_surveyresponse r SET submitted_at = s.opens_on::timestamptz FROM projects_survey s WHERE s.id = r.survey_id"
            )
            cursor.execute("UPDATE budget_payment SET recorded_at = received_on::timestamptz")
            cursor.execute("UPDATE members_user SET date_joined = '2020-04-01T00:00:00Z'")
    written.update(organisations=len(orgs), memberships=len(memberships), financial_years=len(years))
    with connection.cursor() as cursor:
        # VACUUM as autovacuum would have by now: the visibility map lets counts read the indexes alone, as they do
        # in a database that has been running a while, and the rewrite of the timestamps above leaves no dead rows.
        cursor.execute("VACUUM ANALYZE")
    progress.finish()
    return written


def _utc():

    return UTC


def generate(*, scale: float, seed: int, database: str, server: str | None = None, show_progress: bool = True) -> str:
    """Create the database afresh, migrate it, fill it. Returns its URL. Runs Django in this process."""
    from bench import db

    server = server or db.server_url()
    url = db.create_database(server, database)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "loti.settings.bench"
    import django

    django.setup()
    from django.core.management import call_command

    started = time.monotonic()
    if show_progress:
        sys.stderr.write(f"Migrating {database} …\n")
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.monotonic()
    written = fill(scale, seed, show_progress=show_progress)
    db.set_comment(server, database, signature(scale, seed))
    if show_progress:
        summary = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in sorted(written.items()))
        sys.stderr.write(f"{database}: migrated in {migrated - started:.1f}s, filled in {time.monotonic() - migrated:.1f}s: {summary}\n")
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=10, help="10 = ten times London's scale (default); 1 = a tenth of that")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="loti_bench", help="Database to create (dropped first if it exists)")
    parser.add_argument("--quiet", action="store_true", help="No progress bar")
    args = parser.parse_args(argv)
    url = generate(scale=args.scale, seed=args.seed, database=args.database, show_progress=not args.quiet)
    print(url)


if __name__ == "__main__":
    main()

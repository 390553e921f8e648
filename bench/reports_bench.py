"""Time each CELC report PDF for a London-scale year and for ten times that data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loti python bench/reports_bench.py

Builds a throwaway database (test_<name>), fills one financial year, renders each PDF three times and
prints the best and median time per report and scale, the best CPU time (steadier than the wall clock on a
shared machine) and the number of SQL queries (the same at both scales), then drops the database.
"""

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loti.settings.test")

import django

django.setup()

import datetime  # noqa: E402

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from loti.services import financial_year_get_or_create  # noqa: E402

# London scale: 33 boroughs (all of them), ~60 projects with ~5 boroughs each, 10 workstreams, three officers
# per borough answering the survey, ~200 benefits, ~30 budget lines. "×10" multiplies everything but the boroughs.
PROJECTS, WORKSTREAMS, OFFICERS_PER_BOROUGH, BENEFITS, EXTRA_LINES = 60, 10, 3, 200, 15
RUNS = 3


def _rating(n: int, *, overall: bool) -> int | None:
    return None if n % 5 == 0 and not overall else 1 + n % 5


def seed(scale: int):
    from budget.models import BudgetLine
    from members.models import Membership, Organisation
    from projects.models import Benefit, Participant, Pillar, Project, Survey, SurveyResponse, Workstream

    year = financial_year_get_or_create(label="2020/21")
    boroughs = Organisation.objects.bulk_create(
        Organisation(name=f"Borough {n}", slug=f"borough-{n}", kind="london_borough", gss_code=f"E090000{n:02d}") for n in range(1, 34)
    )
    Membership.objects.bulk_create(Membership(organisation=o, tier="core", start_date=datetime.date(2019, 4, 1)) for o in boroughs)
    pillars = Pillar.objects.bulk_create(Pillar(name=f"Pillar {n}", slug=f"pillar-{n}", position=n) for n in range(3))
    workstreams = Workstream.objects.bulk_create(
        Workstream(name=f"Workstream {n}", slug=f"ws-{n}", pillar=pillars[n % 3], position=n) for n in range(WORKSTREAMS * scale)
    )
    lines = [
        BudgetLine(year=year, section="income", name=f"Income {n}", amount=Decimal(10000 + n), position=n)
        for n in range(EXTRA_LINES * scale)
    ]
    lines += [
        BudgetLine(
            year=year,
            section="expenditure",
            name=f"Cost {n}",
            amount=Decimal(5000 + n),
            status=("estimated", "committed", "paid")[n % 3],
            position=n,
        )
        for n in range(EXTRA_LINES * scale)
    ]
    lines += [BudgetLine(year=year, section="allocation", name=p.name, amount=Decimal(50000), pillar=p) for p in pillars]
    BudgetLine.objects.bulk_create(lines)
    projects = Project.objects.bulk_create(
        Project(
            title=f"Project {n}",
            slug=f"project-{n}",
            status="completed" if n % 4 == 0 else "active",
            year=year,
            start_date=datetime.date(2020, 5, 1),
            end_date=datetime.date(2021, 1, 1) if n % 4 == 0 else None,
        )
        for n in range(PROJECTS * scale)
    )
    Participant.objects.bulk_create(
        Participant(project=p, organisation=boroughs[(i + k) % 33], role="lead" if k == 0 else "supporter")
        for i, p in enumerate(projects)
        for k in range(5)
    )
    survey = Survey.objects.create(year=year, opens_on=datetime.date(2021, 2, 1), closes_on=datetime.date(2021, 3, 1))
    # Every fifth rating "not involved" (empty), and each officer's overall answer (no workstream).
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            survey=survey,
            respondent_email=f"officer{k}@borough{b.pk}.gov.uk",
            organisation=b,
            workstream=w,
            rating=_rating(b.pk + k + (w.pk if w else 0), overall=w is None),
            loti_added_value=(k % 2 == 0) if w else None,
        )
        for b in boroughs
        for k in range(OFFICERS_PER_BOROUGH)
        for w in [*workstreams[:WORKSTREAMS], None]
    )
    # Benefits of every kind and both confidences (docs/evaluation.md).
    kinds: list[tuple[str, dict[str, Any]]] = [
        ("cashable_saving", {"amount": Decimal(1000)}),
        ("time_saved", {"hours": Decimal(10)}),
        ("cost_avoidance", {"amount": Decimal(500)}),
        ("non_cashable_saving", {"amount": Decimal(200)}),
        ("reach", {"reach": 40, "unit": "learners"}),
        ("other", {}),
    ]
    Benefit.objects.bulk_create(
        Benefit(
            project=projects[n % len(projects)],
            year=year,
            kind=kinds[n % 6][0],
            confidence=("realised", "estimated")[n % 7 == 0],
            description="Recorded benefit",
            **{k: (v + n if k == "amount" else v) for k, v in kinds[n % 6][1].items()},
        )
        for n in range(BENEFITS * scale)
    )
    return year


def clear():
    from budget.models import BudgetLine, ReportRun
    from loti.models import FinancialYear
    from members.models import Membership, Organisation
    from projects.models import Benefit, Participant, Pillar, Project, Survey, SurveyResponse, Workstream

    for model in (
        SurveyResponse,
        Survey,
        Benefit,
        Participant,
        Project,
        BudgetLine,
        Workstream,
        Pillar,
        Membership,
        ReportRun,
        Organisation,
        FinancialYear,
    ):
        model.objects.all().delete()


def main():
    from budget.reports.documents import report_output

    creation = connection.creation
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    rows = []
    try:
        for scale, label in ((1, "London year"), (10, "×10 data")):
            clear()
            year = seed(scale)
            for kind in ("budget", "evaluation"):
                times, cpu, size = [], [], 0
                for _ in range(RUNS):
                    with CaptureQueriesContext(connection) as queries:
                        started, started_cpu = time.perf_counter(), time.process_time()
                        size = len(report_output(kind=kind, year=year, fmt="pdf"))
                        times.append(time.perf_counter() - started)
                        cpu.append(time.process_time() - started_cpu)
                rows.append((kind, label, min(times), statistics.median(times), min(cpu), len(queries.captured_queries), size))
    finally:
        creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    print(f"{'report':<12}{'data':<14}{'best (s)':>10}{'median (s)':>12}{'CPU (s)':>9}{'queries':>9}{'PDF (KB)':>10}")
    for kind, label, best, median, cpu_seconds, query_count, size in rows:
        print(f"{kind:<12}{label:<14}{best:>10.2f}{median:>12.2f}{cpu_seconds:>9.2f}{query_count:>9}{size / 1024:>10.0f}")


if __name__ == "__main__":
    main()

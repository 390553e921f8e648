"""One timed staff task, run in its own process so its peak memory is its own:

    DATABASE_URL=... python -m bench.tasks import|import-ledger|invoices|pdf-budget|pdf-evaluation

Prints one JSON line: available, seconds (the task only, not Django's start-up), peak_rss_mib (the whole
process, from getrusage), detail. A task whose code has not landed yet is reported as not available.
"""

import csv
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

IMPORT_ROWS = 10_000
IMPORT_YEAR = "2040/41"
LEDGER_YEAR = "2041/42"
LEDGER_LINES = 40
REPORT_YEAR = "2020/21"


def _last_year():
    """The generated data's last year (it has fee schedules but no invoices); the import adds a later, empty one."""
    from loti.models import FinancialYear

    return FinancialYear.objects.filter(fee_schedules__isnull=False).order_by("-start_date").first()


def _staff():
    from django.contrib.auth import get_user_model

    from bench.pages import STAFF_EMAIL

    return get_user_model().objects.get(email=STAFF_EMAIL)


def run_import(workdir: Path) -> tuple[bool, str] | tuple[bool, str, float]:
    from django.core.management import call_command, get_commands

    if "import_data" not in get_commands():
        return False, "manage.py import_data does not exist yet"
    path = workdir / "budget-lines.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["year", "section", "name", "amount", "status", "pillar"])
        for i in range(IMPORT_ROWS):
            writer.writerow([IMPORT_YEAR, "expenditure", f"Imported line {i + 1:05d}", f"{1000 + i}.50", "estimated", ""])
    started = time.perf_counter()
    call_command("import_data", "budget-lines", str(path), verbosity=0)
    elapsed = time.perf_counter() - started
    from budget.models import BudgetLine

    written = BudgetLine.objects.filter(year__label=IMPORT_YEAR).count()
    if written != IMPORT_ROWS:
        raise RuntimeError(f"import wrote {written} rows, expected {IMPORT_ROWS}")
    return True, f"{IMPORT_ROWS:,} budget lines", elapsed


def run_import_ledger(workdir: Path) -> tuple[bool, str] | tuple[bool, str, float]:
    """10,000 rows of the finance system's ledger against a year's forty lines, refunds among them."""
    import datetime

    from django.core.management import call_command

    from budget.models import BudgetLine, LedgerEntry
    from loti.services import financial_year_get_or_create  # models: only after django.setup() in main()

    year = financial_year_get_or_create(label=LEDGER_YEAR)
    names = [f"Ledger line {i + 1:02d}" for i in range(LEDGER_LINES)]
    for position, name in enumerate(names):
        section = "income" if position % 4 == 0 else "expenditure"
        BudgetLine.objects.get_or_create(
            year=year,
            section=section,
            name=name,
            defaults={"amount": 100000, "status": "estimated" if section == "expenditure" else "", "position": position},
        )
    path = workdir / "ledger.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["year", "budget_line", "date", "counterparty", "description", "amount", "reference"])
        for i in range(IMPORT_ROWS):
            day = year.start_date + datetime.timedelta(days=i % 365)
            amount = f"-{10 + i % 90}.25" if i % 50 == 0 else f"{100 + i}.{i % 100:02d}"
            writer.writerow(
                [
                    LEDGER_YEAR,
                    names[i % LEDGER_LINES],
                    day.isoformat(),
                    f"Supplier {i % 300:03d}",
                    f"Invoice {i + 1}",
                    amount,
                    f"LC-JNL-{i + 1:06d}",
                ]
            )
    started = time.perf_counter()
    call_command("import_data", "ledger", str(path), verbosity=0)
    elapsed = time.perf_counter() - started
    written = LedgerEntry.objects.filter(year=year).count()
    if written != IMPORT_ROWS:
        raise RuntimeError(f"import wrote {written} ledger entries, expected {IMPORT_ROWS}")
    return True, f"{IMPORT_ROWS:,} ledger entries", elapsed


def run_invoices(workdir: Path):
    try:
        from budget.services.invoicing import invoices_issue
    except ImportError:
        return False, "budget.services.invoicing.invoices_issue does not exist yet"
    from budget.models import Invoice

    year, staff = _last_year(), _staff()
    before = Invoice.objects.filter(year=year).count()
    started = time.perf_counter()
    invoices_issue(year=year, issued_by=staff)
    elapsed = time.perf_counter() - started
    issued = Invoice.objects.filter(year=year).count() - before
    if issued == 0:
        raise RuntimeError(f"no invoices issued for {year}")
    return True, f"{issued:,} invoices for {year}", elapsed


def run_pdf(workdir: Path, kind: str):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    output = workdir / f"{kind}.pdf"
    started = time.perf_counter()
    try:
        call_command("report", kind, "--year", REPORT_YEAR, "--format", "pdf", "--output", str(output))
    except CommandError as error:
        return False, f"manage.py report {kind} --format pdf: {error}"
    elapsed = time.perf_counter() - started
    if not output.exists() or not output.read_bytes().startswith(b"%PDF"):
        raise RuntimeError(f"the {kind} report did not write a PDF")
    return True, f"{kind} report {REPORT_YEAR}, {output.stat().st_size // 1024} KiB", elapsed


def main(task: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loti.settings.bench")
    import django

    django.setup()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        if task == "import":
            outcome = run_import(workdir)
        elif task == "import-ledger":
            outcome = run_import_ledger(workdir)
        elif task == "invoices":
            outcome = run_invoices(workdir)
        elif task in ("pdf-budget", "pdf-evaluation"):
            outcome = run_pdf(workdir, task.split("-", 1)[1])
        else:
            raise SystemExit(f"unknown task {task}")
    rest: list[float]
    available, detail, *rest = outcome
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "available": available,
        "detail": detail,
        "seconds": rest[0] if rest else None,
        "peak_rss_mib": round(peak, 1) if rest else None,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))

"""Time `manage.py import_data` on big generated files, each in its own process (wall time, CPU time, peak memory):

    python -m bench.import_bench [--rows 10000] [--kinds budget-lines,ledger,organisations,memberships] [--database loti_importbench]

On a fresh, migrated database holding only a few pillars, each kind's file is imported twice: the first time
writes every row, the second (the same file again) must change nothing. Prints a table and one JSON line.
Nothing touches the portal's own database: the database named is dropped and made again.
"""

import argparse
import csv
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.db import BASE_DIR, create_database, server_url

PILLARS = ["Covid Recovery", "Smarter London", "Data Collaboration", "Digital Inclusion"]
SECTIONS = ["income", "expenditure", "allocation"]
STATUSES = ["estimated", "committed", "paid"]


def write_budget_lines(path: Path, rows: int) -> None:
    """Lines spread over 20 financial years and all three sections, with pillars on the allocations."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["year", "section", "name", "amount", "status", "pillar"])
        for i in range(rows):
            start = 2020 + i % 20
            section = SECTIONS[i % 3]
            status = STATUSES[i % 3] if section == "expenditure" else ""
            pillar = PILLARS[i % len(PILLARS)] if section == "allocation" else ""
            writer.writerow([f"{start}/{(start + 1) % 100:02d}", section, f"Line {i + 1:05d}", f"{1000 + i}.50", status, pillar])


def write_organisations(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "kind", "gss_code", "email_domains"])
        for i in range(rows):
            writer.writerow([f"Organisation {i + 1:05d}", "funder", "", f"org{i + 1}.example.org"])


def write_memberships(path: Path, rows: int) -> None:
    """Five one-year memberships in a row for each of rows/5 organisations (imported first, as organisations)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["organisation", "tier", "start_date", "end_date", "local_digital_declaration_signed"])
        for i in range(rows):
            organisation, year = divmod(i, 5)
            start = datetime.date(2020 + year, 4, 1)
            end = datetime.date(2021 + year, 3, 31)
            writer.writerow([f"Organisation {organisation + 1:05d}", "core", start.isoformat(), end.isoformat(), ""])


def write_ledger(path: Path, rows: int) -> None:
    """Entries against the income and expenditure lines of the budget-lines file (imported first), dated inside each
    line's year, one in fifty a refund; references unique within a year."""
    spendable = [i for i in range(rows) if SECTIONS[i % 3] != "allocation"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["year", "budget_line", "date", "counterparty", "description", "amount", "reference"])
        for i in range(rows):
            line = spendable[i % len(spendable)]
            start = 2020 + line % 20
            day = datetime.date(start, 4, 1) + datetime.timedelta(days=i % 365)
            amount = f"-{10 + i % 90}.25" if i % 50 == 0 else f"{100 + i}.{i % 100:02d}"
            writer.writerow(
                [
                    f"{start}/{(start + 1) % 100:02d}",
                    f"Line {line + 1:05d}",
                    day.isoformat(),
                    f"Supplier {i % 300:03d}",
                    f"Invoice {i + 1}",
                    amount,
                    f"JNL-{i + 1:06d}",
                ]
            )


WRITERS = {
    "budget-lines": write_budget_lines,
    "ledger": write_ledger,
    "organisations": write_organisations,
    "memberships": write_memberships,
}


def _field(pattern: str, text: str) -> str:
    """A figure of /usr/bin/time -v's report, which always prints it."""
    match = re.search(pattern, text)
    if match is None:
        raise RuntimeError(f"/usr/bin/time -v printed nothing matching {pattern!r}")
    return match.group(1)


def timed(command: list[str], env: dict) -> dict:
    """Run a command under /usr/bin/time -v: wall seconds, peak RSS in MiB, stdout."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.perf_counter()
        result = subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *command], capture_output=True, text=True, env=env, cwd=BASE_DIR)
        seconds = time.perf_counter() - started
        text = Path(report.name).read_text()
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    peak_kib = int(_field(r"Maximum resident set size \(kbytes\): (\d+)", text))
    cpu = sum(float(_field(rf"{kind} time \(seconds\): ([\d.]+)", text)) for kind in ("User", "System"))
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),  # this process's own CPU time: steadier than wall time on a busy machine
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "output": result.stdout.strip(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--kinds", default="budget-lines,ledger,organisations,memberships")
    parser.add_argument("--database", default="loti_importbench")
    args = parser.parse_args(argv)
    kinds = [kind for kind in args.kinds.split(",") if kind]
    if "memberships" in kinds and "organisations" not in kinds:
        parser.error("memberships need the organisations imported first: add organisations to --kinds")
    if "ledger" in kinds and "budget-lines" not in kinds:
        parser.error("the ledger needs the budget lines imported first: add budget-lines to --kinds")

    url = create_database(server_url(), args.database)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "loti.settings.bench"}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], check=True, env=env, cwd=BASE_DIR)
    pillars = ";".join(
        f"Pillar.objects.create(name={name!r}, slug={name.lower().replace(' ', '-')!r}, position={i})" for i, name in enumerate(PILLARS)
    )
    subprocess.run([*manage, "shell", "-c", f"from projects.models import Pillar; {pillars}"], check=True, env=env, cwd=BASE_DIR)

    results = []
    print(f"load average at start: {', '.join(f'{load:.1f}' for load in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for kind in sorted(kinds, key=list(WRITERS).index):
            path = Path(folder) / f"{kind}.csv"
            WRITERS[kind](path, args.rows)
            for attempt in ("first", "again"):
                measured = timed([*manage, "import_data", kind, str(path)], env)
                results.append({"kind": kind, "rows": args.rows, "import": attempt, **measured})
                print(
                    f"{kind:14} {args.rows:>7,} rows  {attempt:5}  {measured['seconds']:7.2f} s  (CPU {measured['cpu_seconds']:6.2f} s)"
                    f"  {measured['peak_rss_mib']:6.1f} MiB  {measured['output']}",
                    flush=True,
                )
    print(f"load average at end: {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()

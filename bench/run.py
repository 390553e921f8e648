"""The benchmark: pages under load on a real gunicorn, and staff tasks, at 1x and 10x. `make bench` runs

    python -m bench.run

It (re)generates loti_bench_1x / loti_bench_10x when missing or made by another generator, starts gunicorn on
127.0.0.1, drives each available page with wrk, each group of pages (admin, signed-in portal, public) right
after measuring the bare view again for it, times the staff tasks in their own processes on a throwaway copy of
the database, prints the results (share of the bare view, p50/p99, errors, queries) and writes
bench-results/latest.json.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import db
from bench.generate import signature
from bench.load import LOOPBACK, Gunicorn, django_env, python
from bench.pages import BARE, BARE_ANONYMOUS
from bench.wrk import PageLoad, load_page, wrk_path

RESULTS = db.BASE_DIR / "bench-results"
# Each page's requests per second as a share of the bare view's, measured in the same run: signed-in portal
# pages against the signed-in bare view, public pages against the anonymous one (issues 12 and 13).
SHARE_TARGETS = {"portal": 0.10, "admin": 0.05, "public": 1 / 3}
TASKS = [
    # (task, label, target seconds, scales the target applies to)
    ("import", "import 10,000 budget-line rows", 15, (1, 10)),
    ("import-ledger", "import 10,000 ledger rows", 15, (1, 10)),
    ("invoices", "issue a year's invoices", None, ()),
    ("pdf-budget", "budget report PDF", 2, (10,)),
    ("pdf-evaluation", "evaluation report PDF", 5, (10,)),
]


def log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def ensure_dataset(server: str, scale: float, seed: int, name: str, regenerate: bool, quiet: bool) -> str:
    if regenerate or db.database_comment(server, name) != signature(scale, seed):
        log(f"Generating {name} (scale {scale:g}, seed {seed}) …")
        command = [python(), "-m", "bench.generate", "--scale", str(scale), "--seed", str(seed), "--database", name]
        if quiet:
            command.append("--quiet")
        subprocess.run(command, cwd=db.BASE_DIR, env={**os.environ, "BENCH_SERVER_URL": server}, check=True, stdout=subprocess.DEVNULL)
    else:
        log(f"Using {name} (already generated: {signature(scale, seed)})")
    return db.with_database(server, name)


def django_json(module: str, url: str, *args: str, timeout: float = 600) -> dict:
    done = subprocess.run(
        [python(), "-m", module, *args], cwd=db.BASE_DIR, env=django_env(url), capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# Each group of pages is measured right after its own baseline: the bare view again, signed in or not as the
# group is, so a share compares two figures taken a few seconds apart (a machine that slows down part way
# through a run slows both).
GROUPS = [("admin", BARE), ("portal", BARE), ("public", BARE_ANONYMOUS)]


def bench_pages(url: str, *, seconds: float, runs: int, connections: int, workers: int) -> dict:
    """Every available page under wrk, each group after a fresh measurement of its baseline, with its share of it."""
    setup = django_json("bench.pages", url)
    pages = {page["name"]: page for page in setup["pages"]}
    server = Gunicorn(django_env(url), workers=workers, log=RESULTS / "gunicorn.log")
    results = {name: {key: page[key] for key in ("name", "path", "user", "kind", "view", "available")} for name, page in pages.items()}
    baseline_runs: dict[str, list] = {}

    def measure(page: dict) -> PageLoad:
        log(f"  {page['name']:<45} {page['path']}")
        return load_page(
            f"http://{LOOPBACK}:{server.port}{page['path']}",
            cookie=setup["sessions"].get(page["user"], ""),
            seconds=seconds,
            runs=runs,
            connections=connections,
        )

    try:
        server.wait_ready()
        for kind, baseline in GROUPS:
            group = [page for page in setup["pages"] if page["kind"] == kind and page["available"]]
            if not group or not pages[baseline]["available"]:
                continue
            bare = measure(pages[baseline])
            baseline_runs.setdefault(baseline, []).extend(bare.runs)
            bare_rps = bare.summary()["requests_per_second"]
            results[baseline].setdefault("per_group", {})[kind] = bare_rps
            for page in group:
                row = results[page["name"]]
                row.update(measure(page).summary())
                row["bare_requests_per_second"] = bare_rps
                if row["requests_per_second"] and bare_rps:
                    row["share_of_bare"] = round(row["requests_per_second"] / bare_rps, 3)
    finally:
        server.stop()
    for name, measured in baseline_runs.items():
        results[name].update(PageLoad(runs=measured).summary())  # the baseline's figures over all its measurements
    return results


def bench_tasks(server: str, name: str) -> dict:
    """Each task in its own process on a copy of the dataset, so the dataset stays as generated."""
    scratch = f"{name}_tasks"
    url = db.create_database(server, scratch, template=name)
    results = {}
    try:
        for task, label, *_ in TASKS:
            log(f"  {label}")
            try:
                results[task] = django_json("bench.tasks", url, task)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                results[task] = {"available": True, "error": str(error)[-500:], "seconds": None, "peak_rss_mib": None}
            results[task]["label"] = label
    finally:
        db.drop_database(server, scratch)
    return results


def machine() -> dict:
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            kib = int(handle.readline().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def targets(results: dict, scales: list) -> list[dict]:
    """One row per figure: what it is, its value, its target, whether it is met (None when there is no target)."""
    rows: list[dict[str, Any]] = []
    for scale in scales:
        pages = results["scales"][str(scale)]["pages"]
        for name, page in pages.items():
            figure = f"{scale:g}x {name}"
            if not page["available"]:
                rows.append({"figure": figure, "value": "not available", "target": "", "met": None})
                continue
            rows.append(
                {
                    "figure": f"{figure}: errors",
                    "value": f"{page['errors']} of {page['requests']}",
                    "target": "0",
                    "met": page["errors"] == 0,
                }
            )
            rows.append(
                {"figure": f"{figure}: p50 / p99", "value": f"{page['median_ms']} / {page['p99_ms']} ms", "target": "", "met": None}
            )
            share_target = SHARE_TARGETS.get(page["kind"])
            if share_target is None:
                rows.append({"figure": f"{figure}: throughput", "value": f"{page['requests_per_second']} req/s", "target": "", "met": None})
            else:
                share = page.get("share_of_bare")
                rows.append(
                    {
                        "figure": f"{figure}: throughput",
                        "value": f"{page['requests_per_second']} req/s = {share} of bare ({page.get('bare_requests_per_second')} req/s just before)",
                        "target": f">= {share_target:.2f} of bare",
                        "met": share is not None and share >= share_target,
                    }
                )
            rows.append({"figure": f"{figure}: queries per request", "value": _queries(page), "target": "", "met": None})
    if len(scales) >= 2:
        low, high = str(min(scales)), str(max(scales))
        for name in results["scales"][high]["pages"]:
            a, b = results["scales"][low]["pages"].get(name, {}), results["scales"][high]["pages"][name]
            if b.get("kind") == "bare" or not (a.get("available") and b.get("available")):
                continue
            rows.append(
                {
                    "figure": f"{name}: queries {low}x vs {high}x",
                    "value": f"{a['queries']} vs {b['queries']}",
                    "target": "equal",
                    "met": a["queries"] == b["queries"],
                }
            )
    for scale in scales:
        tasks = results["scales"][str(scale)]["tasks"]
        for task, label, limit, applies in TASKS:
            outcome = tasks.get(task)
            if outcome is None:
                continue
            figure = f"{scale:g}x {label}"
            target = f"< {limit} s" if limit and scale in applies else ""
            if not outcome["available"]:
                rows.append({"figure": figure, "value": f"not available ({outcome['detail']})", "target": target, "met": None})
            elif outcome.get("error"):
                rows.append(
                    {"figure": figure, "value": "failed: " + outcome["error"].strip().splitlines()[-1], "target": target, "met": False}
                )
            else:
                value = f"{outcome['seconds']:.2f} s, peak {outcome['peak_rss_mib']:.0f} MiB ({outcome['detail']})"
                rows.append({"figure": figure, "value": value, "target": target, "met": (outcome["seconds"] < limit) if target else None})
    return rows


def share_table(results: dict, scales: list) -> list[str]:
    """The pages side by side: share of the bare view, p50/p99, queries, at each scale (the README's table)."""
    names = list(results["scales"][str(scales[-1])]["pages"])
    lines = [
        "| page | " + " | ".join(f"{s:g}x: req/s (share of the bare view's req/s just before), p50/p99 ms, queries" for s in scales) + " |",
        "|---|" + "---|" * len(scales),
    ]
    for name in names:
        cells = []
        for scale in scales:
            page = results["scales"][str(scale)]["pages"].get(name, {})
            if not page.get("available"):
                cells.append("not available")
                continue
            share = "" if page["kind"] == "bare" else f" ({page.get('share_of_bare')} of {page.get('bare_requests_per_second', 0):.0f})"
            cells.append(f"{page['requests_per_second']:.0f}{share}, {page['median_ms']:.0f}/{page['p99_ms']:.0f}, {_queries(page)}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _queries(page: dict) -> str:
    if page["queries"] is None:
        return "?"
    if page["queries_min"] == page["queries_max"]:
        return str(page["queries"])
    return f"{page['queries']} (min {page['queries_min']}, max {page['queries_max']})"


def print_table(rows: list[dict], out=None) -> None:
    out = out or sys.stdout
    width = [max(len(r["figure"]) for r in rows), max(len(r["value"]) for r in rows), max(len(r["target"]) for r in rows)]
    header = f"{'figure':<{width[0]}}  {'value':<{width[1]}}  {'target':<{width[2]}}  met?"
    out.write(header + "\n" + "-" * len(header) + "\n")
    for r in rows:
        met = {True: "yes", False: "NO", None: "-"}[r["met"]]
        out.write(f"{r['figure']:<{width[0]}}  {r['value']:<{width[1]}}  {r['target']:<{width[2]}}  {met}\n")


def run(
    *,
    scales: list,
    seed: int,
    seconds: float,
    runs: int,
    connections: int,
    workers: int,
    regenerate: bool,
    server: str | None = None,
    database_prefix: str = "loti_bench",
    with_tasks: bool = True,
    output: Path | None = None,
    quiet: bool = False,
) -> dict:
    server = server or db.server_url()
    wrk_path()  # fail before generating anything if the load generator is missing
    started = time.monotonic()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "client": "wrk, 2 threads",
            "seconds_per_run": seconds,
            "runs_per_page": runs,
            "connections": connections,
            "gunicorn_workers": workers,
            "seed": seed,
        },
        "scales": {},
    }
    for scale in scales:
        name = f"{database_prefix}_{scale:g}x".replace(".", "_")
        url = ensure_dataset(server, scale, seed, name, regenerate, quiet)
        log(f"Pages at {scale:g}x ({name}):")
        pages = bench_pages(url, seconds=seconds, runs=runs, connections=connections, workers=workers)
        tasks = {}
        if with_tasks:
            log(f"Tasks at {scale:g}x:")
            tasks = bench_tasks(server, name)
        results["scales"][str(scale)] = {"database": name, "pages": pages, "tasks": tasks}
    results["targets"] = targets(results, scales)
    results["seconds"] = round(time.monotonic() - started, 1)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2) + "\n")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,10", help="Comma-separated dataset scales (default 1,10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5, help="Seconds per wrk run (default 5)")
    parser.add_argument("--runs", type=int, default=3, help="wrk runs per page; figures are the medians (default 3)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn workers (default 2×CPUs+1)")
    parser.add_argument("--regenerate", action="store_true", help="Generate the datasets even if they exist")
    parser.add_argument("--no-tasks", action="store_true", help="Only the pages")
    parser.add_argument("--database-prefix", default="loti_bench")
    parser.add_argument("--output", default=str(RESULTS / "latest.json"))
    args = parser.parse_args(argv)
    scales = [float(s) if "." in s else int(s) for s in args.scales.split(",")]
    results = run(
        scales=scales,
        seed=args.seed,
        seconds=args.seconds,
        runs=args.runs,
        connections=args.connections,
        workers=args.workers,
        regenerate=args.regenerate,
        database_prefix=args.database_prefix,
        with_tasks=not args.no_tasks,
        output=Path(args.output),
    )
    m = results["machine"]
    print(
        f"\nLOTI Portal benchmark, {results['date']}, {m['cpus']} CPUs, {m['memory']}, Python {m['python']}, "
        f"load average {m['load_average_at_start'][0]} at start, {m['load_average_at_end'][0]} at end\n"
    )
    print_table(results["targets"])
    print("\n" + "\n".join(share_table(results, scales)))
    print(f"\nWritten to {args.output} in {results['seconds']} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where a page's time goes: its queries (each with its time) and a cProfile of the rendering, on a generated database.

    python -m bench.profile --database loti_bench_10x                      # every benchmarked page, a summary each
    python -m bench.profile --database loti_bench_10x --page "borough home" --sql --top 30

Pages, users and paths are the benchmark's own (bench/pages.py), requested in-process through Django's full
middleware stack on the bench settings (what gunicorn serves), one request at a time: one warm-up, then
`--repeat` timed requests, then the same again under cProfile. No load generator, so
the figures hold on a busy machine far better than throughput does; they are for finding costs, not targets.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from typing import Any

from bench import db


def _client(role: str | None):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.pages import OFFICER_EMAIL, STAFF_EMAIL

    client = Client(HTTP_HOST="127.0.0.1")
    if role in ("staff", "officer"):
        email = STAFF_EMAIL if role == "staff" else OFFICER_EMAIL
        client.force_login(get_user_model().objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
    return client


class QueryLog:
    """Every query of a request with its milliseconds, through Django's execute wrapper (no DEBUG needed)."""

    def __init__(self):
        self.queries: list[tuple[float, str]] = []
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))
            self.statements.append((sql, params))

    @property
    def milliseconds(self) -> float:
        return sum(ms for ms, _ in self.queries)


def server_times(log: QueryLog, tries: int = 3) -> list[tuple[float, str]]:
    """Each query's execution time as PostgreSQL reports it (EXPLAIN ANALYZE, best of `tries`): the client's
    clock also counts the wait for a CPU, which on a shared machine is most of it."""
    from django.db import connection

    timed = []
    for sql, params in log.statements:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        best = None
        for _ in range(tries):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
                ms = cursor.fetchone()[0][0]["Execution Time"]
            best = ms if best is None else min(best, ms)
        assert best is not None  # tried at least once
        timed.append((best, sql))
    return timed


def _get(client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def profile_page(page: dict, *, repeat: int, top: int, show_sql: bool, out) -> dict:
    from django.db import connection

    client = _client(page["user"])
    path = page["path"]
    _get(client, path)  # warm-up: templates compiled, connection open
    timings, cpu, logs = [], [], []
    for _ in range(repeat):
        log = QueryLog()
        with connection.execute_wrapper(log):
            started, started_cpu = time.perf_counter(), time.process_time()
            _get(client, path)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        logs.append(log)
    # The fastest figures of the repeats: on a shared machine the other processes only ever add time.
    log = min(logs, key=lambda each: each.milliseconds)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        _get(client, path)
    profiler.disable()

    server = server_times(log)
    figures = {
        "name": page["name"],
        "path": path,
        "queries": len(log.queries),
        "sql_ms": round(log.milliseconds, 1),
        "server_sql_ms": round(sum(ms for ms, _ in server), 1),
        "median_ms": round(statistics.median(timings), 1),
        "cpu_ms": round(min(cpu), 1),
    }
    out.write(f"\n== {page['name']}  {path}  ({page['user']})\n")
    out.write(
        f"   {figures['queries']} queries, {figures['sql_ms']} ms of SQL ({figures['server_sql_ms']} ms in PostgreSQL) and "
        f"{figures['cpu_ms']} ms of Python CPU (best of {repeat}); median {figures['median_ms']} ms a request\n"
    )
    if show_sql:
        for ms, sql in sorted(server, key=lambda q: -q[0]):
            out.write(f"   {ms:8.2f} ms  {' '.join(sql.split())[:300]}\n")
    if top:
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
        out.write(text.getvalue())
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="loti_bench_10x", help="A generated database (python -m bench.generate)")
    parser.add_argument("--page", action="append", help="A page's name from bench/pages.py, or part of it (repeatable); default all")
    parser.add_argument("--repeat", type=int, default=10, help="Timed requests per page (default 10)")
    parser.add_argument("--top", type=int, default=0, help="Functions to list from the profile, by cumulative and own time (default none)")
    parser.add_argument("--sql", action="store_true", help="List each query with its time in PostgreSQL, slowest first")
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = db.with_database(db.server_url(), args.database)
    os.environ["DJANGO_SETTINGS_MODULE"] = "loti.settings.bench"
    import django

    django.setup()
    from bench.pages import page_context, resolve_pages

    pages = [p for p in resolve_pages(page_context()) if p["available"] and p["kind"] != "bare"]
    if args.page:
        pages = [p for p in pages if any(wanted.lower() in p["name"].lower() for wanted in args.page)]
    rows = [profile_page(p, repeat=args.repeat, top=args.top, show_sql=args.sql, out=sys.stdout) for p in pages]
    # SQL and Python CPU are the best of the repeats (Python CPU excludes waiting on SQL): steadier figures than
    # the wall clock's median when the machine is shared.
    print("\n| page | queries | SQL ms (in PostgreSQL) | Python CPU ms | median wall ms |\n|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['name']} | {row['queries']} | {row['sql_ms']} ({row['server_sql_ms']}) | {row['cpu_ms']} | {row['median_ms']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

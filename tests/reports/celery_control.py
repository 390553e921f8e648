"""Pointing this test process's Celery app at a broker, and running real workers beside it."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from loti.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")
UNREACHABLE_REDIS = "redis://127.0.0.1:1/4"  # nothing listens on port 1


def _reset_producers():
    # Producers are pooled per broker; drop them so the next send connects to the broker now configured.
    celery_app._pool = None  # type: ignore[attr-defined]  # Celery's private pools: no public way to drop them
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]  # (the same)


@contextmanager
def using_broker(url: str):
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, False  # type: ignore[misc]  # Celery's settings take assignment
    _reset_producers()
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous  # type: ignore[misc]  # (the same)
        _reset_producers()


class Worker:
    """`celery -A loti worker` in its own process group, logging to a file."""

    def __init__(self, name: str, env: dict, log_dir: Path):
        self.log = log_dir / f"{name}.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "loti",
                "worker",
                "-n",
                f"{name}@%h",
                "--pool=prefork",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker exited early:\n{self.log.read_text()}")
            time.sleep(0.2)
        raise TimeoutError(f"The worker did not get ready:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool child at once, as a crash or an OOM kill would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

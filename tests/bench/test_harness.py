"""The benchmark harness keeps working: a tiny generated dataset, a few requests per page, a sane table.

Timings are never asserted here (they belong to `make bench`); only that every figure is produced and every
available page answered.
"""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from bench import db
from bench.generate import counts, signature
from bench.pages import BARE, BARE_ANONYMOUS
from bench.run import print_table, run

ROOT = Path(__file__).resolve().parents[2]
TABLES = [
    "members_organisation",
    "members_membership",
    "projects_project",
    "projects_participant",
    "budget_invoice",
    "budget_payment",
    "budget_budgetline",
    "projects_surveyresponse",
]


@pytest.fixture
def server():
    return db.with_database(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loti"), "postgres")


@pytest.fixture
def prefix(server):
    name = db.database_name(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loti")) + "_harness"
    yield name
    with psycopg.connect(server, autocommit=True) as connection:
        names = [r[0] for r in connection.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [name + "%"])]
    for leftover in names:
        db.drop_database(server, leftover)


def generate(server, database, *, seed, scale=0.02):
    subprocess.run(
        [sys.executable, "-m", "bench.generate", "--scale", str(scale), "--seed", str(seed), "--database", database, "--quiet"],
        cwd=ROOT,
        env={**os.environ, "BENCH_SERVER_URL": server},
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )
    return db.with_database(server, database)


def digest(url):
    with psycopg.connect(url) as connection:
        return {
            table: connection.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {table} t"
            ).fetchone()
            for table in TABLES
        }


def test_the_same_seed_generates_the_same_data_and_another_seed_does_not(server, prefix):
    first = digest(generate(server, f"{prefix}_a", seed=7))
    again = digest(generate(server, f"{prefix}_b", seed=7))
    other = digest(generate(server, f"{prefix}_c", seed=8))

    assert first == again
    assert first != other
    expected = counts(0.02)
    assert first["projects_project"][0] == expected["projects"]
    assert first["budget_invoice"][0] == expected["invoices"]
    assert first["projects_surveyresponse"][0] == expected["survey_answers"]
    assert db.database_comment(server, f"{prefix}_a") == signature(0.02, 7)


def test_quick_bench_answers_every_available_page_and_prints_a_full_table(server, prefix, tmp_path, capsys):
    output = tmp_path / "quick.json"
    results = run(
        scales=[0.02],
        seed=1,
        seconds=1,
        runs=1,
        connections=2,
        workers=2,
        regenerate=True,
        server=server,
        database_prefix=prefix,
        output=output,
        quiet=True,
    )

    pages = results["scales"]["0.02"]["pages"]
    available = {name: page for name, page in pages.items() if page["available"]}
    assert {BARE, BARE_ANONYMOUS, "admin: invoices", "borough home", "public: project directory"} <= set(available)
    for name, page in available.items():
        assert page["statuses"] == {"200": page["requests"]}, name
        assert page["errors"] == 0, name
        assert page["requests"] >= 1 and page["median_ms"] > 0 and page["requests_per_second"] > 0
        assert page["queries"] is not None
        if page["kind"] != "bare":
            # Each group's share is of the bare view measured again just before the group, in the same run.
            baseline = available[BARE_ANONYMOUS if page["user"] == "anonymous" else BARE]
            assert page["bare_requests_per_second"] == baseline["per_group"][page["kind"]], name
            assert page["share_of_bare"] == round(page["requests_per_second"] / page["bare_requests_per_second"], 3), name
    assert set(available[BARE]["per_group"]) == {"admin", "portal"} and set(available[BARE_ANONYMOUS]["per_group"]) == {"public"}
    assert available[BARE]["runs"] == 2  # measured twice (one run each time here), its figures over both
    # The query counter sees the middleware's queries (session, user) and each page's own on top; an anonymous
    # request reads no session.
    assert available["admin: invoices"]["queries"] > available[BARE]["queries"] > available[BARE_ANONYMOUS]["queries"]
    assert all(page["queries"] >= available[BARE]["queries"] for page in available.values() if page["user"] != "anonymous")
    for page in pages.values():
        if not page["available"]:
            assert page["path"] is None

    tasks = results["scales"]["0.02"]["tasks"]
    assert set(tasks) == {"import", "import-ledger", "invoices", "pdf-budget", "pdf-evaluation"}
    for task in tasks.values():
        assert "error" not in task, task
        assert (task["seconds"] > 0 and task["peak_rss_mib"] > 0) if task["available"] else task["detail"]

    figures = [row["figure"] for row in results["targets"]]
    assert any("admin: projects: p50 / p99" in f for f in figures)
    assert any("borough home: throughput" in f for f in figures)
    assert output.exists()
    print_table(results["targets"])
    printed = capsys.readouterr().out
    assert "met?" in printed
    for row in results["targets"]:
        assert row["figure"] in printed

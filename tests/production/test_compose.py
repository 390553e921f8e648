"""docker-compose.yml, checked where Docker is absent (CI): the Compose Specification's schema and the production
shape (TLS at Caddy only, health checks everywhere, start order on health). Where a Docker CLI with Compose is
installed, `docker compose config` must accept it too."""

import shutil
import subprocess

from .compose_check import ROOT, problems


def test_the_compose_file_is_valid_and_has_the_production_shape():
    assert problems(ROOT / "docker-compose.yml") == []
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        env = {"SECRET_KEY": "x" * 50, "POSTGRES_PASSWORD": "p", "S3_SECRET_KEY": "s" * 12, "PATH": "/usr/bin:/bin"}
        done = subprocess.run([docker, "compose", "config", "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_the_check_finds_what_compose_would_refuse(tmp_path):
    original = (ROOT / "docker-compose.yml").read_text()
    (tmp_path / "Caddyfile").write_text((ROOT / "Caddyfile").read_text())
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    cases = {
        "start_period: 120s": ("start_perod: 120s", "services/web/healthcheck: 'start_perod' does not match"),
        "      redis:\n        condition: service_healthy\n      objects:": (
            "      redis:\n        condition: service_started\n      objects:",
            "web: waits for redis to start, not to be healthy",
        ),
        '    expose:\n      - "8000"': ('    ports:\n      - "8000:8000"', "only caddy may publish ports"),
        "${SECRET_KEY:?set SECRET_KEY}": ("${SECRET KEY}", "bad variable interpolation"),
        "      - pgdata:/var/lib/postgresql": ("      - pgdta:/var/lib/postgresql", "volume pgdta is not declared"),
        '    ALLAUTH_TRUSTED_PROXY_COUNT: "1"\n': ("", "web: ALLAUTH_TRUSTED_PROXY_COUNT is not set"),
    }
    for old, (new, expected) in cases.items():
        assert old in original, old
        broken = tmp_path / "docker-compose.yml"
        broken.write_text(original.replace(old, new, 1))
        found = problems(broken)
        assert any(expected in problem for problem in found), (expected, found)

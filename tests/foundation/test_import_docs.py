"""docs/imports.md documents every kind and every column, and its examples import as written."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from loti.imports import importable_kinds, resource_for

DOCS = Path(settings.BASE_DIR) / "docs" / "imports.md"


def section(kind: str) -> str:
    text = DOCS.read_text()
    match = re.search(rf"^## `{re.escape(kind)}`$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"docs/imports.md has no section for {kind}"
    return match.group(1)


@pytest.mark.parametrize("kind", importable_kinds())
def test_every_column_of_every_kind_is_documented(kind):
    body = section(kind)
    for column in resource_for(kind).columns():
        assert f"| `{column}` |" in body, f"{kind}: column {column} is not documented"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", importable_kinds())
def test_the_documented_example_imports(kind, strategy, tmp_path):
    example = re.search(r"```csv\n(.*?)```", section(kind), flags=re.S)
    assert example, f"docs/imports.md has no CSV example for {kind}"
    path = tmp_path / f"{kind}.csv"
    path.write_text(example.group(1))
    out = io.StringIO()
    call_command("import_data", kind, str(path), stdout=out)
    assert "new" in out.getvalue()


def test_the_readme_links_the_import_formats():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert "docs/imports.md" in readme  # the front door points to the formats; the detail lives in docs/

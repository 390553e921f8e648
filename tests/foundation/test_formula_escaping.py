"""Exports cannot run formulae in a spreadsheet: a text cell starting with =, +, - or @ is written as plain text.

django-import-export 4's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT (on in settings) only strips a leading '='
(and loses it); it does nothing for +, - or @. LOTI's formats (loti.imports.formats) keep the library's switch and
prefix such cells with an apostrophe instead — one escaping, in CSV and XLSX, from the command, the admin's export
and its templates — and the apostrophe comes off again on import.
"""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from loti.imports import FORMULA_STARTS, escape_formula, unescape_formula
from members.models import Organisation

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://evil.example","x")', "+44 20 7934 9999", "-2+3", "@SUM(A1:A9)"]


@pytest.fixture
def dangerous_organisations():
    for number, name in enumerate(DANGEROUS):
        Organisation.objects.create(name=name, slug=f"org-{number}", kind="funder")


def exported_names(csv_text: str) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    return sorted(row["name"] for row in rows)


def test_the_setting_is_on_but_does_not_cover_plus_minus_or_at():
    from django.conf import settings
    from import_export.formats.base_formats import CSV
    from tablib import Dataset

    assert settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is True
    raw = CSV().export_data(Dataset(*[[name] for name in DANGEROUS], headers=["name"]))
    assert "+44 20 7934 9999" in raw and "@SUM(A1:A9)" in raw  # why LOTI's formats escape their own way


def test_lotis_formats_escape_under_the_librarys_switch_once(settings):
    from tablib import Dataset

    from loti.imports import CSVFormat

    rows = lambda: Dataset(*[[name] for name in DANGEROUS], headers=["name"])  # noqa: E731
    escaped = list(csv.reader(io.StringIO(CSVFormat().export_data(rows()))))[1:]
    assert [row[0] for row in escaped] == ["'" + name for name in DANGEROUS]
    settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False  # the one switch: off, nothing else escapes them
    plain = list(csv.reader(io.StringIO(CSVFormat().export_data(rows()))))[1:]
    assert [row[0] for row in plain] == DANGEROUS


def test_export_data_csv_escapes_every_dangerous_text_cell(dangerous_organisations):
    out = io.StringIO()
    call_command("export_data", "organisations", stdout=out)

    names = exported_names(out.getvalue())

    assert names == sorted("'" + name for name in DANGEROUS)
    for name in names:
        assert not name.startswith(FORMULA_STARTS)


def test_admin_csv_export_escapes_them_too(staff_client, dangerous_organisations):
    response = staff_client.post(
        reverse("admin:members_organisation_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"organisationresource_{column}": "on" for column in ["name", "kind", "gss_code", "email_domains"]},
        },
    )
    assert response.status_code == 200
    assert exported_names(response.content.decode()) == sorted("'" + name for name in DANGEROUS)


def test_admin_xlsx_export_writes_text_cells_not_formulae(staff_client, dangerous_organisations):
    response = staff_client.post(
        reverse("admin:members_organisation_export"),
        {
            "format": "1",
            "resource": "0",
            **{f"organisationresource_{column}": "on" for column in ["name", "kind", "gss_code", "email_domains"]},
        },
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(DANGEROUS)
    for cell in cells:
        assert cell.data_type == "s"  # a string, never "f" (formula)
        assert cell.value.startswith("'")


def test_an_escaped_export_imports_back_to_the_same_names(dangerous_organisations, tmp_path):
    out = io.StringIO()
    call_command("export_data", "organisations", stdout=out)
    path = tmp_path / "organisations.csv"
    path.write_text(out.getvalue())

    result = io.StringIO()
    call_command("import_data", "organisations", str(path), stdout=result)

    assert "0 new, 0 updated, 4 unchanged" in result.getvalue()
    assert sorted(Organisation.objects.values_list("name", flat=True)) == sorted(DANGEROUS)


def test_escaping_leaves_ordinary_text_alone():
    assert escape_formula("Camden") == "Camden"
    assert escape_formula("'quoted'") == "'quoted'"
    assert unescape_formula("'quoted'") == "'quoted'"
    assert unescape_formula(escape_formula("=1+1")) == "=1+1"

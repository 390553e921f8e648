"""Importing and exporting LOTI's spreadsheets, on django-import-export.

An import is all or nothing: it runs in one transaction; every row is validated (its cells, its fields, and,
when the rows are written together, the database's unique and check constraints); any bad row is reported
with its line in the file (the header is line 1) and the transaction is rolled back, so nothing is written;
otherwise the rows stay written and an ImportRecord says who imported which file. A dry run is the same pass,
always rolled back.

- registry: the kinds each app registers (`@register("organisations")`), shared by the commands and the admin
- formats: reading CSV and XLSX with each row's line, and the one formula escaping on export
- widgets: cells to values and back, on the library's widgets (NamedWidget on its CachedForeignKeyWidget)
- lookups: what one import has looked up (years, memos, the related rows named)
- natural_keys: finding the rows a file names by the columns that identify them, in one query per file
- resource: LotiResource, the base of every kind (headers, rows, LOTI's words for the database's refusals)
- bulk_write: writing the good rows together, halving a batch the database refuses down to the bad rows
- problems: the result as a list of problems, each with its line
- services: run_import, the one import service (the command and the admin's confirm step)
"""

from .formats import (
    FORMATS,
    FORMULA_STARTS,
    CSVFormat,
    ImportFileError,
    XLSXFormat,
    escape_formula,
    export_csv,
    format_for_filename,
    read_table,
    unescape_formula,
)
from .lookups import ImportLookups, current_lookups
from .problems import RowProblem, problems_in
from .registry import export_writer, importable_kinds, kinds, register, register_export, resource_for
from .resource import HeaderError, LotiResource
from .services import ImportOutcome, run_import
from .widgets import (
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    FinancialYearWidget,
    FractionWidget,
    ListWidget,
    MoneyWidget,
    NamedWidget,
    TextWidget,
    WholeNumberWidget,
    YesNoWidget,
)

__all__ = [
    "FORMATS",
    "FORMULA_STARTS",
    "CSVFormat",
    "ChoiceWidget",
    "DateWidget",
    "DecimalWidget",
    "FinancialYearWidget",
    "FractionWidget",
    "HeaderError",
    "ImportFileError",
    "ImportLookups",
    "ImportOutcome",
    "ListWidget",
    "LotiResource",
    "MoneyWidget",
    "NamedWidget",
    "RowProblem",
    "TextWidget",
    "WholeNumberWidget",
    "XLSXFormat",
    "YesNoWidget",
    "current_lookups",
    "escape_formula",
    "export_csv",
    "export_writer",
    "format_for_filename",
    "importable_kinds",
    "kinds",
    "problems_in",
    "read_table",
    "register",
    "register_export",
    "resource_for",
    "run_import",
    "unescape_formula",
]

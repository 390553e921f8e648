"""Importing and exporting LOTI's spreadsheets: the registry of kinds, the base resource, its widgets, and run_import.

Each app registers its django-import-export resources here from its AppConfig.ready() (by importing its
`resources` module), so the import_data/export_data commands and the admin share one list without the core
importing the apps. Widgets that name an app's model (organisation, pillar, project) live in that app's
resources module.

An import is all or nothing: it runs in one transaction; every row is validated (its cells, its fields, and,
when the rows are written together, the database's unique and check constraints); any bad row is reported
with its line in the file (the header is line 1) and the transaction is rolled back, so nothing is written;
otherwise the rows stay written and an ImportRecord says who imported which file. A dry run is the same pass,
always rolled back. LotiResource says how the rows are read and written in bulk.
"""
import contextvars
import csv
import datetime
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, DataError, IntegrityError, models, transaction
from django.db.models.functions import Upper
from django.utils.text import slugify
from import_export import resources, widgets
from import_export.formats import base_formats
from import_export.instance_loaders import ModelInstanceLoader
from import_export.resources import Diff
from import_export.results import RowResult
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .data_versions import data_version_bump
from .models import FinancialYear, ImportRecord
from .money import to_money
from .services import financial_year_get_or_create

# ---------------------------------------------------------------------------------------------------------
# The registry of kinds
# ---------------------------------------------------------------------------------------------------------

_REGISTRY: dict[str, type] = {}


def register(kind: str) -> Callable[[type], type]:
    def decorator(resource_class: type) -> type:
        if kind in _REGISTRY and _REGISTRY[kind] is not resource_class:
            raise ValueError(f"Import kind {kind!r} is registered twice")
        _REGISTRY[kind] = resource_class
        resource_class.kind = kind
        return resource_class

    return decorator


def resource_for(kind: str) -> type:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise KeyError(f"Unknown kind {kind!r}; choose one of: {', '.join(sorted(_REGISTRY))}") from None


def kinds() -> list[str]:
    return sorted(set(_REGISTRY) | set(_EXPORTS))


# Exports that are not an import's columns (the 360Giving file): a writer per kind, registered by the app that owns it.
_EXPORTS: dict[str, tuple[Callable, tuple[str, ...]]] = {}


def register_export(kind: str, write: Callable, *, formats: tuple[str, ...] = ("csv",)) -> None:
    """`write(year=FinancialYear | None, fmt=str) -> (text, notes)`; it raises ValueError to refuse, saying why."""
    _EXPORTS[kind] = (write, formats)


def export_writer(kind: str) -> tuple[Callable, tuple[str, ...]] | None:
    return _EXPORTS.get(kind)


def importable_kinds() -> list[str]:
    return sorted(kind for kind, resource in _REGISTRY.items() if getattr(resource, "importable", True))


# ---------------------------------------------------------------------------------------------------------
# Formula escaping. A text cell starting with one of these runs as a formula when a spreadsheet opens the
# file; a leading apostrophe makes it plain text. On import the apostrophe is taken off again, so an
# exported file imports back unchanged.
# ---------------------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_formula(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


# ---------------------------------------------------------------------------------------------------------
# Reading a file into rows, remembering each row's line in the file
# ---------------------------------------------------------------------------------------------------------


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not CSV text, not a workbook, no header row)."""


def _clean_cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape_formula(value.strip())
    return value


def _dataset_from_rows(rows: Iterable[tuple[int, list]]) -> tablib.Dataset:
    """Rows are (line, cells); the first non-blank row is the header. Blank rows are skipped but counted."""
    headers = None
    dataset = None
    line_numbers: list[int] = []
    for line, cells in rows:
        cells = [_clean_cell(cell) for cell in cells]
        if all(cell == "" for cell in cells):
            continue
        if headers is None:
            while cells and cells[-1] == "":
                cells.pop()
            headers = [str(cell) for cell in cells]
            dataset = tablib.Dataset(headers=headers)
            continue
        cells = (cells + [""] * len(headers))[: len(headers)]
        dataset.append(cells)
        line_numbers.append(line)
    if dataset is None:
        raise ImportFileError("The file is empty: the first line must name the columns")
    dataset.line_numbers = line_numbers
    return dataset


def read_csv(data: bytes | str) -> tablib.Dataset:
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"The file is not UTF-8 text (byte {error.start + 1}); save it as 'CSV UTF-8' and try again"
            ) from None
    else:
        text = data.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        start = 1
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(f"Line {reader.line_num}: this is not valid CSV ({error})") from None
    return _dataset_from_rows(rows)


def read_xlsx(data: bytes) -> tablib.Dataset:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(f"The file is not an Excel workbook (.xlsx): {error}") from None
    sheet = book.worksheets[0]
    rows = ((line, list(cells)) for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1))
    try:
        return _dataset_from_rows(rows)
    finally:
        book.close()


def read_table(data: bytes, fmt: str) -> tablib.Dataset:
    if fmt == "csv":
        return read_csv(data)
    if fmt == "xlsx":
        return read_xlsx(data)
    raise ImportFileError(f"Unknown format {fmt!r}: use csv or xlsx")


def format_for_filename(filename: str) -> str:
    name = filename.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".xlsx"):
        return "xlsx"
    raise ImportFileError(f"{filename}: give a .csv or .xlsx file")


class CSVFormat(base_formats.CSV):
    """CSV as LOTI reads it everywhere (UTF-8, blank lines skipped, line numbers kept), read as bytes."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return read_csv(in_stream)


class XLSXFormat(base_formats.XLSX):
    def create_dataset(self, in_stream, **kwargs):
        return read_xlsx(in_stream)


FORMATS = {"csv": CSVFormat, "xlsx": XLSXFormat}


# ---------------------------------------------------------------------------------------------------------
# What one import has looked up. A file of 10,000 rows names the same few years, pillars and organisations
# again and again: while an import runs, widgets read each related table once (for every value the file
# names) and then answer from dictionaries. Outside an import (exports, the admin's forms) they query as usual.
# ---------------------------------------------------------------------------------------------------------

LOOKUP_CHUNK = 5000  # values per IN (...) query, well under PostgreSQL's 65,535 parameters


def chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


class ImportLookups:
    """Per-import dictionaries: related rows by (model, field, UPPER(text)), financial years by label, and memos."""

    def __init__(self):
        self.named: dict[tuple, dict[str, list]] = defaultdict(dict)
        self.years: dict[str, FinancialYear] | None = None
        self.memos: dict[tuple, object] = {}

    def find_named(self, model, lookup: str, text: str) -> list:
        """Rows of model whose lookup field equals text in any case (at most two: one means found)."""
        table = self.named[(model, lookup)]
        key = text.upper()
        if key not in table:
            table[key] = list(model.objects.filter(**{f"{lookup}__iexact": text})[:2])
        return table[key]

    def prefetch_named(self, model, lookup: str, texts: set[str]) -> None:
        """One query for every value of a column, instead of one per row."""
        table = self.named[(model, lookup)]
        wanted = sorted({text.upper() for text in texts} - table.keys())
        for part in chunks(wanted):
            found = defaultdict(list)
            for row in model.objects.annotate(_loti_key=Upper(lookup)).filter(_loti_key__in=part):
                found[row._loti_key].append(row)
            for key in part:
                # PostgreSQL and Python agree on the upper case of ASCII; anything else is looked up row by row.
                if key in found or key.isascii():
                    table[key] = found.get(key, [])

    def found(self, model, lookup: str) -> list:
        """Every row of model found so far by this lookup."""
        return [row for rows in self.named[(model, lookup)].values() for row in rows]

    def year(self, label: str) -> FinancialYear:
        if self.years is None:
            self.years = {year.label: year for year in FinancialYear.objects.all()}
        if label not in self.years:
            self.years[label] = financial_year_get_or_create(label=label)  # a bad label raises ValueError
        return self.years[label]

    def memo(self, key: tuple, compute: Callable[[], object]):
        if key not in self.memos:
            self.memos[key] = compute()
        return self.memos[key]


_lookups: contextvars.ContextVar[ImportLookups | None] = contextvars.ContextVar("loti_import_lookups", default=None)


def current_lookups() -> ImportLookups | None:
    """The running import's lookups, or None outside an import."""
    return _lookups.get()


# ---------------------------------------------------------------------------------------------------------
# Widgets: how a cell becomes a value and back
# ---------------------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)


class DateWidget(widgets.Widget):
    """Dates are written YYYY-MM-DD; a date cell in a workbook is taken as it is."""

    PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = _text(value)
        if not text:
            return None
        if not self.PATTERN.match(text):
            raise ValueError(f"{text!r} is not a date written YYYY-MM-DD")
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a real date") from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class FinancialYearWidget(widgets.Widget):
    """A financial year by its label (2020/21), created on first use."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        lookups = current_lookups()
        if lookups is not None:
            return lookups.year(text)
        return financial_year_get_or_create(label=text)  # a bad label raises ValueError with a clear message

    def render(self, value, obj=None, **kwargs):
        return value.label if value else ""


class DecimalWidget(widgets.Widget):
    """An exact decimal. Text like '£1,000.50' is read; garbage, exponents and too many decimal places are not.

    A number cell in a workbook arrives as a float: it is read through its shortest decimal form, and refused
    if that has more places than allowed (a float that cannot hold the pennies exactly).
    """

    PATTERN = re.compile(r"^-?\d+(\.\d+)?$")

    def __init__(self, places: int = 2, minimum: Decimal | None = Decimal("0"), maximum: Decimal | None = None, hint: str = ""):
        super().__init__()
        self.places = places
        self.minimum = minimum
        self.maximum = maximum
        self.hint = hint

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number{self.hint}")
        if isinstance(value, (int, float, Decimal)):
            text = repr(value) if isinstance(value, float) else str(value)
        else:
            text = _text(value).replace(",", "").replace("£", "").replace(" ", "")
        if not text:
            return None
        if not self.PATTERN.match(text):
            raise ValueError(f"{_text(value)!r} is not a number{self.hint}")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{_text(value)!r} is not a number{self.hint}") from None
        if -number.as_tuple().exponent > self.places:
            raise ValueError(f"{_text(value)!r} has more than {self.places} decimal places{self.hint}")
        if self.minimum is not None and number < self.minimum:
            raise ValueError(f"{_text(value)!r} is less than {self.minimum}{self.hint}")
        if self.maximum is not None and number > self.maximum:
            raise ValueError(f"{_text(value)!r} is more than {self.maximum}{self.hint}")
        return number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f"{Decimal(value):.{self.places}f}"


class MoneyWidget(DecimalWidget):
    """Pounds and pence, never negative unless asked; written back as 1000000.00."""

    def __init__(self, minimum: Decimal | None = Decimal("0")):
        super().__init__(places=2, minimum=minimum)

    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        return None if number is None else to_money(number)


class FractionWidget(DecimalWidget):
    def __init__(self):
        super().__init__(places=4, minimum=Decimal("0"), maximum=Decimal("1"), hint="; write it as a fraction, e.g. 0.20 for 20%")


class WholeNumberWidget(widgets.Widget):
    def __init__(self, minimum: int | None = None, maximum: int | None = None):
        super().__init__()
        self.minimum = minimum
        self.maximum = maximum

    def _range(self) -> str:
        return f" from {self.minimum} to {self.maximum}" if self.minimum is not None and self.maximum is not None else ""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = _text(value)
        if not text:
            return None
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"{text!r} is not a whole number{self._range()}")
        number = int(text)
        if (self.minimum is not None and number < self.minimum) or (self.maximum is not None and number > self.maximum):
            raise ValueError(f"{text!r} is not a whole number{self._range()}")
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceWidget(widgets.Widget):
    """One of a model field's choices, by value or label (any case). The message lists the allowed values."""

    def __init__(self, choices, blank: bool = False):
        super().__init__()
        self.choices = [(str(value), str(label)) for value, label in choices]
        self.blank = blank

    def allowed(self) -> str:
        return ", ".join(value for value, _ in self.choices)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return ""
        wanted = text.casefold()
        for choice, label in self.choices:
            if wanted in (choice.casefold(), label.casefold()):
                return choice
        raise ValueError(f"{text!r} is not one of: {self.allowed()}")

    def render(self, value, obj=None, **kwargs):
        return value or ""


class YesNoWidget(widgets.Widget):
    TRUE = {"yes", "y", "true", "1"}
    FALSE = {"no", "n", "false", "0"}

    def __init__(self, null: bool = False):
        super().__init__()
        self.null = null

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _text(value).casefold()
        if not text:
            return None if self.null else False
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"{_text(value)!r} is not yes or no")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "yes" if value else "no"


class NamedWidget(widgets.ForeignKeyWidget):
    """A related row by its name, or by another unique field (a GSS code); any case."""

    def __init__(self, model, lookups: tuple[str, ...] = ("name",), noun: str | None = None):
        super().__init__(model, field=lookups[0])
        self.lookups = lookups
        self.noun = noun or model._meta.verbose_name

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        lookups = current_lookups()
        for lookup in self.lookups:
            if lookups is not None:
                found = lookups.find_named(self.model, lookup, text)
            else:
                found = list(self.model.objects.filter(**{f"{lookup}__iexact": text})[:2])
            if len(found) == 1:
                return found[0]
        ways = " or ".join(self.model._meta.get_field(lookup).verbose_name for lookup in self.lookups)
        raise ValueError(f"there is no {self.noun} with the {ways} {text!r}")

    def prefetch(self, lookups: ImportLookups, values: Iterable) -> None:
        texts = {_text(value) for value in values} - {""}
        for lookup in self.lookups:
            lookups.prefetch_named(self.model, lookup, texts)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.lookups[0]))


class ListWidget(widgets.Widget):
    """Several values in one cell, separated by commas."""

    def clean(self, value, row=None, **kwargs):
        return [part.strip().lower() for part in _text(value).split(",") if part.strip()]

    def render(self, value, obj=None, **kwargs):
        return ", ".join(value or [])


# ---------------------------------------------------------------------------------------------------------
# The base resource
# ---------------------------------------------------------------------------------------------------------


class HeaderError(ValueError):
    """The header row is missing a column or names one the kind does not have."""


def _has_history(model) -> bool:
    return bool(getattr(model._meta, "simple_history_manager_attribute", None))


class NaturalKeyLoader(ModelInstanceLoader):
    """Finds the rows a file names by their natural key in one query for the whole file, not one per row.

    Each key column narrows the query (the widest, usually a name, is sent in parts); the exact match is made
    here, on the same cleaned values import-export's own loader would have passed to get().
    """

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.model = resource._meta.model
        self.index: dict[tuple, list] | None = None

    @property
    def key_fields(self) -> list:
        return [self.resource.fields[name] for name in self.resource.get_import_id_fields()]

    @staticmethod
    def _key(values) -> tuple:
        return tuple(value.pk if isinstance(value, models.Model) else value for value in values)

    def _load(self) -> dict[tuple, list]:
        index: dict[tuple, list] = defaultdict(list)
        headers = self.dataset.headers or []
        if not self.key_fields or any(field.column_name not in headers for field in self.key_fields):
            return index
        wanted = [set() for _ in self.key_fields]
        for cells in self.dataset:
            row = dict(zip(headers, cells))
            try:
                key = self._key([field.clean(row) for field in self.key_fields])
            except ValueError:
                continue  # the row is reported when it is imported
            for values, value in zip(wanted, key):
                values.add(value)
        if not all(wanted):
            return index
        attnames = [self.model._meta.get_field(field.attribute).attname for field in self.key_fields]

        def matching(attname: str, values) -> models.Q:
            present = [value for value in values if value is not None]
            q = models.Q(**{f"{attname}__in": present})
            return q | models.Q(**{f"{attname}__isnull": True}) if None in values else q

        widest = max(range(len(wanted)), key=lambda i: len(wanted[i]))
        narrow = models.Q()
        for i, (attname, values) in enumerate(zip(attnames, wanted)):
            if i != widest:
                narrow &= matching(attname, values)
        for part in chunks(list(wanted[widest])):
            for instance in self.get_queryset().filter(narrow, matching(attnames[widest], part)):
                index[tuple(getattr(instance, attname) for attname in attnames)].append(instance)
        return index

    def get_instance(self, row):
        if self.index is None:
            self.index = self._load()
        key = self._key([field.clean(row) for field in self.key_fields])
        found = self.index.get(key, [])
        if len(found) > 1:
            raise self.model.MultipleObjectsReturned(f"{len(found)} {self.model._meta.verbose_name_plural} have this key")
        return found[0] if found else None


class RowDiff(Diff):
    """import-export's before/after of a row, made only when someone will see it (the admin's preview)."""

    def __init__(self, resource, instance, new):
        self.shown = getattr(resource, "show_diff", True)
        if self.shown:
            super().__init__(resource, instance, new)
        else:
            self.left, self.right, self.new = [], [], new

    def compare_with(self, resource, instance):
        if self.shown:
            super().compare_with(resource, instance)

    def as_html(self):
        return super().as_html() if self.shown else []


class LotiResource(resources.ModelResource):
    """A kind of LOTI spreadsheet. Subclasses declare their columns as fields, in the file's order.

    kind: set by @register. natural_key: the columns that find an existing row, so importing the same file
    again updates rather than duplicates. required_columns: columns the header must have (default: all).
    example: one example row for the admin's template. year_path: where the financial year is, for
    export --year. constraint_messages: LOTI's words for database constraints a row can break.

    How a file is read and written, so that 10,000 rows take seconds: related rows (years, organisations,
    pillars...) and the rows already held are read once per file (ImportLookups, NaturalKeyLoader); each row's
    cells and fields are checked in Python as it is read; the good rows are then written together with
    bulk_create/bulk_update (and their history), and the database's unique and check constraints judge them
    all at once. Only if the database refuses are they written in halves, down to the rows it refuses, which
    are then checked as Django would (validate_unique, validate_constraints) to say why in LOTI's words.
    """

    kind = ""
    importable = True
    required_columns: tuple[str, ...] | None = None
    example: dict[str, str] = {}
    year_path: str | None = "year"
    constraint_messages: dict[str, str] = {}
    slug_source: str | None = None  # models with a slug get one made from this field on first import
    show_diff = True  # each row's before/after for the admin's preview; run_import has no one to show it to
    write_batch = 1000  # rows per INSERT/UPDATE statement

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        use_bulk = True  # rows are kept until every row is read, then written together (write_pending)
        batch_size = None  # ...all of them at the end, not in batches as they are read
        instance_loader_class = NaturalKeyLoader

    @classmethod
    def get_diff_class(cls):
        return RowDiff

    # -- reading ----------------------------------------------------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        # All or nothing whoever calls it: one bad row and every row of the file is rolled back.
        token = _lookups.set(ImportLookups())
        try:
            return super().import_data(
                dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
                collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True, **kwargs,
            )
        finally:
            _lookups.reset(token)

    def get_import_fields(self):
        # import-export works this list out twice for every row; it is the same for the whole file.
        if getattr(self, "_import_fields", None) is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    @classmethod
    def columns(cls) -> list[str]:
        return [field.column_name for field in cls().get_export_fields()]

    def _column_of(self, attribute: str) -> str:
        for resource_field in self.fields.values():
            if resource_field.attribute == attribute:
                return resource_field.column_name
        return attribute

    def before_import(self, dataset, **kwargs):
        self._seen_keys: dict[tuple, int] = {}
        self._row_results: dict[int, RowResult] = {}
        self._taken_slugs: set[str] | None = None
        self._line_numbers = getattr(dataset, "line_numbers", None)
        columns = self.columns()
        headers = [str(header).strip() for header in (dataset.headers or [])]
        self._headers = set(headers)
        unknown = [header for header in headers if header and header not in columns]  # an unnamed column is ignored
        required = self.required_columns if self.required_columns is not None else columns
        missing = [column for column in required if column not in headers]
        repeated = sorted({header for header in headers if headers.count(header) > 1})
        problems = []
        if missing:
            problems.append(f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
        if repeated:
            problems.append(f"repeated column{'s' if len(repeated) > 1 else ''}: {', '.join(repeated)}")
        if problems:
            del dataset[0 : len(dataset)]  # nothing can be read without the right header
            raise HeaderError(
                f"{'; '.join(problems)}. The columns for {self.kind} are: {', '.join(columns)}"
            )
        lookups = current_lookups()
        if lookups is not None and len(dataset):
            for resource_field in self.get_import_fields():
                prefetch = getattr(resource_field.widget, "prefetch", None)
                if prefetch is not None and resource_field.column_name in (dataset.headers or []):
                    prefetch(lookups, dataset[resource_field.column_name])

    def line_for(self, row_number: int) -> int:
        lines = getattr(self, "_line_numbers", None)
        if lines and 0 < row_number <= len(lines):
            return lines[row_number - 1]
        return row_number + 1

    def before_import_row(self, row, **kwargs):
        # Two rows with the same natural key in one file are a mistake, not an update.
        key = tuple(_text(row.get(self.fields[name].column_name)).casefold() for name in self.get_import_id_fields())
        number = kwargs.get("row_number")
        if key in self._seen_keys:
            columns = ", ".join(self.fields[name].column_name for name in self.get_import_id_fields())
            raise ValidationError(
                f"repeats line {self.line_for(self._seen_keys[key])}: a file may name the same {columns} only once"
            )
        self._seen_keys[key] = number

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        self._row_results[kwargs.get("row_number")] = row_result  # to mark it if the database refuses it later

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError as error:
            # A key column cannot be read, so the row goes no further: say what is wrong with every column.
            errors = {}
            for resource_field in self.get_import_fields():
                if resource_field.column_name not in row:
                    continue
                try:
                    resource_field.clean(row)
                except ValueError as field_error:
                    errors[resource_field.attribute] = str(field_error)
            raise ValidationError(errors or str(error)) from None

    def unique_slug(self, instance, text: str) -> str:
        model = type(instance)
        max_length = model._meta.get_field("slug").max_length
        base = (slugify(text) or self.kind or "item")[:max_length]
        if getattr(self, "_taken_slugs", None) is None:
            # Every slug in use, read once per import; the slugs given to this file's earlier rows are added.
            others = model.objects.exclude(pk=instance.pk) if instance.pk else model.objects.all()
            self._taken_slugs = set(others.values_list("slug", flat=True))
        slug, counter = base, 1
        while slug in self._taken_slugs:
            counter += 1
            suffix = f"-{counter}"
            slug = base[: max_length - len(suffix)] + suffix
        self._taken_slugs.add(slug)
        return slug

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if self.slug_source and not instance.slug:
            instance.slug = self.unique_slug(instance, getattr(instance, self.slug_source) or "")
        errors = dict(import_validation_errors or {})
        if not errors:
            try:
                self.check_row(instance)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors or not self._meta.use_bulk:
            try:
                # A bad row (or one written on its own, not in bulk) gets the model's every check, the database's
                # included, so all its problems are said together; columns already found wrong are left out.
                super().validate_instance(instance, errors, validate_unique)
            except ValidationError as error:
                raise ValidationError(self._in_loti_words(error.message_dict)) from None
            return
        try:
            # A good row's own fields, in Python. Its unique and constraint checks are the database's, on every
            # row at once when they are written (write_pending); related rows were found by the widgets.
            instance.full_clean(exclude=self._related_rows_found(instance), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise ValidationError(self._in_loti_words(error.message_dict)) from None

    @staticmethod
    def _related_rows_found(instance) -> list[str]:
        # Django would check each with a query; a widget or the database gave them, so they exist.
        return [
            field.name for field in instance._meta.concrete_fields
            if field.is_relation and getattr(instance, field.attname) is not None
        ]

    def validate_in_database(self, instance) -> None:
        """The unique and constraint checks a good row skipped, one query each: used only to name refused rows."""
        errors: dict = {}
        for check in (instance.validate_unique, instance.validate_constraints):
            try:
                check()
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(self._in_loti_words(ValidationError(errors).message_dict))

    def check_row(self, instance) -> None:
        """Rules a row must follow beyond the model's own; raise ValidationError({attribute: message})."""

    def _in_loti_words(self, message_dict: dict) -> dict:
        worded = {}
        for key, messages in message_dict.items():
            new = []
            for message in messages:
                for constraint, words in self.constraint_messages.items():
                    if constraint in message:
                        message = words
                        break
                new.append(message)
            worded[key] = new
        return worded

    # -- writing ----------------------------------------------------------------------------------------

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            instance._history_user = user
        file_name = kwargs.get("file_name")
        instance._change_reason = f"Imported from {file_name}" if file_name else "Imported"

    def save_instance(self, instance, is_create, row, **kwargs):
        instance._loti_import_row = (kwargs.get("row_number"), row, is_create)
        super().save_instance(instance, is_create, row, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.write_pending(result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.write_pending(result)  # already done by bulk_create, which import-export calls first

    def write_pending(self, result) -> None:
        """Write every good row at once; the database's unique and check constraints judge them all together."""
        pending = sorted(self.update_instances + self.create_instances, key=lambda instance: instance._loti_import_row[0])
        self.create_instances, self.update_instances = [], []
        try:
            self.write_in_parts(pending, result)
        except DatabaseError as error:
            self.handle_import_error(result, error)

    def write_in_parts(self, instances: list, result) -> None:
        """Write rows together; if the database refuses, write each half, down to the single rows it refuses.

        A part the database accepts stays written (earlier rows first, as if written one by one in the file's
        order), so a few bad rows among 10,000 cost a few dozen statements, not one per row.
        """
        if not instances:
            return
        if len(instances) == 1:
            self.write_one(instances[0], result)
            return
        try:
            with transaction.atomic(using=self.get_db_connection_name()):
                updates = [instance for instance in instances if not instance._loti_import_row[2]]
                creates = [instance for instance in instances if instance._loti_import_row[2]]
                if updates:
                    self.write_updates(updates)
                if creates:
                    self.write_creates(creates)
        except (IntegrityError, DataError):
            for instance in instances:
                if instance._loti_import_row[2]:  # the rolled-back INSERT gave it an id
                    instance.pk = None
                    instance._state.adding = True
            middle = len(instances) // 2
            self.write_in_parts(instances[:middle], result)
            self.write_in_parts(instances[middle:], result)

    def write_one(self, instance, result) -> None:
        """One row, with Django's unique and constraint checks first, so a refusal is said in LOTI's words."""
        number, row, is_create = instance._loti_import_row
        try:
            with transaction.atomic(using=self.get_db_connection_name()):
                self.validate_in_database(instance)
                instance.save(force_insert=is_create)
        except ValidationError as error:
            self._refuse_row(result, number, row, invalid=error)
        except (IntegrityError, DataError) as error:
            self._refuse_row(result, number, row, error=error)

    def write_creates(self, instances: list) -> None:
        model = self._meta.model
        if _has_history(model):
            # Each history row keeps the instance's _history_user and _change_reason (before_save_instance).
            bulk_create_with_history(instances, model, batch_size=self.write_batch)
        else:
            model.objects.bulk_create(instances, batch_size=self.write_batch)

    def write_updates(self, instances: list) -> None:
        model = self._meta.model
        fields = sorted({
            model._meta.get_field(resource_field.attribute).name
            for resource_field in self.get_import_fields()
            if resource_field.attribute and not resource_field.readonly and resource_field.column_name in self._headers
        })
        if _has_history(model):
            bulk_update_with_history(instances, model, fields, batch_size=self.write_batch)
        else:
            model.objects.bulk_update(instances, fields, batch_size=self.write_batch)

    def _refuse_row(self, result, number: int, row, *, invalid: ValidationError | None = None, error: Exception | None = None) -> None:
        """Mark a row the reading passed and the database refused, as import-export marks a bad row."""
        row_result = self._row_results.get(number)
        if result is None or row_result is None:
            raise invalid or error
        result.totals[row_result.import_type] -= 1
        if invalid is not None:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = invalid
            result.append_invalid_row(number, row, invalid)
        else:
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            row_result.errors.append(self.get_error_result_class()(error, row=row, number=number))
            result.append_error_row(number, row, row_result.errors)
        result.totals[row_result.import_type] += 1

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.line_numbers = [self.line_for(number) for number in range(1, len(dataset) + 1)]

    # -- exporting --------------------------------------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def filter_export(self, queryset, **kwargs):
        # export(year="2020/21") gives one year's rows, as export_data --year does.
        year = kwargs.get("year")
        if year:
            # Exporting reads: a year not held is an error, never a new year.
            from .selectors import financial_year_for_reading

            queryset = self.filter_by_year(queryset, year if isinstance(year, FinancialYear) else financial_year_for_reading(str(year)))
        return super().filter_export(queryset, **kwargs)

    def filter_by_year(self, queryset, year: FinancialYear):
        if not self.year_path:
            raise ValueError(f"{self.kind} are not kept by financial year; export them without --year")
        return queryset.filter(**{self.year_path: year})

    @classmethod
    def template_dataset(cls) -> tablib.Dataset:
        columns = cls.columns()
        dataset = tablib.Dataset(headers=columns)
        dataset.append([escape_formula(cls.example.get(column, "")) for column in columns])
        return dataset


def export_csv(dataset: tablib.Dataset) -> str:
    """CSV text of a dataset, through import-export's CSV format (so its settings apply too)."""
    return base_formats.CSV().export_data(dataset)


# ---------------------------------------------------------------------------------------------------------
# Turning an import-export result into LOTI's list of problems
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    line: int | None  # the file's line, header = 1; None for the file as a whole
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line is not None else self.reason


def _database_words(error: Exception, resource: LotiResource) -> str:
    text = str(error)
    for constraint, words in resource.constraint_messages.items():
        if constraint in text:
            return words
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return f"the database refused this row: {first}"


def problems_in(result, resource: LotiResource) -> list[RowProblem]:
    lines = getattr(result, "line_numbers", None) or []

    def line(number: int) -> int:
        return lines[number - 1] if 0 < number <= len(lines) else resource.line_for(number)

    problems: list[RowProblem] = []
    for base in result.base_errors:
        problems.append(RowProblem(1 if isinstance(base.error, HeaderError) else None, str(base.error)))
    found: list[tuple[int, str]] = []
    for number, errors in result.row_errors():
        for error in errors:
            reason = _database_words(error.error, resource) if isinstance(error.error, IntegrityError) else str(error.error)
            found.append((number, reason))
    for invalid in result.invalid_rows:
        reasons = []
        for attribute, messages in invalid.error_dict.items():
            for message in messages:
                if attribute == NON_FIELD_ERRORS:
                    reasons.append(message)
                else:
                    reasons.append(f"{resource._column_of(attribute)}: {message}")
        found.append((invalid.number, "; ".join(reasons)))
    problems.extend(RowProblem(line(number), reason) for number, reason in sorted(found, key=lambda item: item[0]))
    return problems


# ---------------------------------------------------------------------------------------------------------
# The import service
# ---------------------------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    kind: str
    filename: str
    dry_run: bool
    problems: list[RowProblem] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    record: ImportRecord | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def written(self) -> bool:
        return self.record is not None

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        return f"{self.kind}: {verb} {self.new} new, {self.updated} updated, {self.unchanged} unchanged from {self.filename}"


def _counts(result) -> tuple[int, int, int]:
    return (
        result.totals[RowResult.IMPORT_TYPE_NEW],
        result.totals[RowResult.IMPORT_TYPE_UPDATE],
        result.totals[RowResult.IMPORT_TYPE_SKIP],
    )


def run_import(*, kind: str, data: bytes, filename: str, fmt: str, user=None, via: str, dry_run: bool) -> ImportOutcome:
    """Validate every row of a file; write nothing on any problem, else write all of it and record who did."""
    resource_class = resource_for(kind)
    if not getattr(resource_class, "importable", True):
        raise KeyError(f"{kind} can be exported but not imported")
    outcome = ImportOutcome(kind=kind, filename=filename, dry_run=dry_run)
    try:
        dataset = read_table(data, fmt)
    except ImportFileError as error:
        outcome.problems = [RowProblem(None, str(error))]
        return outcome

    # One pass inside one transaction: every row is read and checked and the good ones written; on any
    # problem, or for a dry run, the transaction is rolled back, so nothing is written (not even a new year).
    with transaction.atomic():
        resource = resource_class()
        resource.show_diff = False
        result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True, raise_errors=False, user=user, file_name=filename)
        outcome.problems = problems_in(result, resource)
        outcome.new, outcome.updated, outcome.unchanged = _counts(result)
        if outcome.problems or dry_run:
            transaction.set_rollback(True)
            return outcome
        outcome.record = ImportRecord.objects.create(
            kind=kind,
            filename=filename[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            imported_by=user if getattr(user, "pk", None) else None,
            via=via,
            rows_new=outcome.new,
            rows_updated=outcome.updated,
            rows_unchanged=outcome.unchanged,
        )
        # Rows written in bulk send no save signals: tell the public cache the data changed (after commit).
        data_version_bump()
    return outcome

"""Files in and out: CSV and XLSX read into rows that remember their line in the file, and the one formula escaping.

Formula escaping. A text cell starting with one of FORMULA_STARTS runs as a formula when a spreadsheet opens the
file. django-import-export escapes on export when IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is on (LOTI's settings
turn it on); its own rule only strips a leading "=" (losing it) and leaves +, - and @ alone. LOTI's formats keep the
library's switch and put a leading apostrophe instead, which makes the cell plain text and is taken off again on
import, so an exported file imports back unchanged. Every export goes through these formats (export_data, the
admin's export and templates), so a cell is escaped once, here.

Reading. The library's XLSX reader reads the workbook; LOTI then skips blank rows but keeps each row's line, which
every problem names. CSV is read with Python's csv module rather than tablib's loader, which drops blank lines and
cannot say on which line a quoted cell with line breaks began.
"""

import csv
import io
from collections.abc import Iterable

import tablib
from import_export.formats import base_formats

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_formula(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


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
    dataset: tablib.Dataset | None = None
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
        assert dataset is not None  # made with the header row
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
            raise ImportFileError(f"The file is not UTF-8 text (byte {error.start + 1}); save it as 'CSV UTF-8' and try again") from None
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
    """The first sheet, through the library's reader (which keeps blank rows, so a row's index gives its line)."""
    import zipfile

    try:
        sheet = base_formats.XLSX().create_dataset(data)
    except StopIteration:
        raise ImportFileError("The file is empty: the first line must name the columns") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise ImportFileError(f"The file is not an Excel workbook (.xlsx): {error}") from None
    rows = [(1, list(sheet.headers or []))]
    rows.extend((line, list(cells)) for line, cells in enumerate(sheet, start=2))
    return _dataset_from_rows(rows)


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


class _EscapedExport:
    """The library's export with LOTI's formula escaping (see the module's docstring), under the library's switch."""

    def _escape_formulae(self, dataset):
        escaped = [[escape_formula(cell) for cell in row] for row in dataset]
        del dataset[0 : len(dataset)]
        for row in escaped:
            dataset.append(row)


class CSVFormat(_EscapedExport, base_formats.CSV):
    """CSV as LOTI reads it everywhere (UTF-8, blank lines skipped, line numbers kept), read as bytes."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return read_csv(in_stream)


class XLSXFormat(_EscapedExport, base_formats.XLSX):
    def create_dataset(self, in_stream, **kwargs):
        return read_xlsx(in_stream)


FORMATS = {"csv": CSVFormat, "xlsx": XLSXFormat}


def export_csv(dataset: tablib.Dataset) -> str:
    """CSV text of a dataset, through LOTI's CSV format (the library's export, formulae escaped)."""
    return CSVFormat().export_data(dataset)

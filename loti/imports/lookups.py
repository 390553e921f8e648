"""What one import has looked up. A file of 10,000 rows names the same few years again and again, and a resource
may need a fact once per file (a year's survey, a year's ledger lines): while an import runs they are kept here.
Related rows named by text (organisation, pillar, invoice...) are the library's CachedForeignKeyWidget's job
(loti.imports.widgets.NamedWidget), which also notes here the rows it found."""

import contextvars
from collections import defaultdict
from collections.abc import Callable

from ..models import FinancialYear
from ..services import financial_year_get_or_create

LOOKUP_CHUNK = 5000  # values per IN (...) query, well under PostgreSQL's 65,535 parameters


def chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


class ImportLookups:
    """Per-import dictionaries: financial years by label, the related rows the file named, and memos."""

    def __init__(self):
        self.years: dict[str, FinancialYear] | None = None
        self.named: dict[type, dict[int, object]] = defaultdict(dict)
        self.memos: dict[tuple, object] = {}

    def note_found(self, row) -> None:
        self.named[type(row)][row.pk] = row

    def found(self, model) -> list:
        """Every row of model a column of this file has named so far."""
        return list(self.named[model].values())

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

"""Reading LOTI's reference data files and writing their rows, only where something changed.

Each app loads its own part (members/reference.py, projects/reference.py, budget/reference.py) from JSON
files kept next to it. Every item in those files cites a source document from reference_data/sources.json.
Rows are found by their natural key and saved only when a value differs (loti.services.reference_row_sync), so a
second load writes nothing: no new history rows, no moved `updated_at`.
"""

import datetime
import functools
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from loti.money import to_money

SOURCES_FILE = Path(__file__).resolve().parent / "reference_data" / "sources.json"
CHANGE_REASON = "Loaded from the reference data (manage.py load_reference_data)"


class ReferenceDataError(Exception):
    """A data file is wrong: the message names the file, the item and the field."""


def read_reference_file(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError as error:
        raise ReferenceDataError(f"{path}: the reference data file is missing") from error
    except json.JSONDecodeError as error:
        raise ReferenceDataError(f"{path}: line {error.lineno}: {error.msg}") from error


@functools.cache
def reference_sources() -> dict[str, dict]:
    return read_reference_file(SOURCES_FILE)["sources"]


def cite(source: dict | None, *, where: str) -> str:
    """'LOTI Year 2 Strategy (14 September 2020), slide 26' from {"doc": "strategy-2020", "at": "slide 26"}."""
    if not source or "doc" not in source:
        raise ReferenceDataError(f'{where}: every item must cite its source document ("source": {{"doc": ...}})')
    documents = reference_sources()
    if source["doc"] not in documents:
        raise ReferenceDataError(f"{where}: unknown source document {source['doc']!r}; see {SOURCES_FILE.name}")
    title = documents[source["doc"]]["title"]
    return f"{title}, {source['at']}" if source.get("at") else title


def source_published(source: dict, *, where: str) -> datetime.datetime | None:
    """When the cited document was published: the latest day its facts are known to hold."""
    day = parse_date(reference_sources()[source["doc"]].get("published"), where=where)
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC) if day else None


def parse_date(value: str | None, *, where: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise ReferenceDataError(f"{where}: {value!r} is not a date; write it as YYYY-MM-DD") from error


def parse_money(value, *, where: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return to_money(value)
    except (TypeError, ValueError) as error:
        raise ReferenceDataError(f"{where}: {error}") from error


@dataclass
class LoadTally:
    """How many rows of each model a load created, updated or left alone."""

    counts: dict[str, Counter] = field(default_factory=dict)

    def add(self, label: str, outcome: str) -> None:
        self.counts.setdefault(label, Counter())[outcome] += 1

    def lines(self) -> list[str]:
        return [f"{label}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged" for label, c in self.counts.items()]

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())


T = TypeVar("T")


def required(value: T | None, *, where: str) -> T:
    """A value the file must give: missing, it is refused naming where, rather than failing later."""
    if value is None:
        raise ReferenceDataError(f"{where}: missing; the file must give it")
    return value

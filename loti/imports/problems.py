"""Turning an import-export result into LOTI's list of problems, each with its line in the file."""

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError

from .resource import HeaderError, LotiResource


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

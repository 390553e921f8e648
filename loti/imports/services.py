"""The import service: every row of a file checked, then all of it written and recorded, or none of it."""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from import_export.results import RowResult

from ..data_versions import data_version_bump
from ..models import ImportRecord
from .formats import ImportFileError, read_table
from .problems import RowProblem, problems_in
from .registry import resource_for


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

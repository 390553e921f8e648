"""import_data KIND FILE [--dry-run]: the admin's import, from the command line (CSV or XLSX)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from loti.imports import ImportFileError, format_for_filename, importable_kinds, run_import


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of one kind. Every row is checked; on any bad row nothing is written."

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"one of: {', '.join(importable_kinds())}")
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file whose first line names the columns")
        parser.add_argument("--dry-run", action="store_true", help="check every row and say what would change; write nothing")

    def handle(self, *args, kind, file, dry_run, **options):
        if kind not in importable_kinds():
            raise CommandError(f"Unknown kind {kind!r}; choose one of: {', '.join(importable_kinds())}")
        path = Path(file)
        try:
            fmt = format_for_filename(path.name)
            data = path.read_bytes()
        except (ImportFileError, OSError) as error:
            raise CommandError(str(error)) from None
        outcome = run_import(kind=kind, data=data, filename=path.name, fmt=fmt, user=None, via="command", dry_run=dry_run)
        if not outcome.ok:
            for problem in outcome.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(
                f"{len(outcome.problems)} problem{'s' if len(outcome.problems) != 1 else ''} in {path.name}; nothing was imported"
            )
        self.stdout.write(outcome.summary())

"""export_data KIND [--year 2020/21] [--output PATH]: CSV with the import columns."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from loti.imports import export_csv, kinds, resource_for
from loti.selectors import financial_year_for_reading


class Command(BaseCommand):
    help = "Export one kind as CSV with the same columns its import takes (formulae escaped)."

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"one of: {', '.join(kinds())}")
        parser.add_argument("--year", help="only this financial year, written like 2020/21")
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, kind, year, output, **options):
        try:
            resource = resource_for(kind)()
        except KeyError as error:
            raise CommandError(error.args[0]) from None
        queryset = resource.get_queryset()
        if year:
            try:
                # Reading never creates a year: one not held has no rows kept against it.
                queryset = resource.filter_by_year(queryset, financial_year_for_reading(year))
            except ValueError as error:
                raise CommandError(str(error)) from None
        text = export_csv(resource.export(queryset))
        if output:
            Path(output).write_text(text, encoding="utf-8", newline="")
            self.stderr.write(f"Wrote {kind} to {output}")
        else:
            self.stdout.write(text, ending="")

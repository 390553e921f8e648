"""export_data KIND [--year 2020/21] [--output PATH] [--format csv|json]: CSV with the import columns, or an open file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from loti.imports import export_csv, export_writer, kinds, resource_for
from loti.selectors import financial_year_for_reading


class Command(BaseCommand):
    help = "Export one kind as CSV with the same columns its import takes (formulae escaped), or an open data file (360giving)."

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"one of: {', '.join(kinds())}")
        parser.add_argument("--year", help="only this financial year, written like 2020/21")
        parser.add_argument("--output", help="write to this file instead of standard output")
        parser.add_argument("--format", dest="fmt", help="csv (the default) or, for 360giving, json")

    def handle(self, *args, kind, year, output, fmt, **options):
        chosen_year = None
        if year:
            try:
                # Reading never creates a year: one not held has no rows kept against it.
                chosen_year = financial_year_for_reading(year)
            except ValueError as error:
                raise CommandError(str(error)) from None
        special = export_writer(kind)
        if special is not None:
            write, formats = special
            fmt = fmt or formats[0]
            if fmt not in formats:
                raise CommandError(f"{kind} is written as {' or '.join(formats)}, not {fmt!r}")
            try:
                text, notes = write(year=chosen_year, fmt=fmt)
            except ValueError as error:
                raise CommandError(str(error)) from None
            for note in notes:
                self.stderr.write(note)
        else:
            if fmt not in (None, "csv"):
                raise CommandError(f"{kind} is written as csv only, not {fmt!r}")
            try:
                resource = resource_for(kind)()
            except KeyError as error:
                raise CommandError(error.args[0]) from None
            queryset = resource.get_queryset()
            if chosen_year is not None:
                try:
                    queryset = resource.filter_by_year(queryset, chosen_year)
                except ValueError as error:
                    raise CommandError(str(error)) from None
            text = export_csv(resource.export(queryset))
        if output:
            Path(output).write_text(text, encoding="utf-8", newline="")
            self.stderr.write(f"Wrote {kind} to {output}")
        else:
            self.stdout.write(text, ending="")

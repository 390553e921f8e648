"""manage.py report budget|evaluation --year 2020/21 --format pdf|json|csv [--output PATH]"""

import sys

from django.core.management.base import BaseCommand, CommandError

from budget.models import ReportKind
from budget.reports.documents import FORMATS, report_output
from loti.selectors import financial_year_get


class Command(BaseCommand):
    help = "Produce a CELC report with the same code the background jobs run."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ReportKind.values)
        parser.add_argument("--year", required=True, help="Financial year, e.g. 2020/21")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="json")
        parser.add_argument("--output", help="Write to this file instead of standard output")

    def handle(self, *args, kind, year, fmt, output, **options):
        try:
            financial_year = financial_year_get(year)
        except ValueError as error:
            raise CommandError(str(error)) from error
        content = report_output(kind=kind, year=financial_year, fmt=fmt)
        if output:
            with open(output, "wb") as handle:
                handle.write(content)
            self.stderr.write(f"Wrote {output}")
        elif fmt == "pdf" and sys.stdout.isatty():
            raise CommandError("A PDF is not for the terminal: give --output report.pdf or redirect the output.")
        elif fmt == "pdf":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        else:
            self.stdout.write(content.decode("utf-8"), ending="")

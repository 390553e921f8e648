"""manage.py report budget|evaluation --year 2020/21 --format pdf|json|csv [--output PATH]"""
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from budget.selectors.plan import budget_plan
from loti.models import FinancialYear


class Command(BaseCommand):
    help = "Produce a CELC report with the same code the background jobs run."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["budget", "evaluation"])
        parser.add_argument("--year", required=True, help="Financial year, e.g. 2020/21")
        parser.add_argument("--format", dest="fmt", choices=["pdf", "json", "csv"], default="json")
        parser.add_argument("--output", help="Write to this file instead of standard output")

    def handle(self, *args, kind, year, fmt, output, **options):
        try:
            financial_year = FinancialYear.objects.for_label(year)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if kind != "budget" or fmt != "json":
            raise CommandError(f"The {kind} report in {fmt} is not available yet.")
        text = json.dumps(budget_plan(year=financial_year).as_json(), indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {output}")
        else:
            sys.stdout.write(text)

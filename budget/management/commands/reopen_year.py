"""reopen_year --year 2031/32 --reason TEXT: undo close_year, recorded with who and why."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from budget.services.years import year_reopen
from loti.selectors import financial_year_get


class Command(BaseCommand):
    help = "Reopen a closed financial year (recorded in its closing's history with the reason)."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="the year to reopen, written like 2020/21")
        parser.add_argument("--reason", required=True, help="why it is reopened (kept in the history)")

    def handle(self, *args, year, reason, **options):
        try:
            year_reopen(year=financial_year_get(year), reason=reason, by=None)
        except (ValueError, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        self.stdout.write(f"Reopened {year}. Close it again with close_year when its books are right.")

"""close_year --year 2031/32 [--dry-run]: freeze a year and carry its closing balance into the next."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from budget.services.years import next_year_label, year_close
from loti.selectors import financial_year_get


class Command(BaseCommand):
    help = "Close a financial year: refuse later writes to it and carry its closing balance into the next year."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="the year to close, written like 2020/21")
        parser.add_argument("--dry-run", action="store_true", help="say what would be carried forward; change nothing")

    def handle(self, *args, year, dry_run, **options):
        try:
            financial_year = financial_year_get(year)
            already = hasattr(financial_year, "closing") and financial_year.closing.closed
            closing = year_close(year=financial_year, dry_run=dry_run)
        except (ValueError, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        balance = closing.closing_balance
        assert balance is not None  # year_close always works it out
        words = "a balance" if balance >= 0 else "a deficit"
        if already:
            self.stdout.write(f"{financial_year} was already closed; nothing changed.")
        elif dry_run:
            self.stdout.write(
                f"Would close {financial_year} with {words} of £{abs(balance):,.2f} brought forward into "
                f"{next_year_label(financial_year)} (dry run: nothing changed)."
            )
        else:
            assert closing.carried_to is not None  # closing carries the balance to a line of the next year
            self.stdout.write(
                f"Closed {financial_year}: {words} of £{abs(balance):,.2f} brought forward into "
                f"{next_year_label(financial_year)} as '{closing.carried_to.name}'."
            )

"""manage.py issue_invoices --year 2020/21 [--dry-run] [--issued-on YYYY-MM-DD]"""

import argparse
import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from budget.services.invoicing import invoices_issue
from loti.selectors import financial_year_for_reading
from loti.services import financial_year_get_or_create
from loti.text import plural


def issue_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Issue the year's membership fee invoices: one per member organisation that owes a fee and has none yet."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Financial year, e.g. 2020/21")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be issued; issue nothing")
        parser.add_argument(
            "--issued-on",
            type=issue_date,
            default=None,
            help="Date of issue (and tax point), YYYY-MM-DD; default today. Dates a past year's invoices in that year.",
        )

    def handle(self, *args, year, dry_run, issued_on, **options):
        try:
            # A dry run reads: a year not held yet is not created for it.
            financial_year = financial_year_for_reading(year) if dry_run else financial_year_get_or_create(label=year)
            invoices = invoices_issue(year=financial_year, dry_run=dry_run, issued_on=issued_on)
        except (ValueError, ValidationError) as error:
            raise CommandError("; ".join(getattr(error, "messages", [str(error)]))) from error
        verb = "Would issue" if dry_run else "Issued"
        for invoice in invoices:
            self.stdout.write(
                f"{invoice.number}  {invoice.organisation.name:<32}  net £{invoice.net:>10,.2f}  "
                f"VAT £{invoice.vat:>9,.2f}  gross £{invoice.gross:>10,.2f}"
            )
        if invoices:
            total = sum(invoice.gross for invoice in invoices)
            self.stdout.write(f"{verb} {plural(len(invoices), 'invoice')} for {financial_year.label}, £{total:,.2f} in all.")
        else:
            self.stdout.write(f"Nothing to issue for {financial_year.label}: every member owing a fee has its invoice.")

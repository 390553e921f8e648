"""Prepare the demo: migrate, load LOTI's reference data, make the demo accounts, and say how to sign in."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from budget.services.invoicing import invoices_issue
from loti.demo import DEMO_INVOICE_YEAR, DEMO_PASSWORD, DEMO_TOTP_SECRET, ensure_demo_accounts, ensure_demo_survey
from loti.services import financial_year_get_or_create


class Command(BaseCommand):
    help = "Migrate, load the reference data and create the demo accounts (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--address", default="127.0.0.1:8000", help="Where runserver will listen, to print it")

    def handle(self, *args, address, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference_data", verbosity=1)
        accounts = ensure_demo_accounts()
        # Fee invoices for the year the reference budget covers, so officers have invoices to look at.
        # Dated the year's first day, as they were; nothing is emailed for a year long past.
        demo_year = financial_year_get_or_create(label=DEMO_INVOICE_YEAR)
        issued = invoices_issue(year=demo_year, issued_on=demo_year.start_date, notify=False)
        survey = ensure_demo_survey()
        host = f"http://{address}"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"The LOTI Portal is starting at {host}/"))
        self.stdout.write(f"  Admin (LOTI staff): {host}/admin/")
        self.stdout.write(
            f"  Database: {settings.DATABASES['default'].get('NAME')} on {settings.DATABASES['default'].get('HOST') or 'a local socket'}"
        )
        self.stdout.write(f"  Demo accounts (password for all: {DEMO_PASSWORD}):")
        for role, email in accounts:
            self.stdout.write(f"    {role:<32} {email}")
        self.stdout.write(f"  Staff two-factor code: run `.venv/bin/python manage.py demo_code` (authenticator secret {DEMO_TOTP_SECRET})")
        self.stdout.write(f"  Fee invoices for {DEMO_INVOICE_YEAR}: {len(issued)} issued now (each is issued once)")
        self.stdout.write(f"  {survey}: open {survey.opens_on:%-d %B} to {survey.closes_on:%-d %B %Y} at {host}/projects/survey/")
        self.stdout.write("")

"""manage.py load_reference_data: LOTI's real data from the source documents. Running it again changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from budget.reference import reference_data_load
from loti.reference import ReferenceDataError


class Command(BaseCommand):
    help = (
        "Load LOTI's reference data (the 33 London authorities, the GLA, London Councils, MHCLG, memberships, fee "
        "schedules, funding agreements, the strategy, the named projects and the 2020/21 budget) from the data files "
        "in members/, projects/ and budget/reference_data/. Safe to run again: only what differs is written."
    )

    def handle(self, *args, **options):
        try:
            tally = reference_data_load()
        except ReferenceDataError as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        if options["verbosity"] >= 2:
            for line in tally.lines():
                self.stdout.write(f"  {line}")
        if options["verbosity"] >= 1:
            verdict = f"{tally.changed} rows created or updated" if tally.changed else "already up to date, nothing changed"
            self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {verdict}."))

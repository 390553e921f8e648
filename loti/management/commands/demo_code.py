"""Print the demo director's current two-factor code. Refuses outside the demo (DEBUG) settings."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from loti.demo import demo_totp_code


class Command(BaseCommand):
    help = "The current two-factor code of the demo LOTI staff account (demo only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code only works in the demo (DEBUG) settings.")
        self.stdout.write(demo_totp_code())

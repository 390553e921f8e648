"""Print the demo director's current two-factor code. Refuses outside the demo settings (loti.settings.local)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from loti.demo import demo_totp_code


class Command(BaseCommand):
    help = "The current two-factor code of the demo LOTI staff account (demo only)."

    def handle(self, *args, **options):
        if not getattr(settings, "LOTI_DEMO", False):
            raise CommandError("demo_code only works in the demo settings (loti.settings.local).")
        self.stdout.write(demo_totp_code())

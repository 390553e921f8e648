"""procurement_opportunities --from 2031-04-01 --months 24 --format json|csv [--output PATH]"""

import csv
import datetime
import io
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.register_selectors import OPPORTUNITY_COLUMNS, Window, procurement_opportunities


def opportunities_csv(opportunities) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OPPORTUNITY_COLUMNS)
    for item in opportunities:
        row = item.as_json()
        # Boroughs in one cell, separated by semicolons (borough names have no semicolons; some have commas).
        writer.writerow(
            [row["service_area"], "; ".join(row["boroughs"]), row["earliest_end"], row["latest_end"], row["annual_value_total"]]
        )
    return buffer.getvalue()


def opportunities_json(opportunities) -> str:
    """A list of items {service_area, boroughs, earliest_end, latest_end, annual_value_total}, soonest first."""
    return json.dumps([item.as_json() for item in opportunities], indent=2) + "\n"


class Command(BaseCommand):
    help = (
        "Joint procurement opportunities: service areas where the contracts of two or more boroughs end inside the window "
        "(from DATE, for N months; a contract ending on the window's first or last day is in it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="the window's first day, YYYY-MM-DD")
        parser.add_argument("--months", type=int, required=True, help="how many months the window lasts (1 to 120)")
        parser.add_argument("--format", dest="fmt", choices=["json", "csv"], default="json")
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, start, months, fmt, output, **options):
        try:
            first = datetime.date.fromisoformat(start)
        except ValueError:
            raise CommandError(f"--from {start!r} is not a date written YYYY-MM-DD") from None
        if not 1 <= months <= 120:
            raise CommandError(f"--months {months} is out of range: give 1 to 120 months")
        window = Window(first=first, months=months)
        found = procurement_opportunities(window=window)
        text = opportunities_json(found) if fmt == "json" else opportunities_csv(found)
        if output:
            Path(output).write_text(text, encoding="utf-8", newline="")
            self.stderr.write(f"Wrote {len(found)} opportunities ({window.first} to {window.last}) to {output}")
        else:
            self.stdout.write(text, ending="")

"""manage.py invoice_pdf NUMBER --output PATH"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from budget.models import Invoice
from budget.services.invoice_pdf import invoice_pdf


class Command(BaseCommand):
    help = "Write an invoice or credit note as the PDF the portal serves (the same bytes)."

    def add_arguments(self, parser):
        parser.add_argument("number", help="The invoice or credit note number, e.g. INV-2020-21-0001")
        parser.add_argument("--output", required=True, help="The file to write (or a folder: NUMBER.pdf in it)")

    def handle(self, *args, number, output, **options):
        invoice = Invoice.objects.filter(number__iexact=number.strip()).first()
        if invoice is None:
            raise CommandError(f"There is no invoice or credit note numbered {number!r}.")
        try:
            data = invoice_pdf(invoice=invoice)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        path = Path(output)
        if path.is_dir():
            path = path / f"{invoice.number}.pdf"
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from error
        self.stdout.write(f"Wrote {invoice.number} ({len(data):,} bytes) to {path}")

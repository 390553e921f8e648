"""Who invoices: London Councils, which hosts LOTI. Its details come from settings (the environment in production)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

# The settings every invoice needs, in the order a missing one is named.
SUPPLIER_SETTINGS = (
    "LOTI_INVOICE_FROM",
    "LOTI_VAT_NUMBER",
    "LOTI_BANK_ACCOUNT_NAME",
    "LOTI_BANK_SORT_CODE",
    "LOTI_BANK_ACCOUNT_NUMBER",
    "LOTI_INVOICE_CONTACT",
)


class SupplierNotConfigured(ValidationError):
    """A full VAT invoice cannot be made without the supplier's name, address, VAT number and bank details."""


@dataclass(frozen=True)
class Supplier:
    name: str
    address_lines: tuple[str, ...]
    vat_number: str
    bank_account_name: str
    bank_sort_code: str
    bank_account_number: str
    contact: str


def supplier_missing() -> list[str]:
    return [name for name in SUPPLIER_SETTINGS if not str(getattr(settings, name, "") or "").strip()]


def supplier_details() -> Supplier:
    """The supplier as settings give it; refused, naming every missing setting, if any is empty."""
    missing = supplier_missing()
    if missing:
        raise SupplierNotConfigured(
            f"Invoices cannot be issued until {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} set "
            "in the environment (the supplier's name and address, VAT number, bank details and contact; "
            "see docs/invoices.md)."
        )
    lines = [line.strip() for line in settings.LOTI_INVOICE_FROM.replace("\\n", "\n").splitlines() if line.strip()]
    if len(lines) < 2:
        raise SupplierNotConfigured(
            "LOTI_INVOICE_FROM must give the supplier's name on its first line and its address on the lines after "
            "(lines separated by newlines)."
        )
    return Supplier(
        name=lines[0],
        address_lines=tuple(lines[1:]),
        vat_number=settings.LOTI_VAT_NUMBER.strip(),
        bank_account_name=settings.LOTI_BANK_ACCOUNT_NAME.strip(),
        bank_sort_code=settings.LOTI_BANK_SORT_CODE.strip(),
        bank_account_number=settings.LOTI_BANK_ACCOUNT_NUMBER.strip(),
        contact=settings.LOTI_INVOICE_CONTACT.strip(),
    )

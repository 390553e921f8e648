"""Words for people: counts with their noun in the right number ("1 invoice", "3 invoices"), never "invoice(s)"."""


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"

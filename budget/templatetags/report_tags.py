"""Money as the reports and budget pages print it: £1,000,000.00, a minus sign for shortfalls."""

from decimal import Decimal

from django import template

from loti.money import to_money, whole_pounds_display

register = template.Library()


@register.filter
def pounds(value) -> str:
    if value is None or value == "":
        return "–"
    amount = to_money(value)
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


@register.filter
def signed_pounds(value) -> str:
    """A variance: + when more than planned, − when less."""
    if value is None:
        return "–"
    amount = to_money(value)
    return ("+" if amount > 0 else "") + pounds(amount) if amount != Decimal(0) else pounds(amount)


@register.filter
def whole_pounds(value) -> str:
    """A board paper's figures, to the pound (pence stay on invoices and in the CSV and JSON)."""
    return whole_pounds_display(value)


@register.filter
def year_slug(label: str) -> str:
    """2020/21 as it appears in a URL: 2020-21."""
    return str(label).replace("/", "-")


@register.filter
def signed_whole_pounds(value) -> str:
    """A variance in a board paper's table: + more than planned, − less, to the pound."""
    if value is None:
        return "–"
    amount = to_money(value)
    return ("+" if amount > 0 else "") + whole_pounds(amount)


@register.filter
def signed_change(value) -> str:
    """A change in a score: +0.5, −0.5 (a real minus sign), 0.0; a dash when there is nothing to compare."""
    if value is None:
        return "–"
    amount = Decimal(str(value))
    return f"{'+' if amount > 0 else '−' if amount < 0 else ''}{abs(amount)}"


@register.filter
def any_answered(rows) -> bool:
    """Whether any row of a table of answers has one: an empty section says so in a line instead of a table of dashes."""
    return any(getattr(row, "responses", 0) for row in rows)

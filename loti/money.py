"""Money is Decimal, rounded to the penny half-up, in this one place."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")


def to_money(value) -> Decimal:
    """Round a value to the penny, half-up. Floats are refused: they cannot hold pence exactly."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal, int or string.")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").replace("£", "").strip())
    except InvalidOperation as error:
        raise ValueError(f"{value!r} is not an amount of money") from error
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount of money")
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def money_str(value) -> str:
    """Two decimals, no separators: the form the JSON and CSV contracts use."""
    return f"{to_money(value):.2f}"


def pounds_display(value, *, negative: bool = False) -> str:
    """£1,234.50 for people (admin lists, messages); a real minus sign, never a hyphen, for money going back."""
    if value is None or value == "":
        return "–"
    amount = to_money(value)
    if negative:
        amount = -amount
    return f"{'−' if amount < 0 else ''}£{abs(amount):,.2f}"


def whole_pounds_display(value) -> str:
    """£1,234 for a board paper: rounded to the pound half-up (as pence are), a real minus sign."""
    if value is None or value == "":
        return "–"
    amount = to_money(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{'−' if amount < 0 else ''}£{abs(amount):,.0f}"

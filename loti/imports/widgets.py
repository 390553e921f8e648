"""How a cell becomes a value and back: django-import-export's widgets, with LOTI's rules and LOTI's words.

Each refuses what it cannot read with a message that says how to write it (the library's would read "yes" as False,
"1,5" as 15, or a typing slip as an unexplained error), and writes back what it reads.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db.models.functions import Upper
from import_export import widgets

from ..money import to_money
from ..services import financial_year_get_or_create
from .lookups import current_lookups


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)


class DateWidget(widgets.DateWidget):
    """Dates are written YYYY-MM-DD; a date cell in a workbook is taken as it is."""

    PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")

    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        text = _text(value) if not isinstance(value, datetime.date) else value
        if isinstance(text, str) and text and not self.PATTERN.match(text):
            raise ValueError(f"{text!r} is not a date written YYYY-MM-DD")
        try:
            return super().clean(text, row, **kwargs)
        except ValueError:
            raise ValueError(f"{text!r} is not a real date") from None


class FinancialYearWidget(widgets.Widget):
    """A financial year by its label (2020/21), created on first use (DESIGN.md's contract for files)."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        lookups = current_lookups()
        if lookups is not None:
            return lookups.year(text)
        return financial_year_get_or_create(label=text)  # a bad label raises ValueError with a clear message

    def render(self, value, obj=None, **kwargs):
        return value.label if value else ""


class DecimalWidget(widgets.DecimalWidget):
    """An exact decimal. Text like '£1,000.50' is read; garbage, exponents and too many decimal places are not.

    A number cell in a workbook arrives as a float: it is read through its shortest decimal form, and refused
    if that has more places than allowed (a float that cannot hold the pennies exactly).
    """

    PATTERN = re.compile(r"^-?\d+(\.\d+)?$")

    def __init__(self, places: int = 2, minimum: Decimal | None = Decimal("0"), maximum: Decimal | None = None, hint: str = ""):
        super().__init__()
        self.places = places
        self.minimum = minimum
        self.maximum = maximum
        self.hint = hint

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number{self.hint}")
        if isinstance(value, (int, float, Decimal)):
            text = repr(value) if isinstance(value, float) else str(value)
        else:
            text = _text(value).replace(",", "").replace("£", "").replace(" ", "")
        if not text:
            return None
        if not self.PATTERN.match(text):
            raise ValueError(f"{_text(value)!r} is not a number{self.hint}")
        try:
            number = super().clean(text, row, **kwargs)
        except (InvalidOperation, ValueError):
            raise ValueError(f"{_text(value)!r} is not a number{self.hint}") from None
        if -number.as_tuple().exponent > self.places:
            raise ValueError(f"{_text(value)!r} has more than {self.places} decimal places{self.hint}")
        if self.minimum is not None and number < self.minimum:
            raise ValueError(f"{_text(value)!r} is less than {self.minimum}{self.hint}")
        if self.maximum is not None and number > self.maximum:
            raise ValueError(f"{_text(value)!r} is more than {self.maximum}{self.hint}")
        return number

    def render(self, value, obj=None, **kwargs):
        # Written back as 1000000.00 whatever the locale (the library would group the thousands).
        if value is None:
            return ""
        return f"{Decimal(value):.{self.places}f}"


class MoneyWidget(DecimalWidget):
    """Pounds and pence, never negative unless asked; written back as 1000000.00."""

    def __init__(self, minimum: Decimal | None = Decimal("0")):
        super().__init__(places=2, minimum=minimum)

    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        return None if number is None else to_money(number)


class FractionWidget(DecimalWidget):
    def __init__(self):
        super().__init__(places=4, minimum=Decimal("0"), maximum=Decimal("1"), hint="; write it as a fraction, e.g. 0.20 for 20%")


class WholeNumberWidget(widgets.IntegerWidget):
    def __init__(self, minimum: int | None = None, maximum: int | None = None):
        super().__init__()
        self.minimum = minimum
        self.maximum = maximum

    def _range(self) -> str:
        return f" from {self.minimum} to {self.maximum}" if self.minimum is not None and self.maximum is not None else ""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = _text(value)
        if not text:
            return None
        if not re.fullmatch(r"-?\d+", text):  # the library would read 1.5 or 1,5 as a number
            raise ValueError(f"{text!r} is not a whole number{self._range()}")
        number = super().clean(text, row, **kwargs)
        if (self.minimum is not None and number < self.minimum) or (self.maximum is not None and number > self.maximum):
            raise ValueError(f"{text!r} is not a whole number{self._range()}")
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceWidget(widgets.Widget):
    """One of a model field's choices, by value or label (any case). The message lists the allowed values."""

    def __init__(self, choices, blank: bool = False):
        super().__init__()
        self.choices = [(str(value), str(label)) for value, label in choices]
        self.blank = blank

    def allowed(self) -> str:
        return ", ".join(value for value, _ in self.choices)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return ""
        wanted = text.casefold()
        for choice, label in self.choices:
            if wanted in (choice.casefold(), label.casefold()):
                return choice
        raise ValueError(f"{text!r} is not one of: {self.allowed()}")

    def render(self, value, obj=None, **kwargs):
        return value or ""


class YesNoWidget(widgets.BooleanWidget):
    """yes or no (also y/n, true/false, 1/0, any case); anything else is refused, never read as no."""

    TRUE_VALUES = ["yes", "y", "true", "1"]
    FALSE_VALUES = ["no", "n", "false", "0"]

    def __init__(self, null: bool = False):
        super().__init__()
        self.null = null

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _text(value).casefold()
        if not text:
            return None if self.null else False
        if text not in self.TRUE_VALUES + self.FALSE_VALUES:
            raise ValueError(f"{_text(value)!r} is not yes or no")
        return super().clean(text, row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "yes" if value else "no"


class _AnyCase(widgets.CachedForeignKeyWidget):
    """One way of naming a row (its name, its GSS code...) in any case. The library reads the table once per import
    (a resource's widgets are its own copies) and answers every later row from memory."""

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.annotate(loti_key=Upper(self.field))

    def get_lookup_kwargs(self, value, row, **kwargs):
        return {"loti_key": value.upper()}


class NamedWidget(widgets.ForeignKeyWidget):
    """A related row by its name, or by another unique field (a GSS code); any case."""

    def __init__(self, model, lookups: tuple[str, ...] = ("name",), noun: str | None = None):
        super().__init__(model, field=lookups[0])
        self.lookups = lookups
        self.noun = noun or model._meta.verbose_name
        self.finders = [_AnyCase(model, field=lookup) for lookup in lookups]

    def _find(self, finder: _AnyCase, text: str):
        if not text.isascii():
            # PostgreSQL's and Python's upper case agree on ASCII only; anything else is asked of the database.
            return self.model.objects.get(**{f"{finder.field}__iexact": text})
        return finder.clean(text)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        for finder in self.finders:
            try:
                found = self._find(finder, text)
            except (ObjectDoesNotExist, MultipleObjectsReturned):
                continue
            lookups = current_lookups()
            if lookups is not None:
                lookups.note_found(found)
            return found
        ways = " or ".join(self.model._meta.get_field(lookup).verbose_name for lookup in self.lookups)
        raise ValueError(f"there is no {self.noun} with the {ways} {text!r}")

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.lookups[0]))


class ListWidget(widgets.SimpleArrayWidget):
    """Several values in one cell, separated by commas."""

    def clean(self, value, row=None, **kwargs):
        return [part.strip().lower() for part in super().clean(_text(value), row, **kwargs) if part.strip()]

    def render(self, value, obj=None, **kwargs):
        return ", ".join(value or [])

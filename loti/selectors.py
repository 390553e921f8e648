"""Reading the shared core. Read paths never write: naming a year that does not exist is an error, not a new year."""
from .models import FinancialYear
from .years import parse_year_label


class UnknownYear(ValueError):
    """A well-formed label naming a year the portal does not hold."""


def financial_year_get(label: str) -> FinancialYear:
    """The year named by a label like 2020/21. Raises ValueError for a bad label, UnknownYear for one not held."""
    parse_year_label(label)  # a bad label says how to write one
    year = FinancialYear.objects.filter(label=label.strip()).first()
    if year is None:
        raise UnknownYear(f"There is no financial year {label.strip()} in the portal yet")
    return year

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


def financial_year_for_reading(label: str) -> FinancialYear:
    """The year named, or, when it is not held, an unsaved stand-in with its dates and a primary key no row has:
    filtering by it finds nothing kept against the year and whatever overlaps its dates, and nothing is created."""
    try:
        return financial_year_get(label)
    except UnknownYear:
        start, end = parse_year_label(label)
        return FinancialYear(pk=0, label=label.strip(), start_date=start, end_date=end)

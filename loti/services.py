"""Writing the shared core."""
from .models import FinancialYear
from .years import parse_year_label


def financial_year_get_or_create(*, label: str) -> FinancialYear:
    """The year named in a file or a writing command, created on first use (DESIGN.md, Contracts).

    Only write paths call this; read paths use loti.selectors.financial_year_get, which never creates.
    """
    start, end = parse_year_label(label)
    year, _ = FinancialYear.objects.get_or_create(label=label.strip(), defaults={"start_date": start, "end_date": end})
    return year

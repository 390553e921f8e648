"""Financial years run 1 April to 31 March and are written 2020/21."""

import datetime
import re

from django.conf import settings

LABEL_PATTERN = re.compile(r"^(\d{4})/(\d{2})$")


def parse_year_label(label: str) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day of a financial year such as '2020/21'."""
    match = LABEL_PATTERN.match((label or "").strip())
    if not match:
        raise ValueError(f"{label!r} is not a financial year; write it like 2020/21")
    start_year, end_suffix = int(match.group(1)), int(match.group(2))
    if (start_year + 1) % 100 != end_suffix:
        raise ValueError(f"{label!r} is not a financial year: {start_year} is followed by {(start_year + 1) % 100:02d}")
    first, last = year_range()
    if not first <= start_year <= last:
        raise ValueError(
            f"{label!r} is outside the years the portal keeps ({first}/{(first + 1) % 100:02d} to {last}/{(last + 1) % 100:02d})"
        )
    return datetime.date(start_year, 4, 1), datetime.date(start_year + 1, 3, 31)


def year_label_for(day: datetime.date) -> str:
    start_year = day.year if day.month >= 4 else day.year - 1
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def year_range() -> tuple[int, int]:
    """The first and last calendar years a financial year may start in (settings LOTI_FIRST_YEAR, LOTI_LAST_YEAR)."""
    return getattr(settings, "LOTI_FIRST_YEAR", 2010), getattr(settings, "LOTI_LAST_YEAR", 2060)

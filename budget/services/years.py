"""Closing a financial year, reopening it, and the one check every write to a year passes first.

Closing freezes the year: its ledger entries, payments, instalments, budget lines and invoices are then refused
by financial_year_ensure_open (in words naming the year) and by the database's trigger (migration 0006) for
anything that bypasses the services. Its closing balance (actual income less actual expenditure) is carried
into the next year as a brought-forward line whose actual is its amount.
"""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from budget.models import ActualsFrom, BudgetLine, BudgetSection, ExpenditureStatus, YearClosing
from loti.models import FinancialYear
from loti.services import financial_year_get_or_create

logger = logging.getLogger(__name__)


class YearClosed(ValidationError):
    """A write to a closed financial year."""


def financial_year_ensure_open(*, year: FinancialYear, what: str = "it") -> None:
    """Refuse any write to a closed year, naming it. Called by every service that writes money to a year."""
    closing = YearClosing.objects.filter(year_id=year.pk, closed=True).select_related("year").first()
    if closing is not None:
        raise YearClosed(year_closed_message(year=closing.year, what=what))


def year_closed_message(*, year: FinancialYear, what: str = "it") -> str:
    return f"{year.label} is closed: {what} cannot be added or changed. Reopen {year.label} first (reopen_year)."


def next_year_label(year: FinancialYear) -> str:
    start = year.start_date.year + 1
    return f"{start}/{(start + 1) % 100:02d}"


def carried_line_name(*, year: FinancialYear, surplus: bool) -> str:
    return f"{'Balance' if surplus else 'Deficit'} brought forward from {year.label}"


def year_close(*, year: FinancialYear, by=None, dry_run: bool = False) -> YearClosing:
    """Freeze the year and carry its closing balance into the next year. Closing a closed year changes nothing.

    The year's row is locked first: writes to the year take a share lock on it (the trigger), so none is in
    flight while its balance is read, and none lands after.
    """
    from budget.selectors.report import budget_report

    with transaction.atomic():
        year = FinancialYear.objects.select_for_update().get(pk=year.pk)
        closing = YearClosing.objects.select_for_update().filter(year=year).first()
        if closing is not None and closing.closed:
            return closing
        balance = budget_report(year=year).actual_funds_remaining
        next_year = financial_year_get_or_create(label=next_year_label(year))
        financial_year_ensure_open(year=next_year, what=f"the balance brought forward from {year.label}")
        surplus = balance >= 0
        if dry_run:
            return YearClosing(year=year, closed=True, closing_balance=balance)
        carried = _carry_balance(year=year, next_year=next_year, balance=balance, surplus=surplus, by=by)
        closing = closing or YearClosing(year=year)
        closing.closed = True
        closing.closed_at = timezone.now()
        closing.closed_by = by
        closing.closing_balance = balance
        closing.carried_to = carried
        closing._history_user = by
        closing._change_reason = f"Closed {year.label}: £{balance:,.2f} carried to {next_year.label}"
        closing.save()
        logger.info("Closed %s with a balance of %s carried to %s (by %s)", year.label, balance, next_year.label, by)
        return closing


def _carry_balance(*, year, next_year, balance: Decimal, surplus: bool, by) -> BudgetLine:
    """The next year's brought-forward line, made or brought up to date (a year closed, reopened and closed again)."""
    name = carried_line_name(year=year, surplus=surplus)
    section = BudgetSection.INCOME if surplus else BudgetSection.EXPENDITURE
    stale = BudgetLine.objects.filter(
        year=next_year,
        name=carried_line_name(year=year, surplus=not surplus),
        section=BudgetSection.EXPENDITURE if surplus else BudgetSection.INCOME,
    )
    for line in stale:  # the balance changed sign since the last close: the other line no longer holds
        line._history_user = by
        line._change_reason = f"{year.label} closed again with a {'surplus' if surplus else 'deficit'}"
        line.delete()
    line = BudgetLine.objects.filter(year=next_year, section=section, name=name).first() or BudgetLine(
        year=next_year,
        section=section,
        name=name,
        position=0,
        actuals_from=ActualsFrom.BROUGHT_FORWARD,
        status=ExpenditureStatus.COMMITTED if not surplus else "",
    )
    line.amount = abs(balance)
    line._history_user = by
    line._change_reason = f"Closing balance of {year.label}"
    line.full_clean()
    line.save()
    return line


def year_reopen(*, year: FinancialYear, reason: str, by=None) -> YearClosing:
    """Undo a close, recorded with who and why. The brought-forward line stays until the year is closed again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the year is reopened.")
    with transaction.atomic():
        year = FinancialYear.objects.select_for_update().get(pk=year.pk)
        closing = YearClosing.objects.select_for_update().filter(year=year, closed=True).first()
        if closing is None:
            raise ValidationError(f"{year.label} is not closed.")
        closing.closed = False
        closing.reopened_at = timezone.now()
        closing.reopened_by = by
        closing.reopen_reason = reason
        closing._history_user = by
        closing._change_reason = f"Reopened: {reason}"[:100]
        closing.save()
        logger.info("Reopened %s (by %s): %s", year.label, by, reason)
        return closing

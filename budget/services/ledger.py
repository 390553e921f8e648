"""Ledger entries entered by hand in the admin (the import writes files of them: budget.resources.plan)."""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from budget.models import BudgetLine, LedgerEntry
from budget.services.years import financial_year_ensure_open
from loti.money import to_money

logger = logging.getLogger(__name__)


def ledger_entry_record(
    *,
    line: BudgetLine,
    date: datetime.date,
    counterparty: str,
    amount: Decimal | str,
    reference: str,
    description: str = "",
    source: str = "",
    by=None,
) -> LedgerEntry:
    """Record one transaction against a budget line of an open year. Entries are never changed: a mistake is put
    right by another entry (a negative amount), so the books keep every figure that was reported."""
    from budget.resources.plan import ledger_entry_problems

    with transaction.atomic():
        line = BudgetLine.objects.select_related("year").get(pk=line.pk)
        financial_year_ensure_open(year=line.year, what="its ledger")
        entry = LedgerEntry(
            year=line.year,
            budget_line=line,
            date=date,
            counterparty=(counterparty or "").strip(),
            description=(description or "").strip(),
            amount=to_money(amount),
            reference=(reference or "").strip(),
            source=source,
        )
        problems = ledger_entry_problems(entry=entry, line=line, year=line.year)
        if problems:
            raise ValidationError(problems)
        entry.full_clean()
        entry._history_user = by
        entry.save()
        logger.info("Ledger entry %s of %s recorded against %s (by %s)", entry.reference, entry.amount, line, by)
        return entry

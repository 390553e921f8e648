"""Whether an approval stays within its limits: the amount asked, and what the project's pillar has left that year.

A pillar's allocation is budget data, and the budget app depends on this one, not the reverse: it registers its reader
here when Django starts (budget/apps.py), so projects ask for the figure without importing the budget.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Sum
from django.utils import timezone

from loti.models import FinancialYear
from loti.money import to_money

from .models import Project, ProjectStatus

# Approved project funding that counts against its pillar's allocation: what LOTI itself funds (no other funder).
COMMITTED = [ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.COMPLETED]

AllocationReader = Callable[..., Decimal]
_allocation_reader: AllocationReader | None = None


def register_allocation_reader(reader: AllocationReader) -> None:
    """reader(pillar_id=..., year_id=...) -> the total allocated to the pillar in the year (0 when none)."""
    global _allocation_reader
    _allocation_reader = reader


def pillar_allocation(*, pillar_id: int, year_id: int) -> Decimal:
    if _allocation_reader is None:
        raise ImproperlyConfigured("No app registered a reader of pillar allocations (the budget app does so when it starts).")
    return to_money(_allocation_reader(pillar_id=pillar_id, year_id=year_id) or 0)


@dataclass(frozen=True)
class FundingLimits:
    """What the approve page shows, and what the approval checks."""

    asked: Decimal | None
    year: FinancialYear | None
    pillar_name: str
    allocation: Decimal | None  # None when the project has no pillar or no year to count it in
    committed: Decimal  # approved funding of the pillar's other projects that year

    @property
    def remaining(self) -> Decimal | None:
        return None if self.allocation is None else self.allocation - self.committed

    @property
    def overspent(self) -> Decimal:
        return max(Decimal("0.00"), -(self.remaining or Decimal(0)))

    def breaches(self, amount: Decimal) -> list[str]:
        """Why approving this amount needs a reason, in words for staff; empty when it is within both limits."""
        found = []
        if self.asked is not None and amount > self.asked:
            found.append(f"£{amount:,.2f} is more than the £{self.asked:,.2f} asked.")
        if self.remaining is not None and amount > self.remaining:
            left = f"£{self.remaining:,.2f}" if self.remaining >= 0 else f"−£{-self.remaining:,.2f} (already over)"
            found.append(f"£{amount:,.2f} is more than {self.pillar_name} has left in {self.year}: {left}.")
        return found


def funding_limits(*, project: Project) -> FundingLimits:
    """The ask, and the pillar's allocation and commitments in the project's year (else the year of today)."""
    year = project.year or FinancialYear.objects.filter(start_date__lte=timezone.localdate(), end_date__gte=timezone.localdate()).first()
    allocation, committed = None, Decimal("0.00")
    if project.pillar_id and year is not None:
        allocation = pillar_allocation(pillar_id=project.pillar_id, year_id=year.pk)
        committed = to_money(
            Project.objects.filter(pillar_id=project.pillar_id, year=year, status__in=COMMITTED, funder__isnull=True)
            .exclude(pk=project.pk)
            .aggregate(total=Sum("funding_approved"))["total"]
            or 0
        )
    return FundingLimits(
        asked=project.funding_requested,
        year=year,
        pillar_name=str(project.pillar) if project.pillar_id else "",
        allocation=allocation,
        committed=committed,
    )

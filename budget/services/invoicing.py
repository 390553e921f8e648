"""Membership fee invoices: issuing a year's invoices in one step, and crediting an invoice.

Numbers run without gaps within a financial year, shared by invoices and credit notes
(e.g. INV-2020-21-0001, then CRN-2020-21-0034). Issuing locks the year's row so that two
staff issuing at once queue behind each other; the database's unique constraints
(one fee invoice per organisation per year, one sequence per year) are the last word.
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from budget.models import FeeSchedule, Invoice, InvoiceKind
from budget.services.years import financial_year_ensure_open
from loti.models import FinancialYear
from loti.money import to_money
from members.models import Membership, MembershipTier

NUMBER_PREFIX = {InvoiceKind.INVOICE: "INV", InvoiceKind.CREDIT_NOTE: "CRN"}


def payment_terms_days() -> int:
    return int(getattr(settings, "LOTI_INVOICE_PAYMENT_DAYS", 30))


def invoice_number(*, kind: str, year: FinancialYear, sequence: int) -> str:
    return f"{NUMBER_PREFIX[kind]}-{year.label.replace('/', '-')}-{sequence:04d}"


@dataclass(frozen=True)
class Charge:
    """What one membership owes for one year, before it becomes an invoice."""

    net: Decimal
    vat_rate: Decimal
    months: int

    @property
    def vat(self) -> Decimal:
        return to_money(self.net * self.vat_rate)

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def months_charged(*, membership: Membership, year: FinancialYear) -> int:
    """Whole months of the year the membership covers, counting the month it starts in as a full month."""
    if membership.start_date <= year.start_date:
        return 12
    start = membership.start_date
    return (year.end_date.year - start.year) * 12 + year.end_date.month - start.month + 1


def fee_for(*, membership: Membership, schedule: FeeSchedule, year: FinancialYear) -> Charge:
    months = months_charged(membership=membership, year=year) if schedule.pro_rata else 12
    net = to_money(schedule.annual_fee * months / 12)
    return Charge(net=net, vat_rate=schedule.vat_rate, months=months)


def _next_sequence(*, year: FinancialYear) -> int:
    return (Invoice.objects.filter(year=year).aggregate(last=Max("sequence"))["last"] or 0) + 1


def _lock_year(year: FinancialYear) -> FinancialYear:
    """Take the year's row lock: whoever numbers invoices in this year waits here for the one before."""
    return FinancialYear.objects.select_for_update().get(pk=year.pk)


def _memberships_owing(*, year: FinancialYear) -> list[Membership]:
    """The first membership in the year of each organisation (alphabetical), one query."""
    chosen: dict[int, Membership] = {}
    memberships = (
        Membership.objects.overlapping(year.start_date, year.end_date)
        .select_related("organisation")
        .order_by("organisation__name", "start_date")
    )
    for membership in memberships:
        chosen.setdefault(membership.organisation_id, membership)
    return list(chosen.values())


def invoices_issue(
    *, year: FinancialYear, issued_by=None, dry_run: bool = False, issued_on: datetime.date | None = None
) -> list[Invoice]:
    """Issue the year's fee invoice to every member organisation that owes one and has none yet.

    Idempotent: an organisation already invoiced for the year is skipped, so a second run issues nothing.
    Funding partners (and any tier whose fee is zero) get no invoice. A fee-paying tier without a fee
    schedule for the year is an error, not a silent gap. With dry_run the invoices are returned unsaved.
    The number of queries does not depend on the number of invoices.
    """
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        if not dry_run:
            year = _lock_year(year)
        financial_year_ensure_open(year=year, what="its fee invoices")
        schedules = {schedule.tier: schedule for schedule in FeeSchedule.objects.filter(year=year)}
        already = set(
            Invoice.objects.filter(year=year, kind=InvoiceKind.INVOICE).values_list("organisation_id", flat=True)
        )
        sequence = _next_sequence(year=year)
        invoices: list[Invoice] = []
        missing: set[str] = set()
        for membership in _memberships_owing(year=year):
            if membership.organisation_id in already:
                continue
            schedule = schedules.get(membership.tier)
            if schedule is None:
                if membership.tier != MembershipTier.FUNDING_PARTNER:
                    missing.add(membership.get_tier_display())
                continue
            charge = fee_for(membership=membership, schedule=schedule, year=year)
            if charge.net == 0:
                continue
            description = f"LOTI {membership.get_tier_display().lower()} membership fee {year.label}"
            if charge.months < 12:
                description += f" ({charge.months} of 12 months)"
            invoices.append(
                Invoice(
                    kind=InvoiceKind.INVOICE,
                    year=year,
                    sequence=sequence,
                    number=invoice_number(kind=InvoiceKind.INVOICE, year=year, sequence=sequence),
                    organisation=membership.organisation,
                    membership=membership,
                    description=description,
                    issued_on=issued_on,
                    due_on=issued_on + datetime.timedelta(days=payment_terms_days()),
                    net=charge.net,
                    vat_rate=charge.vat_rate,
                    vat=charge.vat,
                    gross=charge.gross,
                    issued_by=issued_by,
                )
            )
            sequence += 1
        if missing:
            raise ValidationError(
                f"There is no fee schedule for {year.label} for: {', '.join(sorted(missing))}. Add it, then issue again."
            )
        if dry_run or not invoices:
            return invoices
        return bulk_create_with_history(
            invoices, Invoice, default_user=issued_by, default_change_reason=f"Issued the {year.label} fee invoices"
        )


def invoice_credit(*, invoice: Invoice, reason: str, by) -> Invoice:
    """Cancel an unpaid invoice with a credit note for its full amount. Nothing is deleted.

    A credit note takes the next number of the invoice's year. An invoice with payments against it is
    not credited here: the money received must be refunded through finance first.
    """
    from budget.selectors.invoices import invoices_with_status

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the invoice is credited.")
    with transaction.atomic():
        year = _lock_year(invoice.year)
        financial_year_ensure_open(year=year, what="its invoices and credit notes")
        invoice = invoices_with_status(Invoice.objects.select_for_update(of=("self",)).filter(pk=invoice.pk)).get()
        if invoice.kind != InvoiceKind.INVOICE:
            raise ValidationError(f"{invoice.number} is a credit note; only an invoice can be credited.")
        if invoice.credited:
            raise ValidationError(f"{invoice.number} has already been credited.")
        if invoice.paid:
            raise ValidationError(
                f"{invoice.number} has £{invoice.paid:,.2f} paid against it; refund it through finance before crediting."
            )
        today = timezone.localdate()
        sequence = _next_sequence(year=year)
        credit_note = Invoice(
            kind=InvoiceKind.CREDIT_NOTE,
            year=year,
            sequence=sequence,
            number=invoice_number(kind=InvoiceKind.CREDIT_NOTE, year=year, sequence=sequence),
            organisation_id=invoice.organisation_id,
            membership_id=invoice.membership_id,
            credits=invoice,
            description=f"Credit note for {invoice.number}: {reason}"[:255],
            issued_on=today,
            due_on=today,
            net=invoice.net,
            vat_rate=invoice.vat_rate,
            vat=invoice.vat,
            gross=invoice.gross,
            issued_by=by,
        )
        credit_note._history_user = by
        credit_note._change_reason = reason[:100]
        credit_note.save()
        return credit_note

"""Membership fee invoices: issuing a year's invoices in one step, and crediting an invoice.

Numbers run without gaps within a financial year, shared by invoices and credit notes
(e.g. INV-2020-21-0001, then CRN-2020-21-0034). Issuing locks the year's row so that two
staff issuing at once queue behind each other; the database's unique constraints
(one fee invoice per organisation per year, one sequence per year) are the last word.
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from budget.models import FeeSchedule, Invoice, InvoiceKind
from budget.services.invoice_sending import invoices_dispatch
from budget.services.supplier import supplier_details
from budget.services.years import financial_year_ensure_open
from loti.models import FinancialYear
from loti.money import to_money
from members.models import Membership, MembershipTier

logger = logging.getLogger(__name__)
NUMBER_PREFIX: dict[str, str] = {InvoiceKind.INVOICE: "INV", InvoiceKind.CREDIT_NOTE: "CRN"}


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


def _check_issue_date(issued_on: datetime.date) -> None:
    if issued_on > timezone.localdate():
        raise ValidationError(
            f"The date of issue {issued_on:%-d %B %Y} is in the future; an invoice is dated the day it is issued or earlier."
        )


def _after_issue(invoices: list[Invoice]) -> None:
    """Once committed: each invoice to its borough's accounts payable, and word to its officers."""
    ids = [invoice.pk for invoice in invoices]
    invoices_dispatch(invoice_ids=ids)  # after the commit


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
    *,
    year: FinancialYear,
    issued_by=None,
    dry_run: bool = False,
    issued_on: datetime.date | None = None,
    notify: bool = True,
) -> list[Invoice]:
    """Issue the year's fee invoice to every member organisation that owes one and has none yet.

    Idempotent: an organisation already invoiced for the year is skipped, so a second run issues nothing.
    Funding partners (and any tier whose fee is zero) get no invoice. A fee-paying tier without a fee
    schedule for the year is an error, not a silent gap. With dry_run the invoices are returned unsaved.
    The number of queries does not depend on the number of invoices.

    issued_on (default today) dates invoices for a past year in that year. Refused while the supplier's
    details (LOTI_* settings) are incomplete. Once committed, each invoice is emailed to its borough's
    accounts-payable address and its officers are told, unless notify is False.
    """
    issued_on = issued_on or timezone.localdate()
    _check_issue_date(issued_on)
    supplier_details()
    # Waiting to be sent from the moment it exists: if the hand-over after commit is lost, the sweep finds it.
    pending_since = timezone.now() if notify else None
    with transaction.atomic():
        if not dry_run:
            year = _lock_year(year)
        financial_year_ensure_open(year=year, what="its fee invoices")
        schedules = {schedule.tier: schedule for schedule in FeeSchedule.objects.filter(year=year)}
        already = set(Invoice.objects.filter(year=year, kind=InvoiceKind.INVOICE).values_list("organisation_id", flat=True))
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
                    billing_address=membership.organisation.billing_address,
                    purchase_order=membership.purchase_order,
                    send_pending_since=pending_since,
                )
            )
            sequence += 1
        if missing:
            raise ValidationError(f"There is no fee schedule for {year.label} for: {', '.join(sorted(missing))}. Add it, then issue again.")
        if dry_run or not invoices:
            return invoices
        created = bulk_create_with_history(
            invoices, Invoice, default_user=issued_by, default_change_reason=f"Issued the {year.label} fee invoices"
        )
        if notify:
            _after_issue(created)
        logger.info("invoices-issued year=%s count=%d dated=%s by=%s", year.label, len(created), issued_on, issued_by)
        return created


def invoice_credit(*, invoice: Invoice, reason: str, by) -> Invoice:
    """Cancel an unpaid invoice with a credit note for its full amount. Nothing is deleted.

    A credit note takes the next number of the invoice's year. An invoice with payments against it is
    not credited here: the money received must be refunded through finance first.
    """
    from budget.selectors.invoices import invoices_with_status

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the invoice is credited.")
    supplier_details()
    with transaction.atomic():
        year = _lock_year(invoice.year)
        financial_year_ensure_open(year=year, what="its invoices and credit notes")
        invoice = invoices_with_status(Invoice.objects.select_for_update(of=("self",)).filter(pk=invoice.pk)).get()
        if invoice.kind != InvoiceKind.INVOICE:
            raise ValidationError(f"{invoice.number} is a credit note; only an invoice can be credited.")
        if invoice.credited:
            raise ValidationError(f"{invoice.number} has already been credited.")
        if invoice.paid:
            raise ValidationError(f"{invoice.number} has £{invoice.paid:,.2f} paid against it; refund it through finance before crediting.")
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
            billing_address=invoice.billing_address,
            purchase_order=invoice.purchase_order,
            send_pending_since=timezone.now(),
        )
        credit_note._history_user = by
        credit_note._change_reason = reason[:100]
        credit_note.save()
        _after_issue([credit_note])
        logger.info("invoice-credited invoice=%s credit_note=%s by=%s", invoice.number, credit_note.number, by)
        return credit_note


def invoice_billing_correct(*, invoice: Invoice, billing_address: str, purchase_order: str, by) -> Invoice:
    """Correct whom an issued invoice or credit note is made out to: a PO the borough raised late, a wrong address.

    The amounts, number and dates never change; the history keeps who changed what. Staff then send it to
    finance again (budget.services.invoice_sending.invoices_send_again).
    """
    billing_address = "\n".join(line.strip() for line in (billing_address or "").splitlines() if line.strip())
    purchase_order = (purchase_order or "").strip()
    limit = Invoice._meta.get_field("purchase_order").max_length
    assert limit is not None  # a CharField's
    if len(purchase_order) > limit:
        raise ValidationError({"purchase_order": f"A purchase order number has at most {limit} characters."})
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if (invoice.billing_address, invoice.purchase_order) == (billing_address, purchase_order):
            return invoice
        invoice.billing_address, invoice.purchase_order = billing_address, purchase_order
        invoice._history_user = by
        invoice._change_reason = "Billing details corrected"
        invoice.save(update_fields=["billing_address", "purchase_order"])
    logger.info("invoice-billing-corrected invoice=%s by=%s", invoice.number, by)
    return invoice

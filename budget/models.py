"""The money side: fee schedules, invoices and payments, funders' agreements, the budget, and the reports."""

from typing import TypedDict

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from loti.models import FinancialYear
from members.models import MembershipTier, Organisation
from projects.models import Pillar, Project


class MoneyDigits(TypedDict):
    max_digits: int
    decimal_places: int


# A TypedDict so that `**MONEY` type-checks as the two keyword arguments it is.
MONEY: MoneyDigits = {"max_digits": 14, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(0)]


class FeeSchedule(models.Model):
    year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="fee_schedules")
    tier = models.CharField(max_length=20, choices=MembershipTier.choices)
    annual_fee = models.DecimalField("annual fee (net)", **MONEY, validators=NON_NEGATIVE)
    vat_rate = models.DecimalField(
        "VAT rate",
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="A fraction: 0.20 for 20%",
    )
    pro_rata = models.BooleanField(default=False, help_text="Charge an organisation that joins part way through the year by whole months")

    history = HistoricalRecords()
    # Who and why for the next history row: simple_history reads them off the instance when it saves.
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        ordering = ["-year__start_date", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["year", "tier"], name="one_fee_schedule_per_year_and_tier"),
            models.CheckConstraint(condition=models.Q(annual_fee__gte=0), name="fee_not_negative"),
            models.CheckConstraint(condition=models.Q(vat_rate__gte=0, vat_rate__lte=1), name="vat_rate_is_a_fraction"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_tier_display()}: £{self.annual_fee:,.2f} + VAT"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class Invoice(models.Model):
    """A membership fee invoice, or a credit note against one. Never deleted: credited instead."""

    kind = models.CharField(max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="invoices")
    sequence = models.PositiveIntegerField(help_text="Gapless within the year")
    number = models.CharField(max_length=30, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invoices")
    membership = models.ForeignKey("members.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="invoices")
    credits = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes", help_text="The invoice a credit note cancels"
    )
    description = models.CharField(max_length=255)
    issued_on = models.DateField()
    due_on = models.DateField()
    net = models.DecimalField(**MONEY, validators=NON_NEGATIVE)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=4)
    vat = models.DecimalField("VAT", **MONEY, validators=NON_NEGATIVE)
    gross = models.DecimalField(**MONEY, validators=NON_NEGATIVE)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    # Whom it is made out to, as it was when issued: a later change of address or PO does not rewrite a sent invoice.
    billing_address = models.TextField(blank=True)
    purchase_order = models.CharField("purchase order number", max_length=60, blank=True)
    # Sending the PDF to the borough's accounts-payable address (budget.services.invoice_sending).
    sent_at = models.DateTimeField("sent to finance at", null=True, blank=True)
    sent_to = models.EmailField("sent to", blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    send_error = models.TextField("last sending problem", blank=True)
    # Set when the invoice is handed to the queue to be sent, cleared once sent (or when only staff can help):
    # the sweep (budget.tasks.invoices.send_pending_invoices) hands over again any left waiting too long.
    send_pending_since = models.DateTimeField("waiting to be sent since", null=True, blank=True)

    history = HistoricalRecords()
    # Who and why for the next history row: simple_history reads them off the instance when it saves.
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        ordering = ["-year__start_date", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_sequence_unique_per_year"),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=models.Q(kind="invoice"),
                name="one_fee_invoice_per_organisation_per_year",
            ),
            models.UniqueConstraint(fields=["credits"], condition=models.Q(kind="credit_note"), name="one_credit_note_per_invoice"),
            models.CheckConstraint(condition=models.Q(net__gte=0, vat__gte=0, gross__gte=0), name="invoice_amounts_not_negative"),
            models.CheckConstraint(condition=models.Q(gross=models.F("net") + models.F("vat")), name="invoice_gross_is_net_plus_vat"),
            models.CheckConstraint(
                condition=models.Q(kind="invoice", credits__isnull=True) | models.Q(kind="credit_note", credits__isnull=False),
                name="credit_note_names_its_invoice",
            ),
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("issued_on")), name="invoice_due_after_issue"),
        ]

    def __str__(self) -> str:
        return self.number


class PaymentSource(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    IMPORT = "import", "Imported from finance"


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(**MONEY)
    received_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True, help_text="The finance system's reference")
    source = models.CharField(max_length=10, choices=PaymentSource.choices, default=PaymentSource.MANUAL)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    # Who and why for the next history row: simple_history reads them off the instance when it saves.
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        ordering = ["-received_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            # Importing the finance system's file twice must not record its payments twice.
            models.UniqueConstraint(
                fields=["invoice", "reference"], condition=~models.Q(reference=""), name="payment_reference_unique_per_invoice"
            ),
        ]

    def __str__(self) -> str:
        return f"£{self.amount:,.2f} on {self.invoice}"


class AgreementKind(models.TextChoices):
    GRANT = "grant", "Grant"
    CONTRIBUTION = "contribution", "Contribution"


class FundingAgreement(models.Model):
    """A funder's grant or contribution with its schedule of instalments."""

    funder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="funding_agreements")
    name = models.CharField(max_length=200, unique=True)
    reference = models.CharField(max_length=60, blank=True, help_text="e.g. the Mayoral Decision MD2373")
    kind = models.CharField(max_length=12, choices=AgreementKind.choices)
    total_amount = models.DecimalField("total (up to)", **MONEY, validators=NON_NEGATIVE)
    signed_on = models.DateField(null=True, blank=True)
    projects = models.ManyToManyField(Project, blank=True, related_name="funding_agreements", help_text="Named projects it funds")
    termination_right = models.TextField(blank=True, help_text="The funder's right to terminate, as the agreement words it")
    termination_year = models.ForeignKey(
        FinancialYear,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The year in which the right to terminate may be exercised",
    )
    terminated_on = models.DateField(null=True, blank=True)
    terminated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    # Who and why for the next history row: simple_history reads them off the instance when it saves.
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        ordering = ["funder__name", "name"]
        constraints = [models.CheckConstraint(condition=models.Q(total_amount__gte=0), name="agreement_total_not_negative")]

    def __str__(self) -> str:
        return self.name


class InstalmentStatus(models.TextChoices):
    EXPECTED = "expected", "Expected"
    CLAIMED = "claimed", "Claimed"
    RECEIVED = "received", "Received"
    CANCELLED = "cancelled", "Cancelled"


class Instalment(models.Model):
    agreement = models.ForeignKey(FundingAgreement, on_delete=models.PROTECT, related_name="instalments")
    year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="instalments")
    amount = models.DecimalField(**MONEY, validators=NON_NEGATIVE)
    status = models.CharField(max_length=10, choices=InstalmentStatus.choices, default=InstalmentStatus.EXPECTED)
    claimed_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True)
    received_amount = models.DecimalField(**MONEY, null=True, blank=True, validators=NON_NEGATIVE)

    history = HistoricalRecords()
    # Who and why for the next history row: simple_history reads them off the instance when it saves.
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        ordering = ["agreement", "year__start_date"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="one_instalment_per_agreement_per_year"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="instalment_amount_not_negative"),
            models.CheckConstraint(
                condition=models.Q(received_amount__isnull=True) | models.Q(received_amount__gte=0),
                name="instalment_received_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.year}: £{self.amount:,.2f}"


class FundingCondition(models.Model):
    agreement = models.ForeignKey(FundingAgreement, on_delete=models.CASCADE, related_name="conditions")
    description = models.TextField()
    due_on = models.DateField(null=True, blank=True)
    met_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.description[:80]


class BudgetSection(models.TextChoices):
    INCOME = "income", "Income"
    EXPENDITURE = "expenditure", "Expenditure"
    ALLOCATION = "allocation", "Allocation"


class ExpenditureStatus(models.TextChoices):
    ESTIMATED = "estimated", "Estimated"
    COMMITTED = "committed", "Committed"
    PAID = "paid", "Paid"


class ActualsFrom(models.TextChoices):
    """Where a line's actual money is recorded, so plan and actual can be set side by side (docs/money.md)."""

    NOTHING = "", "None (an allocation)"
    LEDGER = "ledger", "Ledger entries"
    MEMBERSHIP_FEES = "membership_fees", "Membership fee invoices"
    FUNDING_AGREEMENT = "funding_agreement", "A funder's instalments"
    BROUGHT_FORWARD = "brought_forward", "Balance brought forward (its amount)"


class BudgetLine(models.Model):
    """One line of a year's budget: income, expenditure (with its status) or a rough allocation to a pillar."""

    year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="budget_lines")
    section = models.CharField(max_length=12, choices=BudgetSection.choices)
    name = models.CharField(max_length=120)
    amount = models.DecimalField(**MONEY, validators=NON_NEGATIVE)
    status = models.CharField(max_length=10, choices=ExpenditureStatus.choices, blank=True)
    pillar = models.ForeignKey(Pillar, null=True, blank=True, on_delete=models.PROTECT, related_name="budget_lines")
    position = models.PositiveSmallIntegerField(default=0)
    actuals_from = models.CharField(
        max_length=20,
        choices=ActualsFrom.choices,
        blank=True,
        help_text="Where its actual money is recorded: ledger entries unless said otherwise; allocations have none",
    )
    funding_agreement = models.ForeignKey(
        FundingAgreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
        help_text="For income from a funder: the agreement whose instalments are its actuals",
    )
    commentary = models.TextField(
        blank=True, help_text="Why the actual differs from the plan, printed beside the line in the budget report"
    )

    history = HistoricalRecords()
    # Who and why for the next history row: simple_history reads them off the instance when it saves.
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        ordering = ["year__start_date", "section", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "section", "name"], name="budget_line_unique_per_year_section"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_line_amount_not_negative"),
            models.CheckConstraint(
                condition=(models.Q(section="expenditure") & ~models.Q(status=""))
                | (~models.Q(section="expenditure") & models.Q(status="")),
                name="only_expenditure_has_a_status",
            ),
            models.CheckConstraint(
                condition=~models.Q(section="allocation") | models.Q(pillar__isnull=False),
                name="allocation_names_a_pillar",
            ),
            # Fees and instalments are income; a balance brought forward is income (a surplus) or expenditure (a
            # deficit); an allocation is a plan only.
            models.CheckConstraint(
                condition=models.Q(section="allocation", actuals_from="")
                | models.Q(section="income", actuals_from__in=["", "ledger", "membership_fees", "funding_agreement", "brought_forward"])
                | models.Q(section="expenditure", actuals_from__in=["", "ledger", "brought_forward"]),
                name="actuals_from_fits_section",
            ),
            models.CheckConstraint(
                condition=models.Q(actuals_from="funding_agreement", funding_agreement__isnull=False)
                | (~models.Q(actuals_from="funding_agreement") & models.Q(funding_agreement__isnull=True)),
                name="funder_income_names_its_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_section_display()}: {self.name}"

    def save(self, *args, **kwargs):
        # Say "ledger" where nothing was said, so the admin and exports show where the actuals come from.
        if not self.actuals_from and self.section in (BudgetSection.INCOME, BudgetSection.EXPENDITURE):
            self.actuals_from = ActualsFrom.LEDGER
        super().save(*args, **kwargs)

    @property
    def actuals_source(self) -> str:
        """Where its actuals come from; an income or expenditure line that says nothing is the ledger's."""
        if self.section == BudgetSection.ALLOCATION:
            return ActualsFrom.NOTHING
        return self.actuals_from or ActualsFrom.LEDGER

    def clean(self):
        # An allocation is a plan only: it has no actuals, whatever the form said.
        if self.section == BudgetSection.ALLOCATION:
            self.actuals_from = ActualsFrom.NOTHING


class LedgerEntry(models.Model):
    """One transaction of London Councils' finance system against a budget line: LOTI's books, as imported."""

    year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="ledger_entries")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="ledger_entries")
    date = models.DateField()
    counterparty = models.CharField(max_length=200)
    description = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(**MONEY, help_text="Pounds net of VAT; negative for a refund or credit")
    reference = models.CharField(max_length=100, help_text="The finance system's reference, unique within the year")
    source = models.CharField(max_length=255, blank=True, help_text="For reference data: the document that says it was paid")

    history = HistoricalRecords()
    # Who and why for the next history row: simple_history reads them off the instance when it saves.
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        ordering = ["-date", "reference"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.UniqueConstraint(fields=["year", "reference"], name="ledger_reference_unique_per_year"),
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(condition=~models.Q(reference=""), name="ledger_reference_required"),
        ]
        indexes = [models.Index(fields=["budget_line", "year"], name="ledger_line_year")]

    def __str__(self) -> str:
        return f"{self.reference} {self.date}: £{self.amount:,.2f}"


class YearClosing(models.Model):
    """A financial year's closed state. Closing freezes it; reopening is recorded with who and why (history)."""

    year = models.OneToOneField(FinancialYear, on_delete=models.PROTECT, related_name="closing")
    closed = models.BooleanField(default=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closing_balance = models.DecimalField(**MONEY, null=True, blank=True, help_text="actual income less actual expenditure")
    carried_to = models.ForeignKey(
        "BudgetLine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The next year's balance (or deficit) brought forward line",
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reopen_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    # Who and why for the next history row: simple_history reads them off the instance when it saves.
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        ordering = ["year__start_date"]

    def __str__(self) -> str:
        return f"{self.year} {'closed' if self.closed else 'reopened'}"


class ReportKind(models.TextChoices):
    BUDGET = "budget", "Annual Budget Report"
    EVALUATION = "evaluation", "Evaluation Report"


class ReportRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ReportRun(models.Model):
    """One request to produce a CELC report, and what it produced."""

    kind = models.CharField(max_length=12, choices=ReportKind.choices)
    year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="report_runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=ReportRunStatus.choices, default=ReportRunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    message = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    data_as_of = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="reports/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    notes = models.TextField("decisions or notes for CELC", blank=True, help_text="Optional: printed on the budget report's first page")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # The same request twice while one is pending does not produce two runs.
            models.UniqueConstraint(
                fields=["kind", "year"], condition=models.Q(status__in=["queued", "running"]), name="one_pending_run_per_report"
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} ({self.get_status_display()})"


class ReportRecipient(models.Model):
    """The CELC distribution list: who is emailed a link when a report is ready."""

    name = models.CharField(max_length=120)
    email = models.EmailField(unique=True)
    role = models.CharField(max_length=120, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class ClosableYear(FinancialYear):
    """Financial years as the admin closes and reopens them (a proxy: the core knows nothing of the books)."""

    class Meta:
        proxy = True
        verbose_name = "year's books"
        verbose_name_plural = "years' books (close or reopen)"


class DebtInvoice(Invoice):
    """Fee invoices as aged debt in the admin (a proxy: read-only, unpaid ones only)."""

    class Meta:
        proxy = True
        verbose_name = "aged debt"
        verbose_name_plural = "aged debt"

"""Spreadsheet kinds for the plan and the books: fee schedules, budget lines and the ledger (docs/imports.md,
docs/money.md)."""

from django.core.exceptions import ValidationError
from import_export.fields import Field

from budget.models import ActualsFrom, BudgetLine, BudgetSection, ExpenditureStatus, FeeSchedule, FundingAgreement, LedgerEntry
from budget.resources.guards import ClosedYearGuard
from loti.imports import (
    ChoiceWidget,
    DateWidget,
    FinancialYearWidget,
    FractionWidget,
    LotiResource,
    MoneyWidget,
    NamedWidget,
    TextWidget,
    YesNoWidget,
    current_lookups,
    register,
)
from loti.years import LABEL_PATTERN
from members.models import MembershipTier
from projects.resources import PillarWidget


@register("fee-schedules")
class FeeScheduleResource(LotiResource):
    year = Field(attribute="year", column_name="year", widget=FinancialYearWidget())
    tier = Field(attribute="tier", column_name="tier", widget=ChoiceWidget(MembershipTier.choices))
    annual_fee = Field(attribute="annual_fee", column_name="annual_fee", widget=MoneyWidget())
    vat_rate = Field(attribute="vat_rate", column_name="vat_rate", widget=FractionWidget())
    pro_rata = Field(attribute="pro_rata", column_name="pro_rata", widget=YesNoWidget())

    required_columns = ("year", "tier", "annual_fee", "vat_rate")
    example = {"year": "2020/21", "tier": "core", "annual_fee": "52500.00", "vat_rate": "0.20", "pro_rata": "no"}
    constraint_messages = {
        "one_fee_schedule_per_year_and_tier": "there is already a fee schedule for this year and tier",
        "fee_not_negative": "annual_fee must not be negative",
        "vat_rate_is_a_fraction": "vat_rate must be a fraction between 0 and 1, e.g. 0.20",
    }

    class Meta:
        model = FeeSchedule
        fields = ("year", "tier", "annual_fee", "vat_rate", "pro_rata")
        import_id_fields = ("year", "tier")

    def get_queryset(self):
        return super().get_queryset().select_related("year")


class ActualsFromWidget(ChoiceWidget):
    """Where a line's actuals come from; left empty, ledger for income and expenditure, nothing for an allocation
    (so a file that leaves it empty imports the same twice)."""

    def __init__(self):
        super().__init__([choice for choice in ActualsFrom.choices if choice[0]])

    def clean(self, value, row=None, **kwargs):
        chosen = super().clean(value, row, **kwargs)
        if chosen:
            return chosen
        section = str((row or {}).get("section") or "").strip().casefold()
        return ActualsFrom.LEDGER if section in (BudgetSection.INCOME, BudgetSection.EXPENDITURE) else ""


class FundingAgreementWidget(NamedWidget):
    def __init__(self):
        super().__init__(FundingAgreement, lookups=("name",), noun="funding agreement")


@register("budget-lines")
class BudgetLineResource(ClosedYearGuard, LotiResource):
    year = Field(attribute="year", column_name="year", widget=FinancialYearWidget())
    section = Field(attribute="section", column_name="section", widget=ChoiceWidget(BudgetSection.choices))
    name = Field(attribute="name", column_name="name", widget=TextWidget())
    amount = Field(attribute="amount", column_name="amount", widget=MoneyWidget())
    status = Field(attribute="status", column_name="status", widget=ChoiceWidget(ExpenditureStatus.choices))
    pillar = Field(attribute="pillar", column_name="pillar", widget=PillarWidget())
    actuals_from = Field(attribute="actuals_from", column_name="actuals_from", widget=ActualsFromWidget())
    funding_agreement = Field(attribute="funding_agreement", column_name="funding_agreement", widget=FundingAgreementWidget())

    closed_year_what = "its budget lines"
    required_columns = ("year", "section", "name", "amount")
    example = {
        "year": "2020/21",
        "section": "expenditure",
        "name": "LOTI team salaries",
        "amount": "400000.00",
        "status": "committed",
        "pillar": "",
        "actuals_from": "ledger",
        "funding_agreement": "",
    }
    constraint_messages = {
        "budget_line_unique_per_year_section": "there is already a line with this name in this year's section",
        "budget_line_amount_not_negative": "amount must not be negative",
        "only_expenditure_has_a_status": "only expenditure lines have a status",
        "allocation_names_a_pillar": "an allocation needs a pillar",
        "actuals_from_fits_section": "actuals_from does not fit the section (see docs/money.md)",
        "funder_income_names_its_agreement": "actuals_from funding_agreement needs the funding_agreement column, and only it",
    }

    class Meta:
        model = BudgetLine
        fields = ("year", "section", "name", "amount", "status", "pillar", "actuals_from", "funding_agreement")
        import_id_fields = ("year", "section", "name")

    def get_queryset(self):
        return super().get_queryset().select_related("year", "pillar")

    def check_row(self, instance):
        allowed = ", ".join(ExpenditureStatus.values)
        if instance.section == BudgetSection.EXPENDITURE and not instance.status:
            raise ValidationError({"status": f"an expenditure line needs a status: one of {allowed}"})
        if instance.section != BudgetSection.EXPENDITURE and instance.status:
            raise ValidationError({"status": f"only expenditure lines have a status; leave it empty for {instance.section}"})
        if instance.section == BudgetSection.ALLOCATION and instance.pillar_id is None:
            raise ValidationError({"pillar": "an allocation needs a pillar (by name)"})
        source = instance.actuals_from
        if instance.section == BudgetSection.ALLOCATION and source:
            raise ValidationError({"actuals_from": "an allocation has no actuals; leave actuals_from empty"})
        if instance.section == BudgetSection.EXPENDITURE and source not in ("", ActualsFrom.LEDGER, ActualsFrom.BROUGHT_FORWARD):
            raise ValidationError({"actuals_from": "expenditure's actuals are ledger entries (or brought_forward for a deficit)"})
        if source == ActualsFrom.FUNDING_AGREEMENT and instance.funding_agreement_id is None:
            raise ValidationError({"funding_agreement": "name the funding agreement whose instalments are this line's actuals"})
        if source != ActualsFrom.FUNDING_AGREEMENT and instance.funding_agreement_id is not None:
            raise ValidationError({"funding_agreement": "only a line with actuals_from funding_agreement names an agreement"})

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if not instance.actuals_from and instance.section != BudgetSection.ALLOCATION:
            # A file without the column: say the default (rows are written in bulk, without BudgetLine.save()).
            instance.actuals_from = ActualsFrom.LEDGER
        if instance.pk is None:
            # New lines keep the file's order within their section.
            instance.position = kwargs.get("row_number") or 0


class BudgetLineOfYearWidget(TextWidget):
    """An income or expenditure line by its name, within the row's year (one query per year in the file)."""

    def clean(self, value, row=None, **kwargs):
        name = super().clean(value, row, **kwargs)
        if not name:
            return None
        label = str((row or {}).get("year") or "").strip()
        if not LABEL_PATTERN.match(label):
            return None  # the year column says what is wrong
        lookups = current_lookups()

        def lines_of_year() -> dict[str, list[BudgetLine]]:
            found: dict[str, list[BudgetLine]] = {}
            for line in BudgetLine.objects.filter(year__label=label).select_related("funding_agreement"):
                found.setdefault(line.name.casefold(), []).append(line)
            return found

        lines = lookups.memo(("ledger-lines", label), lines_of_year) if lookups is not None else lines_of_year()
        found = lines.get(name.casefold(), [])
        if not found:
            raise ValueError(f"{label} has no budget line called {name!r}")
        spendable = [line for line in found if line.section != BudgetSection.ALLOCATION]
        if not spendable:
            raise ValueError(f"{name!r} is an allocation; ledger entries go against an income or expenditure line")
        if len(spendable) > 1:
            raise ValueError(f"{label} has both an income and an expenditure line called {name!r}; rename one")
        return spendable[0]

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


WHERE_ACTUALS_COME_FROM: dict[str, str] = {
    ActualsFrom.MEMBERSHIP_FEES: "its actuals are the membership fee invoices (issue_invoices), not ledger entries",
    ActualsFrom.FUNDING_AGREEMENT: "its actuals are the funder's instalments (mark them claimed or received), not ledger entries",
    ActualsFrom.BROUGHT_FORWARD: "it is a balance brought forward: its actual is its amount, not ledger entries",
}


def ledger_entry_problems(*, entry: LedgerEntry, line: BudgetLine, year) -> dict[str, str]:
    """What stops an entry being written to the books, by attribute (the import and the admin share it)."""
    problems = {}
    if line.year_id != entry.year_id:
        problems["budget_line"] = f"{line.name!r} is a line of {line.year}, not {year}"
    elif line.section == BudgetSection.ALLOCATION:
        problems["budget_line"] = f"{line.name!r} is an allocation; ledger entries go against an income or expenditure line"
    elif line.actuals_source != ActualsFrom.LEDGER:
        problems["budget_line"] = f"{line.name!r} takes no ledger entries: {WHERE_ACTUALS_COME_FROM[line.actuals_source]}"
    if entry.date and year and not (year.start_date <= entry.date <= year.end_date):
        problems["date"] = f"{entry.date.isoformat()} is not in {year.label} ({year.start_date.isoformat()} to {year.end_date.isoformat()})"
    if entry.amount is not None and entry.amount == 0:
        problems["amount"] = "an entry of 0.00 records nothing; refunds and credits are negative"
    return problems


@register("ledger")
class LedgerEntryResource(ClosedYearGuard, LotiResource):
    year = Field(attribute="year", column_name="year", widget=FinancialYearWidget())
    budget_line = Field(attribute="budget_line", column_name="budget_line", widget=BudgetLineOfYearWidget())
    date = Field(attribute="date", column_name="date", widget=DateWidget())
    counterparty = Field(attribute="counterparty", column_name="counterparty", widget=TextWidget())
    description = Field(attribute="description", column_name="description", widget=TextWidget())
    amount = Field(attribute="amount", column_name="amount", widget=MoneyWidget(minimum=None))
    reference = Field(attribute="reference", column_name="reference", widget=TextWidget())

    closed_year_what = "its ledger"
    required_columns = ("year", "budget_line", "date", "counterparty", "amount", "reference")
    example = {
        "year": "2020/21",
        "budget_line": "LOTI team salaries",
        "date": "2020-04-30",
        "counterparty": "London Councils payroll",
        "description": "April salaries",
        "amount": "21500.00",
        "reference": "LC-JNL-000123",
    }
    constraint_messages = {
        "ledger_reference_unique_per_year": "this reference is already used in this year's ledger",
        "ledger_amount_not_zero": "amount must not be 0.00",
        "ledger_reference_required": "reference is needed, so that importing the same file again records each entry once",
        "year_closed": "the year is closed: it takes no ledger entries",
    }

    class Meta:
        model = LedgerEntry
        fields = ("year", "budget_line", "date", "counterparty", "description", "amount", "reference")
        import_id_fields = ("year", "reference")

    def get_queryset(self):
        return super().get_queryset().select_related("year", "budget_line").order_by("year__start_date", "date", "reference")

    def get_instance(self, instance_loader, row):
        if not str(row.get("reference") or "").strip():
            raise ValidationError(
                {"reference": "the finance system's reference is needed, so that importing the same file again records each entry once"}
            )
        return super().get_instance(instance_loader, row)

    def check_row(self, entry):
        if entry.pk:
            # Reached only when the row differs from the recorded entry (an agreeing row is skipped).
            recorded = LedgerEntry.objects.select_related("budget_line").get(pk=entry.pk)
            raise ValidationError(
                {
                    "reference": (
                        f"{entry.reference!r} is already in the {entry.year} ledger as £{recorded.amount:,.2f} on "
                        f"{recorded.date.isoformat()} against {recorded.budget_line.name!r}; an import never changes a recorded entry"
                    )
                }
            )
        problems = ledger_entry_problems(entry=entry, line=entry.budget_line, year=entry.year)
        if problems:
            raise ValidationError(problems)

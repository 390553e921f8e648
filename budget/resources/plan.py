"""Spreadsheet kinds for the plan: fee schedules and budget lines (see docs/imports.md)."""
from django.core.exceptions import ValidationError
from import_export.fields import Field

from loti.imports import ChoiceWidget, FinancialYearWidget, FractionWidget, LotiResource, MoneyWidget, TextWidget, YesNoWidget, register
from members.models import MembershipTier
from projects.resources import PillarWidget

from budget.models import BudgetLine, BudgetSection, ExpenditureStatus, FeeSchedule


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


@register("budget-lines")
class BudgetLineResource(LotiResource):
    year = Field(attribute="year", column_name="year", widget=FinancialYearWidget())
    section = Field(attribute="section", column_name="section", widget=ChoiceWidget(BudgetSection.choices))
    name = Field(attribute="name", column_name="name", widget=TextWidget())
    amount = Field(attribute="amount", column_name="amount", widget=MoneyWidget())
    status = Field(attribute="status", column_name="status", widget=ChoiceWidget(ExpenditureStatus.choices))
    pillar = Field(attribute="pillar", column_name="pillar", widget=PillarWidget())

    required_columns = ("year", "section", "name", "amount")
    example = {"year": "2020/21", "section": "expenditure", "name": "LOTI team salaries", "amount": "400000.00", "status": "committed", "pillar": ""}
    constraint_messages = {
        "budget_line_unique_per_year_section": "there is already a line with this name in this year's section",
        "budget_line_amount_not_negative": "amount must not be negative",
        "only_expenditure_has_a_status": "only expenditure lines have a status",
        "allocation_names_a_pillar": "an allocation needs a pillar",
    }

    class Meta:
        model = BudgetLine
        fields = ("year", "section", "name", "amount", "status", "pillar")
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

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if instance.pk is None:
            # New lines keep the file's order within their section.
            instance.position = kwargs.get("row_number") or 0

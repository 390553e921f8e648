"""Import and export kind `instalments`: a funding agreement's schedule by financial year.

Columns: agreement (its name), year (2020/21), amount, status (expected, claimed, received, cancelled),
claimed_on, received_on (YYYY-MM-DD), and optionally received_amount. A row is matched to the
instalment of that agreement and year, which it updates, or it adds one.
"""
from django.core.exceptions import ValidationError
from import_export import fields, widgets

from budget.models import FundingAgreement, Instalment
from budget.resources.fees import DATE_FORMAT, AllOrNothingResource, _text, _year_filter
from loti.imports import register
from loti.models import FinancialYear


class AgreementWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(FundingAgreement, "name")

    def clean(self, value, row=None, **kwargs):
        name = _text(value)
        if not name:
            raise ValueError("The agreement is missing.")
        try:
            return FundingAgreement.objects.get(name=name)
        except FundingAgreement.DoesNotExist:
            raise ValueError(f"No funding agreement is named {name!r}.") from None


class YearWidget(widgets.Widget):
    """A financial year written 2020/21, created on first use."""

    def clean(self, value, row=None, **kwargs):
        return FinancialYear.objects.for_label(_text(value))

    def render(self, value, obj=None, **kwargs):
        return value.label if value else ""


@register("instalments")
class InstalmentResource(AllOrNothingResource):
    agreement = fields.Field(attribute="agreement", column_name="agreement", widget=AgreementWidget())
    year = fields.Field(attribute="year", column_name="year", widget=YearWidget())
    amount = fields.Field(attribute="amount", column_name="amount", widget=widgets.DecimalWidget())
    status = fields.Field(attribute="status", column_name="status")
    claimed_on = fields.Field(attribute="claimed_on", column_name="claimed_on", widget=widgets.DateWidget(DATE_FORMAT))
    received_on = fields.Field(attribute="received_on", column_name="received_on", widget=widgets.DateWidget(DATE_FORMAT))
    received_amount = fields.Field(attribute="received_amount", column_name="received_amount", widget=widgets.DecimalWidget())

    class Meta:
        model = Instalment
        fields = ("agreement", "year", "amount", "status", "claimed_on", "received_on", "received_amount")
        import_order = fields
        export_order = fields
        import_id_fields = ("agreement", "year")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Instalment.objects.select_related("agreement", "year").order_by("agreement__name", "year__start_date")

    def filter_export(self, queryset, **kwargs):
        return _year_filter(queryset, kwargs.get("year"))

    def before_import(self, dataset, **kwargs):
        self._user = kwargs.get("user")

    def get_instance(self, instance_loader, row):
        # An unknown agreement or a badly written year is reported on the row by import_instance.
        try:
            return super().get_instance(instance_loader, row)
        except (ValueError, ValidationError):
            return None

    def import_instance(self, instance, row, **kwargs):
        if "status" in row:
            row["status"] = _text(row["status"]).lower()
        super().import_instance(instance, row, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        if getattr(self._user, "pk", None):
            instance._history_user = self._user
        instance._change_reason = "Imported"

    def dehydrate_status(self, instalment):
        return instalment.status

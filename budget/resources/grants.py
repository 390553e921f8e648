"""Spreadsheet kind `instalments`: a funding agreement's schedule by financial year (see docs/imports.md).

A row is matched to the instalment of that agreement and year, which it updates, or it adds one.
"""

from import_export.fields import Field

from budget.models import FundingAgreement, Instalment, InstalmentStatus
from budget.resources.guards import ClosedYearGuard
from loti.imports import ChoiceWidget, DateWidget, FinancialYearWidget, LotiResource, MoneyWidget, NamedWidget, register


class AgreementWidget(NamedWidget):
    """A funding agreement by its name, e.g. GLA grant for LOTI (MD2373)."""

    def __init__(self):
        super().__init__(FundingAgreement, lookups=("name",), noun="funding agreement")


@register("instalments")
class InstalmentResource(ClosedYearGuard, LotiResource):
    closed_year_what = "its instalments"

    agreement = Field(attribute="agreement", column_name="agreement", widget=AgreementWidget())
    year = Field(attribute="year", column_name="year", widget=FinancialYearWidget())
    amount = Field(attribute="amount", column_name="amount", widget=MoneyWidget())
    status = Field(
        attribute="status", column_name="status", widget=ChoiceWidget(InstalmentStatus.choices), default=InstalmentStatus.EXPECTED
    )
    claimed_on = Field(attribute="claimed_on", column_name="claimed_on", widget=DateWidget())
    received_on = Field(attribute="received_on", column_name="received_on", widget=DateWidget())
    received_amount = Field(attribute="received_amount", column_name="received_amount", widget=MoneyWidget())

    required_columns = ("agreement", "year", "amount")
    example = {
        "agreement": "GLA grant",
        "year": "2020/21",
        "amount": "100000.00",
        "status": "expected",
        "claimed_on": "",
        "received_on": "",
        "received_amount": "",
    }
    constraint_messages = {
        "one_instalment_per_agreement_per_year": "this agreement already has an instalment for this year",
        "instalment_amount_not_negative": "amount must not be negative",
        "instalment_received_not_negative": "received_amount must not be negative",
    }

    class Meta:
        model = Instalment
        fields = ("agreement", "year", "amount", "status", "claimed_on", "received_on", "received_amount")
        import_id_fields = ("agreement", "year")

    def get_queryset(self):
        return super().get_queryset().select_related("agreement", "year").order_by("agreement__name", "year__start_date")

"""Spreadsheet kinds for the register and maturity: `systems` and `maturity` (see docs/register.md)."""

from django.core.exceptions import ValidationError
from import_export.fields import Field

from loti.imports import (
    ChoiceWidget,
    DateWidget,
    FinancialYearWidget,
    LotiResource,
    MoneyWidget,
    NamedWidget,
    TextWidget,
    WholeNumberWidget,
    register,
)

from .models import OrganisationKind
from .register_models import MaturityDimension, MaturityScore, ServiceArea, System
from .resources import OrganisationWidget


class ServiceAreaWidget(NamedWidget):
    """A service area from the list LOTI staff keep, by its name; an unknown name is refused, not created."""

    def __init__(self):
        super().__init__(ServiceArea, lookups=("name",), noun="service area")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ValueError as error:
            raise ValueError(f"{error}; LOTI staff keep the list of service areas in the admin") from None


@register("systems")
class SystemResource(LotiResource):
    organisation = Field(attribute="organisation", column_name="organisation", widget=OrganisationWidget())
    service_area = Field(attribute="service_area", column_name="service_area", widget=ServiceAreaWidget())
    product = Field(attribute="product", column_name="product", widget=TextWidget())
    supplier = Field(attribute="supplier", column_name="supplier", widget=TextWidget())
    contract_start = Field(attribute="contract_start", column_name="contract_start", widget=DateWidget())
    contract_end = Field(attribute="contract_end", column_name="contract_end", widget=DateWidget())
    annual_value = Field(attribute="annual_value", column_name="annual_value", widget=MoneyWidget())

    year_path = None
    required_columns = ("organisation", "service_area", "product", "supplier")
    example = {
        "organisation": "E09000007",
        "service_area": "Revenues and benefits",
        "product": "Revenues and benefits system",
        "supplier": "Example Software Ltd",
        "contract_start": "2021-04-01",
        "contract_end": "2026-03-31",
        "annual_value": "120000.00",
    }
    constraint_messages = {
        "one_system_per_product_and_service_area": "the organisation already lists this product in this service area",
        "system_contract_ends_after_start": "contract_end is before contract_start",
        "system_annual_value_not_negative": "annual_value must not be negative",
        "system_has_product": "product is required",
        "system_has_supplier": "supplier is required",
    }

    class Meta:
        model = System
        fields = ("organisation", "service_area", "product", "supplier", "contract_start", "contract_end", "annual_value")
        import_id_fields = ("organisation", "service_area", "product")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation", "service_area")
            .order_by("organisation__name", "service_area__name", "product")
        )

    def check_row(self, instance) -> None:
        if instance.organisation_id and instance.organisation.kind != OrganisationKind.LONDON_BOROUGH:
            raise ValidationError(
                {"organisation": f"{instance.organisation} is not a London borough: the register lists boroughs' systems"}
            )
        if instance.contract_start and instance.contract_end and instance.contract_end < instance.contract_start:
            raise ValidationError({"contract_end": "contract_end is before contract_start"})


@register("maturity")
class MaturityResource(LotiResource):
    year = Field(attribute="year", column_name="year", widget=FinancialYearWidget())
    organisation = Field(attribute="organisation", column_name="organisation", widget=OrganisationWidget())
    dimension = Field(attribute="dimension", column_name="dimension", widget=ChoiceWidget(MaturityDimension.choices))
    score = Field(attribute="score", column_name="score", widget=WholeNumberWidget(1, 5))
    evidence = Field(attribute="evidence", column_name="evidence", widget=TextWidget())

    required_columns = ("year", "organisation", "dimension", "score")
    example = {
        "year": "2020/21",
        "organisation": "Camden",
        "dimension": "data",
        "score": "3",
        "evidence": "A data strategy agreed by the leadership team; owners for our key datasets",
    }
    constraint_messages = {
        "maturity_score_between_1_and_5": "score must be a whole number from 1 to 5",
        "one_maturity_score_per_dimension_per_year": "the organisation already has a score for this dimension in this year",
    }

    class Meta:
        model = MaturityScore
        fields = ("year", "organisation", "dimension", "score", "evidence")
        import_id_fields = ("year", "organisation", "dimension")

    def get_queryset(self):
        return super().get_queryset().select_related("year", "organisation").order_by("year__start_date", "organisation__name", "dimension")

    def check_row(self, instance) -> None:
        if instance.organisation_id and instance.organisation.kind != OrganisationKind.LONDON_BOROUGH:
            raise ValidationError({"organisation": f"{instance.organisation} is not a London borough: boroughs assess their own maturity"})

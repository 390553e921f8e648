"""Reading the register, the joint procurement opportunities and the maturity self-assessments.

Every function here runs a fixed number of queries whatever the number of boroughs and systems (the
register at ten times London's scale is 6,600 systems): aggregates are done by PostgreSQL."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Aggregate, Count, FloatField, Max, Min, Q, QuerySet, Sum

from loti.models import FinancialYear
from loti.money import money_str, to_money

from .models import Organisation, OrganisationKind
from .permissions import officer_organisation_id
from .register_models import MaturityDimension, MaturityScore, MaturitySharing, ProcurementInterest, ServiceArea, System

# Fewer answers than this and a median would give a borough's own score away, so officers are not shown it.
MEDIAN_MIN_RESPONSES = 3


# -- the register ----------------------------------------------------------------------------------------


def register_boroughs() -> QuerySet:
    """London boroughs with the number of systems each lists: one query."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.LONDON_BOROUGH)
        .annotate(
            system_count=Count("systems"),
        )
        .order_by("name")
    )


def borough_register(*, organisation: Organisation) -> QuerySet:
    return System.objects.filter(organisation=organisation).select_related("service_area").order_by("service_area__name", "product")


def public_register(*, service_area: ServiceArea | None = None) -> QuerySet:
    """Only what contract transparency already publishes: service area, product, supplier, end date."""
    systems = System.objects.all()
    if service_area is not None:
        systems = systems.filter(service_area=service_area)
    return systems.order_by("service_area__name", "product", "supplier", "contract_end", "pk").values_list(
        "service_area__name", "product", "supplier", "contract_end"
    )


PUBLIC_COLUMNS = ["service_area", "product", "supplier", "contract_end"]


# -- joint procurement opportunities ---------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Window:
    """The days a contract may end on to count: from `first` to `last`, both included."""

    first: datetime.date
    months: int

    @property
    def last(self) -> datetime.date:
        return add_months(self.first, self.months) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Opportunity:
    service_area_id: int
    service_area: str
    boroughs: list[str]
    earliest_end: datetime.date
    latest_end: datetime.date
    annual_value_total: Decimal
    products: list[str]
    suppliers: list[str]
    systems: int

    def as_json(self) -> dict:
        return {
            "service_area": self.service_area,
            "boroughs": self.boroughs,
            "earliest_end": self.earliest_end.isoformat(),
            "latest_end": self.latest_end.isoformat(),
            "annual_value_total": money_str(self.annual_value_total),
        }


OPPORTUNITY_COLUMNS = ["service_area", "boroughs", "earliest_end", "latest_end", "annual_value_total"]


def procurement_opportunities(*, window: Window) -> list[Opportunity]:
    """Service areas where two or more boroughs' contracts end inside the window: one query."""
    rows = (
        System.objects.filter(contract_end__gte=window.first, contract_end__lte=window.last)
        .values("service_area_id", "service_area__name")
        .annotate(
            borough_count=Count("organisation", distinct=True),
            boroughs=ArrayAgg("organisation__name", distinct=True, order_by="organisation__name"),
            products=ArrayAgg("product", distinct=True, order_by="product"),
            suppliers=ArrayAgg("supplier", distinct=True, order_by="supplier"),
            earliest_end=Min("contract_end"),
            latest_end=Max("contract_end"),
            annual_value_total=Sum("annual_value", default=Decimal(0)),
            systems=Count("id"),
        )
        .filter(borough_count__gte=2)
        .order_by("earliest_end", "service_area__name")
    )
    return [
        Opportunity(
            service_area_id=row["service_area_id"],
            service_area=row["service_area__name"],
            boroughs=row["boroughs"],
            earliest_end=row["earliest_end"],
            latest_end=row["latest_end"],
            annual_value_total=to_money(row["annual_value_total"]),
            products=row["products"],
            suppliers=row["suppliers"],
            systems=row["systems"],
        )
        for row in rows
    ]


def interests_by_service_area(*, service_area_ids: list[int]) -> dict[int, list[str]]:
    """The boroughs interested in buying together, per service area: one query."""
    found: dict[int, list[str]] = {}
    rows = (
        ProcurementInterest.objects.filter(service_area_id__in=service_area_ids)
        .values_list("service_area_id", "organisation__name")
        .order_by("organisation__name")
    )
    for service_area_id, name in rows:
        found.setdefault(service_area_id, []).append(name)
    return found


def interested_service_areas(*, user) -> set[int]:
    organisation_id = officer_organisation_id(user)
    if organisation_id is None:
        return set()
    return set(ProcurementInterest.objects.filter(organisation_id=organisation_id).values_list("service_area_id", flat=True))


# -- digital maturity ------------------------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's continuous median."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _one_decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DimensionMedian:
    dimension: str
    label: str
    median: Decimal | None
    responses: int
    previous_median: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        if self.median is None or self.previous_median is None:
            return None
        return self.median - self.previous_median


def _medians(year: FinancialYear | None) -> dict[str, tuple[Decimal | None, int]]:
    if year is None:
        return {}
    rows = (
        MaturityScore.objects.filter(year=year)
        .values("dimension")
        .annotate(median=Median("score"), responses=Count("organisation", distinct=True))
        .order_by()
    )
    return {row["dimension"]: (_one_decimal(row["median"]), row["responses"]) for row in rows}


def maturity_medians(*, year: FinancialYear) -> list[DimensionMedian]:
    """London's median per dimension for the year (and last year's): two queries."""
    now = _medians(year)
    before = _medians(year.previous())
    return [
        DimensionMedian(
            dimension=dimension,
            label=label,
            median=now.get(dimension, (None, 0))[0],
            responses=now.get(dimension, (None, 0))[1],
            previous_median=before.get(dimension, (None, 0))[0],
        )
        for dimension, label in MaturityDimension.choices
    ]


def maturity_report_json(*, year: FinancialYear) -> list[dict]:
    """The evaluation report's `maturity` items: {dimension, median, responses}, with last year's median and the change."""
    return [
        {
            "dimension": row.dimension,
            "median": None if row.median is None else str(row.median),
            "responses": row.responses,
            "previous_median": None if row.previous_median is None else str(row.previous_median),
            "change": None if row.change is None else str(row.change),
        }
        for row in maturity_medians(year=year)
    ]


def own_maturity(*, organisation_id: int, year: FinancialYear) -> dict[str, MaturityScore]:
    return {score.dimension: score for score in MaturityScore.objects.filter(organisation_id=organisation_id, year=year)}


def shared_maturity(*, year: FinancialYear, viewer_organisation_id: int | None) -> list[tuple[str, dict[str, int]]]:
    """Other boroughs' scores, only of boroughs that agreed to share: (borough, {dimension: score}). One query."""
    sharing = MaturitySharing.objects.filter(shared=True).values("organisation_id")
    rows = (
        MaturityScore.objects.filter(year=year, organisation_id__in=sharing)
        .exclude(organisation_id=viewer_organisation_id)  # type: ignore[misc]  # None (a staff viewer) excludes nothing
        .values_list("organisation__name", "dimension", "score")
        .order_by("organisation__name")
    )
    table: dict[str, dict[str, int]] = {}
    for name, dimension, score in rows:
        table.setdefault(name, {})[dimension] = score
    return list(table.items())


def maturity_shared(*, organisation_id: int) -> bool:
    return MaturitySharing.objects.filter(organisation_id=organisation_id, shared=True).exists()


def maturity_years() -> QuerySet:
    return FinancialYear.objects.filter(Q(maturity_scores__isnull=False)).distinct().order_by("-start_date")

"""What London runs on and how ready it is: the technology and contracts register (City Tools, Thirty3),
interest in buying together when contracts end, and the yearly digital maturity self-assessment.

Kept apart from members/models.py so the register's tables read as one piece; models.py imports them."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from loti.models import FinancialYear

from .models import Organisation


class ServiceArea(models.Model):
    """A council service a system supports (Revenues and benefits, Social care...): a list LOTI staff keep."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class System(models.Model):
    """One system a borough runs, under one contract: an entry of the technology and contracts register."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="systems")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="systems")
    product = models.CharField(max_length=200)
    supplier = models.CharField(max_length=200)
    contract_start = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True, help_text="Empty when the contract has no end date")
    annual_value = models.DecimalField(
        "annual value (£)", max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()  # it holds money: who changed the annual value, and when
    # Who and why for the next history row: simple_history reads them off the instance when it saves.
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        ordering = ["organisation__name", "service_area__name", "product"]
        indexes = [models.Index(fields=["contract_end", "service_area"], name="system_contract_end")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "service_area", "product"],
                name="one_system_per_product_and_service_area",
                violation_error_message="The borough already lists this product in this service area: change that entry instead.",
            ),
            models.CheckConstraint(
                condition=models.Q(contract_start__isnull=True)
                | models.Q(contract_end__isnull=True)
                | models.Q(contract_end__gte=models.F("contract_start")),
                name="system_contract_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(annual_value__isnull=True) | models.Q(annual_value__gte=0), name="system_annual_value_not_negative"
            ),
            models.CheckConstraint(condition=~models.Q(product=""), name="system_has_product"),
            models.CheckConstraint(condition=~models.Q(supplier=""), name="system_has_supplier"),
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.supplier}) — {self.organisation}, {self.service_area}"


class ProcurementInterest(models.Model):
    """A borough would like to buy together with others in a service area when the contracts there end."""

    service_area = models.ForeignKey(ServiceArea, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="procurement_interests")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service_area__name", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["service_area", "organisation"], name="one_interest_per_borough_and_service_area")]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.service_area}"


class MaturityDimension(models.TextChoices):
    STRATEGY = "strategy", "Digital in corporate strategy and business plans"
    ICT = "ict", "ICT provision"
    ADOPTION = "adoption", "Technology adoption"
    DATA = "data", "Data governance"
    CULTURE = "culture", "Culture"


# The described scale a borough scores itself against: the same five steps for every dimension, each
# step said in that dimension's terms (the 2017 scoping work: "not nosey audits", a way to find ambition).
MATURITY_SCALE: dict[str, list[str]] = {  # keyed by the dimension, looked up by its value too
    MaturityDimension.STRATEGY: [
        "Digital is not mentioned in the corporate strategy or business plans",
        "Digital appears in some service plans, not in the corporate strategy",
        "The corporate strategy names digital; some business plans act on it",
        "Digital is part of the corporate strategy and of most business plans, with owners and measures",
        "Digital shapes the corporate strategy and every business plan, and is reviewed against outcomes",
    ],
    MaturityDimension.ICT: [
        "Ageing systems and devices hold staff back; little is in the cloud",
        "Core systems work but are hard to change; some cloud services",
        "Reliable, mostly modern provision; a plan to replace legacy systems",
        "Modern, cloud-first provision that staff can rely on anywhere",
        "Provision is flexible, open and shared with other councils where it helps",
    ],
    MaturityDimension.ADOPTION: [
        "New technology is rarely tried",
        "Some services try new technology on their own",
        "New technology is adopted through a known route, with user research",
        "Services adopt and scale proven technology, and retire what they replace",
        "The council tests emerging technology openly and shares what it learns",
    ],
    MaturityDimension.DATA: [
        "No one owns data; sharing is ad hoc",
        "Some data has owners; sharing agreements are written case by case",
        "A data strategy, owners for key datasets, DPIAs done when needed",
        "Data is governed to common standards and shared under agreed templates",
        "Data is managed as an asset, used for decisions and shared openly where lawful",
    ],
    MaturityDimension.CULTURE: [
        "Digital is seen as IT's business",
        "Pockets of staff champion digital ways of working",
        "Leaders support digital ways of working; staff are being trained",
        "Services work in multidisciplinary teams, around user needs, in the open",
        "Digital ways of working are how the whole council works and learns",
    ],
}


class MaturityScore(models.Model):
    """One borough's self-assessed score, 1 to 5, on one dimension in one year, with its evidence."""

    year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="maturity_scores")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="maturity_scores")
    dimension = models.CharField(max_length=10, choices=MaturityDimension.choices)
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    evidence = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year__start_date", "organisation__name", "dimension"]
        constraints = [
            models.UniqueConstraint(fields=["year", "organisation", "dimension"], name="one_maturity_score_per_dimension_per_year"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="maturity_score_between_1_and_5"),
            models.CheckConstraint(
                condition=models.Q(dimension__in=[value for value, _ in MaturityDimension.choices]), name="maturity_dimension_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.get_dimension_display()} {self.score}"


class MaturitySharing(models.Model):
    """A borough's agreement that other member boroughs may see its maturity scores (never assumed)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="maturity_sharing")
    shared = models.BooleanField(default=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "maturity sharing"

    def __str__(self) -> str:
        return f"{self.organisation}: {'shares' if self.shared else 'does not share'} its maturity scores"

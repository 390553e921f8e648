"""Organisations (boroughs, the GLA, London Councils, funders), their memberships, and the people in them."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from loti.models import DateRange


class OrganisationKind(models.TextChoices):
    LONDON_BOROUGH = "london_borough", "London local authority"
    GLA = "gla", "Greater London Authority"
    LONDON_COUNCILS = "london_councils", "London Councils"
    FUNDER = "funder", "Other funder"


# org-id.guide: a list code (GB-LAE, GB-COH, XI-…) then the identifier within that list.
ORG_ID_PATTERN = r"^[A-Z]{2}-[A-Z0-9]{2,}-[A-Za-z0-9][A-Za-z0-9._/-]*$"


class Organisation(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    gss_code = models.CharField(
        "GSS code", max_length=9, unique=True, null=True, blank=True, help_text="E09000001–E09000033 for London authorities"
    )
    email_domains = ArrayField(
        models.CharField(max_length=100), default=list, blank=True, help_text="Officers with these email domains belong here"
    )
    # Billing (issue 17): where LOTI's invoices go. Copied onto each invoice when it is issued.
    billing_address = models.TextField(
        blank=True, help_text="The address invoices are made out to, one line per line, with the postcode last"
    )
    invoice_email = models.EmailField(
        "accounts-payable email", blank=True, help_text="Finance's address: each invoice is emailed here as a PDF"
    )
    # Open data (issue 12): how 360Giving readers recognise the organisation across funders' files.
    org_id = models.CharField(
        "org-id",
        max_length=80,
        blank=True,
        default="",
        help_text="The organisation's identifier from org-id.guide, e.g. GB-LAE-CMD for Camden; empty when not known",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gss_code__isnull=True) | models.Q(gss_code__regex=r"^E090000(0[1-9]|[12][0-9]|3[0-3])$"),
                name="organisation_gss_code_is_london",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="london_borough") | models.Q(gss_code__isnull=False),
                name="london_borough_has_gss_code",
            ),
            models.CheckConstraint(condition=models.Q(org_id="") | models.Q(org_id__regex=ORG_ID_PATTERN), name="organisation_org_id_form"),
            models.UniqueConstraint(fields=["org_id"], condition=~models.Q(org_id=""), name="organisation_org_id_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipTier(models.TextChoices):
    CORE = "core", "Core"
    SHARED_SERVICE = "shared_service", "Shared service"
    FUNDING_PARTNER = "funding_partner", "Funding partner"


class MembershipQuerySet(models.QuerySet):
    def current_on(self, day):
        return self.filter(start_date__lte=day).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=day))

    def overlapping(self, start, end):
        return self.filter(start_date__lte=end).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=start))


class Membership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    tier = models.CharField(max_length=20, choices=MembershipTier.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Empty while the membership goes on")
    local_digital_declaration_signed = models.DateField(
        "Local Digital Declaration signed", null=True, blank=True, help_text="Core membership needs the declaration signed"
    )
    shared_with = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a shared service: the council sharing the IT service",
    )
    notes = models.TextField(blank=True)
    purchase_order = models.CharField(
        "purchase order number",
        max_length=60,
        blank=True,
        help_text="The borough's PO for LOTI's fee; copied onto the next invoice issued (change it when a new year's PO is raised)",
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()
    # Who and why for the next history row: simple_history reads them off the instance when it saves.
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        ordering = ["organisation__name", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
            ExclusionConstraint(
                name="one_membership_per_organisation_at_a_time",
                expressions=[
                    ("organisation", RangeOperators.EQUAL),
                    (DateRange("start_date", "end_date"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        end = self.end_date.isoformat() if self.end_date else "now"
        return f"{self.organisation} — {self.get_tier_display()} ({self.start_date.isoformat()} to {end})"


class User(AbstractUser):
    """A person who signs in: a borough officer or LOTI staff. Signs in by email."""

    email = models.EmailField("email address", unique=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="officers")
    organisation_approved_at = models.DateTimeField(
        null=True, blank=True, help_text="When LOTI staff confirmed this person speaks for the organisation"
    )
    job_title = models.CharField(max_length=120, blank=True)

    objects = UserManager()  # type: ignore[misc]  # AbstractUser's own manager, which the stubs declare a ClassVar

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_short_name(self) -> str:
        # The username is generated from the email for allauth's sake; people never see it.
        return self.first_name or self.email

    @property
    def approved_organisation(self):
        return self.organisation if self.organisation_approved_at else None


class Invitation(models.Model):
    """LOTI staff invite a named person to join an organisation on the portal."""

    email = models.EmailField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"


# The technology and contracts register and digital maturity (issue 15) live in their own module.
from .register_models import (  # noqa: E402,F401
    MaturityDimension,
    MaturityScore,
    MaturitySharing,
    ProcurementInterest,
    ServiceArea,
    System,
)

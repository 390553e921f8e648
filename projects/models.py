"""LOTI's strategy (pillars, workstreams), its projects, and how they are evaluated."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from loti.models import FinancialYear
from members.models import Organisation

NON_NEGATIVE = [MinValueValidator(0)]


class Pillar(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    objective = models.TextField(blank=True)
    previously = models.CharField(max_length=80, blank=True, help_text="The Year 1 area this pillar grew from")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Workstream(models.Model):
    """An area of a pillar, or one of the six original workstreams of 2019 (which have no pillar)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    pillar = models.ForeignKey(Pillar, null=True, blank=True, on_delete=models.PROTECT, related_name="workstreams")
    objective = models.TextField(blank=True)
    introduced = models.CharField(max_length=7, blank=True, help_text="Financial year it began, e.g. 2019/20")
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["pillar__position", "position", "name"]

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    DIRECT = "direct", "1 – Direct"
    DISCOVER = "discover", "2 – Discover"
    DEFINE = "define", "3 – Define"
    DEVELOP = "develop", "4 – Develop"
    DELIVER = "deliver", "5 – Deliver"


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed"
    UNDER_REVIEW = "under_review", "Under review"
    APPROVED = "approved", "Approved"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    RETURNED = "returned", "Returned for changes"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DpiaStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed"
    NEEDED = "needed", "Needed"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


# What the directory's search reads: stored and indexed, so a search does not compute it for every project.
PROJECT_SEARCH_VECTOR = SearchVector("title", weight="A", config="english") + SearchVector(
    "summary", "outcome", "problems", "hypotheses", weight="B", config="english"
)


class Project(models.Model):
    title = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    outcome = models.TextField(blank=True, help_text="Which people will be better off in which ways")
    problems = models.TextField(blank=True)
    hypotheses = models.TextField(blank=True)
    pillar = models.ForeignKey(Pillar, null=True, blank=True, on_delete=models.PROTECT, related_name="projects")
    workstream = models.ForeignKey(Workstream, null=True, blank=True, on_delete=models.PROTECT, related_name="projects")
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.DIRECT)
    status = models.CharField(max_length=15, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED)
    year = models.ForeignKey(
        FinancialYear, null=True, blank=True, on_delete=models.PROTECT, related_name="projects", help_text="Year it began"
    )
    is_data_project = models.BooleanField(default=False)
    dpia_status = models.CharField("DPIA status", max_length=12, choices=DpiaStatus.choices, default=DpiaStatus.NOT_NEEDED)
    funding_requested = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE)
    funding_approved = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE)
    funder = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funded_projects",
        help_text="Who funds it; empty when LOTI funds it from its own budget",
    )
    aligned_with_objectives = models.BooleanField(default=False)
    replicable = models.BooleanField(default=False, help_text="Designed for wider adoption by other boroughs")
    outputs_gifted = models.BooleanField(default=False, help_text="Outputs gifted to LOTI for dissemination")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposed_projects"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rejection_reason = models.TextField(blank=True)
    # The proposal's own journey: staff may return it with a note, and approve past a limit only with a reason.
    return_note = models.TextField(blank=True, help_text="What LOTI staff asked the proposers to change")
    override_reason = models.TextField(blank=True, help_text="Why staff approved more than was asked, or more than the pillar had left")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="The document it is named in")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(expression=PROJECT_SEARCH_VECTOR, output_field=SearchVectorField(), db_persist=True)

    history = HistoricalRecords(excluded_fields=["search_vector"])
    # Who and why for the next history row: simple_history reads them off the instance when it saves.
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        ordering = ["title"]
        # The borough home lists a borough's most recently changed projects first. The directory, the home and
        # the front page count projects by status (and whether a proposal was submitted), the home joining them
        # to a borough's participants by id: all read from the small status index, not the wide project rows.
        indexes = [
            models.Index(fields=["-updated_at"], name="project_recently_updated"),
            GinIndex(fields=["search_vector"], name="project_search"),
            models.Index(fields=["status", "submitted_at"], include=["id"], name="project_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(funding_requested__isnull=True) | models.Q(funding_requested__gte=0),
                name="project_funding_requested_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(funding_approved__isnull=True) | models.Q(funding_approved__gte=0),
                name="project_funding_approved_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectStatusChange(models.Model):
    """A project's status from a date on, and who changed it: so its status in any past year can be told."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes")
    previous_status = models.CharField(max_length=15, choices=ProjectStatus.choices, blank=True)
    status = models.CharField(max_length=15, choices=ProjectStatus.choices)
    date = models.DateField(help_text="The day the project took this status")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "date", "recorded_at"]
        indexes = [models.Index(fields=["project", "date"], name="status_change_by_date")]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_status_display()} from {self.date}"


class ParticipantRole(models.TextChoices):
    LEAD = "lead", "Lead"
    DELIVERY_PARTNER = "delivery_partner", "Delivery partner"
    SUPPORTER = "supporter", "Supporter"
    ADOPTER = "adopter", "Adopter"


class Participant(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=20, choices=ParticipantRole.choices)
    invited_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True, help_text="When the organisation agreed to take part")
    declined_at = models.DateTimeField(null=True, blank=True, help_text="When the invited organisation said no")
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["project__title", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="one_participation_per_organisation"),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(declined_at__isnull=True),
                name="participant_not_both_accepted_and_declined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}) in {self.project}"


class PrioritisationCriterion(models.TextChoices):
    MATTERS = "matters", "The work matters"
    EXPERTISE = "expertise", "It plays to LOTI's expertise"
    POWER = "power", "Power to make progress"
    COLLABORATION = "collaboration", "Added value from collaboration"
    FINANCIAL_REALITY = "financial_reality", "Compatible with members' financial reality"


class PrioritisationScore(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(max_length=20, choices=PrioritisationCriterion.choices)
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="score_between_1_and_5"),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.score}"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ProgressUpdate(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField()
    phase = models.CharField(max_length=10, choices=Phase.choices)
    rag = models.CharField("RAG status", max_length=5, choices=Rag.choices)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        # A project's latest update, and whether one is due, read from the index alone.
        indexes = [models.Index(fields=["project", "-date"], name="progress_update_latest")]

    def __str__(self) -> str:
        return f"{self.project} on {self.date}"


class Output(models.Model):
    """Something a project made and gifted to LOTI: a toolkit, guidance, code."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outputs")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    gifted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class BenefitKind(models.TextChoices):
    CASHABLE_SAVING = "cashable_saving", "Cashable saving (£)"
    NON_CASHABLE_SAVING = "non_cashable_saving", "Non-cashable saving (£)"
    COST_AVOIDANCE = "cost_avoidance", "Cost avoidance (£)"
    TIME_SAVED = "time_saved", "Time saved (hours)"
    REACH = "reach", "Reach (people helped)"
    OTHER = "other", "Other"


# Kinds measured in pounds: each needs its amount, and none is ever added to another in a total.
MONEY_BENEFITS = [BenefitKind.CASHABLE_SAVING, BenefitKind.NON_CASHABLE_SAVING, BenefitKind.COST_AVOIDANCE]


class BenefitConfidence(models.TextChoices):
    REALISED = "realised", "Realised"
    ESTIMATED = "estimated", "Estimated"


class Benefit(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="benefits")
    # Empty when nobody recorded the year it fell in: such a benefit is counted in no year, and listed for staff to fix.
    year = models.ForeignKey(
        FinancialYear, null=True, blank=True, on_delete=models.PROTECT, related_name="benefits", help_text="The year the benefit fell in"
    )
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="benefits")
    kind = models.CharField(max_length=20, choices=BenefitKind.choices)
    confidence = models.CharField(
        max_length=10,
        choices=BenefitConfidence.choices,
        default=BenefitConfidence.REALISED,
        help_text="Realised: it happened and the evidence shows it. Estimated: a forecast or a potential saving",
    )
    description = models.TextField()
    amount = models.DecimalField("amount (£)", max_digits=14, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE)
    hours = models.DecimalField("hours saved", max_digits=10, decimal_places=1, null=True, blank=True, validators=NON_NEGATIVE)
    reach = models.PositiveIntegerField("people or things reached", null=True, blank=True)
    unit = models.CharField(max_length=80, blank=True, help_text="What the reach counts, e.g. learners, devices given out")
    evidence = models.TextField(blank=True, help_text="How we know: the source, the method, or the condition it depends on")
    evidence_url = models.URLField("evidence link", max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    # Who and why for the next history row: simple_history reads them off the instance when it saves.
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        ordering = ["-year__start_date", "project__title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0), name="benefit_amount_not_negative"),
            models.CheckConstraint(condition=models.Q(hours__isnull=True) | models.Q(hours__gte=0), name="benefit_hours_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(kind="cashable_saving") | models.Q(amount__isnull=False),
                name="cashable_saving_has_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["non_cashable_saving", "cost_avoidance"]) | models.Q(amount__isnull=False),
                name="money_benefit_has_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="reach") | (models.Q(reach__isnull=False) & ~models.Q(unit="")),
                name="reach_has_number_and_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.project}"


class Survey(models.Model):
    """The annual member satisfaction survey."""

    year = models.OneToOneField(FinancialYear, on_delete=models.PROTECT, related_name="survey")
    opens_on = models.DateField()
    closes_on = models.DateField()

    class Meta:
        ordering = ["-year__start_date"]
        constraints = [models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_opening")]

    def __str__(self) -> str:
        return f"Satisfaction survey {self.year}"


# One scale for every rating, worded the same on the survey, the answers page and the report.
RATING_SCALE = "1 is poor, 5 is excellent"
RATING_LABELS = {1: "1 – poor", 2: "2", 3: "3", 4: "4", 5: "5 – excellent"}
NOT_INVOLVED = "Not involved"


class SurveyResponse(models.Model):
    """One officer's answer in one year's survey: a workstream's value, or (with no workstream) LOTI overall.

    A workstream answer with no rating means the officer was not involved in it: kept, but never averaged."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )
    respondent_email = models.EmailField(help_text="Kept so imported answers stay unique per person")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="survey_responses")
    workstream = models.ForeignKey(
        Workstream,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_responses",
        help_text="Empty for the overall satisfaction question",
    )
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text=f"{RATING_SCALE}; empty: not involved"
    )
    loti_added_value = models.BooleanField(null=True, blank=True)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "workstream", "organisation"]
        constraints = [
            # NULLS NOT DISTINCT: one overall answer per person too.
            models.UniqueConstraint(
                fields=["survey", "respondent_email", "workstream"], name="one_answer_per_person_per_workstream", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5), name="rating_between_1_and_5"
            ),
            models.CheckConstraint(
                condition=models.Q(workstream__isnull=False) | models.Q(rating__isnull=False), name="overall_satisfaction_has_rating"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workstream or 'LOTI overall'}: {self.rating or NOT_INVOLVED.lower()}"

    @property
    def is_overall(self) -> bool:
        return self.workstream_id is None

    @property
    def rating_label(self) -> str:
        return NOT_INVOLVED if self.rating is None else f"{self.rating} out of 5"


# The Data Projects Methodology and the engagement map (issue 15) live in their own module.
from .strategy_models import DataMethodology, Engagement, EngagementMode, Relationship  # noqa: E402,F401

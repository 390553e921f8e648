"""The Year 2 Strategy's working tools: the Data Projects Methodology's questions (slide 23) and the
engagement map (slides 29–32). projects/models.py imports them."""

from django.db import models

from .models import Pillar, Project


class DataMethodology(models.Model):
    """A data project's answers to the Data Projects Methodology, after its outcome and problems (on the project)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="data_methodology")
    actions = models.TextField(help_text="WHO could do WHAT differently if they had better information? What's the intervention?")
    insights = models.TextField(help_text="What would we need to see on a screen to enable the action?")
    data_needed = models.TextField(help_text="What data is required to create that view?")
    legal_basis = models.TextField(help_text="Can we access and use it legally and ethically? On what basis?")
    enablers = models.TextField(help_text="Beyond the data, what else is needed to achieve the outcome?")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Data Projects Methodology answers"
        verbose_name_plural = "Data Projects Methodology answers"

    def __str__(self) -> str:
        return f"Data Projects Methodology for {self.project}"


class EngagementMode(models.TextChoices):
    INFORM = "inform", "Inform"
    INVOLVE = "involve", "Involve"
    INFLUENCE = "influence", "Influence"


class Relationship(models.TextChoices):
    KNOWN = "known", "Known to us"
    NEW = "new", "New relationship to develop"


class Engagement(models.Model):
    """Whom LOTI engages for a pillar, how (inform, involve, influence), and whether the relationship is known yet."""

    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="engagements")
    stakeholder = models.CharField(max_length=200)
    mode = models.CharField(max_length=10, choices=EngagementMode.choices)
    relationship = models.CharField(max_length=5, choices=Relationship.choices)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within its cell of the map")
    source = models.CharField(max_length=200, blank=True, help_text="The document (and slide) it is named in")

    class Meta:
        ordering = ["pillar__position", "relationship", "mode", "position", "stakeholder"]
        constraints = [
            models.UniqueConstraint(fields=["pillar", "stakeholder", "mode", "relationship"], name="one_engagement_per_cell"),
            models.CheckConstraint(condition=models.Q(mode__in=["inform", "involve", "influence"]), name="engagement_mode_known"),
            models.CheckConstraint(condition=models.Q(relationship__in=["known", "new"]), name="engagement_relationship_known"),
            models.CheckConstraint(condition=~models.Q(stakeholder=""), name="engagement_has_stakeholder"),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.stakeholder} ({self.pillar})"

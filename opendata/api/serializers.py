"""The shapes of the public API: only what the public pages show."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects.models import Phase, ProjectStatus

PUBLIC_STATUSES = [choice for choice in ProjectStatus.choices if choice[0] != ProjectStatus.DRAFT]


def absolute(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


class ProjectFilters(serializers.Serializer):
    """The directory's filters, by slug (pillar, workstream, borough) or value (status, phase)."""

    search = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Words in the title, summary or outcome")
    pillar = serializers.SlugField(required=False, help_text="A pillar's slug, from /api/strategy/")
    workstream = serializers.SlugField(required=False, help_text="A workstream's slug, from /api/strategy/")
    status = serializers.ChoiceField(choices=PUBLIC_STATUSES, required=False)
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    borough = serializers.RegexField(
        r"^E090000(0[1-9]|[12][0-9]|3[0-3])$",
        required=False,
        help_text="A London authority's GSS code, e.g. E09000007 for Camden",
        error_messages={"invalid": "Give a London authority's GSS code, E09000001 to E09000033."},
    )
    page = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)


class ParticipantSerializer(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.name")
    gss_code = serializers.CharField(source="organisation.gss_code", allow_null=True)
    org_id = serializers.CharField(source="organisation.org_id")
    role = serializers.CharField()
    state = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=["taking_part", "invited", "declined"]))
    def get_state(self, participant) -> str:
        if participant.declined_at:
            return "declined"
        return "taking_part" if participant.accepted_at else "invited"


class ProjectSummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.CharField()
    phase = serializers.CharField()
    pillar = serializers.CharField(source="pillar.name", allow_null=True, default=None)
    workstream = serializers.CharField(source="workstream.name", allow_null=True, default=None)
    participants = ParticipantSerializer(many=True, source="participants.all")
    url = serializers.SerializerMethodField(help_text="The project's public page")
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, project) -> str:
        return absolute(reverse("projects:project", args=[project.slug]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, project) -> str:
        return absolute(reverse("api:project", args=[project.slug]))


class ProjectPage(serializers.Serializer):
    count = serializers.IntegerField(help_text="Projects matching the filters, on every page")
    next = serializers.URLField(allow_null=True, help_text="The next page, if any")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, if any")
    results = ProjectSummarySerializer(many=True)


class OutputSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField()


class ProgressUpdateSerializer(serializers.Serializer):
    date = serializers.DateField()
    phase = serializers.CharField()
    rag = serializers.CharField()
    text = serializers.CharField()


class BenefitSerializer(serializers.Serializer):
    year = serializers.CharField(source="year.label", allow_null=True, default=None)
    organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)
    kind = serializers.CharField()
    confidence = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    hours = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    reach = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    description = serializers.CharField()


class ProjectSerializer(ProjectSummarySerializer):
    outcome = serializers.CharField()
    problems = serializers.CharField()
    hypotheses = serializers.CharField()
    year = serializers.CharField(source="year.label", allow_null=True, default=None)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    funding_requested = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    funding_approved = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    replicable = serializers.BooleanField()
    outputs_gifted = serializers.BooleanField()
    outputs = OutputSerializer(many=True, source="outputs.all")
    updates = serializers.SerializerMethodField()
    benefits = serializers.SerializerMethodField()

    @extend_schema_field(ProgressUpdateSerializer(many=True))
    def get_updates(self, project):
        return ProgressUpdateSerializer(project.updates.order_by("-date", "-pk")[:10], many=True).data  # as the page shows

    @extend_schema_field(BenefitSerializer(many=True))
    def get_benefits(self, project):
        return BenefitSerializer(project.benefits.select_related("organisation", "year"), many=True).data


class MoneyLine(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.CharField(help_text='Pounds with two decimals, e.g. "20000.00"')


class ExpenditureLine(MoneyLine):
    status = serializers.CharField()


class AllocationLine(MoneyLine):
    pillar = serializers.CharField()


class BudgetYearSerializer(serializers.Serializer):
    year = serializers.CharField()
    income_total = serializers.CharField()
    expenditure_total = serializers.CharField()
    funds_remaining = serializers.CharField()
    allocation_total = serializers.CharField()
    unallocated = serializers.CharField()
    income = MoneyLine(many=True)
    expenditure = ExpenditureLine(many=True)
    allocations = AllocationLine(many=True)


class BudgetYearLink(serializers.Serializer):
    year = serializers.CharField()
    api_url = serializers.URLField()


class WorkstreamSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    objective = serializers.CharField()
    active = serializers.BooleanField()


class PillarSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    objective = serializers.CharField()
    workstreams = WorkstreamSerializer(many=True, source="workstreams.all")


class StrategySerializer(serializers.Serializer):
    pillars = PillarSerializer(many=True)
    other_workstreams = WorkstreamSerializer(many=True, help_text="Workstreams of no pillar (the six original workstreams of 2019)")


class LeftOutSerializer(serializers.Serializer):
    title = serializers.CharField()
    reason = serializers.CharField()


class GrantsSerializer(serializers.Serializer):
    grants = serializers.ListField(child=serializers.DictField(), help_text="360Giving 1.4 grants")
    license = serializers.URLField()
    left_out = LeftOutSerializer(many=True, help_text="Funded projects that cannot be published as a grant, and why")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()

"""Spreadsheet kinds for projects and evaluation: projects, participants, survey-responses, benefits.

See docs/imports.md for every column.
"""

from import_export.fields import Field

from loti.imports import (
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    FinancialYearWidget,
    LotiResource,
    MoneyWidget,
    NamedWidget,
    TextWidget,
    WholeNumberWidget,
    YesNoWidget,
    current_lookups,
    register,
)
from members.resources import OrganisationWidget

from .models import (
    NOT_INVOLVED,
    Benefit,
    BenefitConfidence,
    BenefitKind,
    DpiaStatus,
    Participant,
    ParticipantRole,
    Phase,
    Pillar,
    Project,
    ProjectStatus,
    Survey,
    SurveyResponse,
    Workstream,
)


class PillarWidget(NamedWidget):
    def __init__(self):
        super().__init__(Pillar, lookups=("name",), noun="pillar")


class WorkstreamWidget(NamedWidget):
    def __init__(self):
        super().__init__(Workstream, lookups=("name",), noun="workstream")


class ProjectWidget(NamedWidget):
    def __init__(self):
        super().__init__(Project, lookups=("title",), noun="project")


class SurveyWidget(FinancialYearWidget):
    """The satisfaction survey of a financial year, named by the year (2020/21). It must exist already."""

    def clean(self, value, row=None, **kwargs):
        year = super().clean(value, row, **kwargs)
        if year is None:
            return None
        lookups = current_lookups()
        if lookups is not None:
            survey = lookups.memo((Survey, year.pk), lambda: Survey.objects.filter(year=year).first())
        else:
            survey = Survey.objects.filter(year=year).first()
        if survey is None:
            raise ValueError(f"there is no satisfaction survey for {year}; add it in the admin first")
        return survey

    def render(self, value, obj=None, **kwargs):
        return value.year.label if value else ""


class RatingWidget(WholeNumberWidget):
    """A survey rating 1–5, or "not involved" (kept empty: not counted in the average). Blank is an error, so a
    forgotten rating is never read as not involved."""

    def __init__(self):
        super().__init__(1, 5)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if text.casefold() in (NOT_INVOLVED.casefold(), "not_involved"):
            return None
        if not text:
            raise ValueError("give a whole number from 1 to 5, or 'not involved'")
        return super().clean(value, row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        return "not involved" if value is None else str(value)


class EmailWidget(TextWidget):
    """An email address, kept in lower case so the same person is matched however the file writes it."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs).lower()


@register("projects")
class ProjectResource(LotiResource):
    title = Field(attribute="title", column_name="title", widget=TextWidget())
    summary = Field(attribute="summary", column_name="summary", widget=TextWidget())
    outcome = Field(attribute="outcome", column_name="outcome", widget=TextWidget())
    problems = Field(attribute="problems", column_name="problems", widget=TextWidget())
    hypotheses = Field(attribute="hypotheses", column_name="hypotheses", widget=TextWidget())
    pillar = Field(attribute="pillar", column_name="pillar", widget=PillarWidget())
    workstream = Field(attribute="workstream", column_name="workstream", widget=WorkstreamWidget())
    phase = Field(attribute="phase", column_name="phase", widget=ChoiceWidget(Phase.choices), default=Phase.DIRECT)
    status = Field(attribute="status", column_name="status", widget=ChoiceWidget(ProjectStatus.choices), default=ProjectStatus.PROPOSED)
    year = Field(attribute="year", column_name="year", widget=FinancialYearWidget())
    is_data_project = Field(attribute="is_data_project", column_name="is_data_project", widget=YesNoWidget())
    dpia_status = Field(
        attribute="dpia_status", column_name="dpia_status", widget=ChoiceWidget(DpiaStatus.choices), default=DpiaStatus.NOT_NEEDED
    )
    funding_requested = Field(attribute="funding_requested", column_name="funding_requested", widget=MoneyWidget())
    funding_approved = Field(attribute="funding_approved", column_name="funding_approved", widget=MoneyWidget())
    funder = Field(attribute="funder", column_name="funder", widget=OrganisationWidget())
    aligned_with_objectives = Field(attribute="aligned_with_objectives", column_name="aligned_with_objectives", widget=YesNoWidget())
    replicable = Field(attribute="replicable", column_name="replicable", widget=YesNoWidget())
    outputs_gifted = Field(attribute="outputs_gifted", column_name="outputs_gifted", widget=YesNoWidget())
    start_date = Field(attribute="start_date", column_name="start_date", widget=DateWidget())
    end_date = Field(attribute="end_date", column_name="end_date", widget=DateWidget())
    source = Field(attribute="source", column_name="source", widget=TextWidget())

    required_columns = ("title",)
    slug_source = "title"
    example = {
        "title": "Digital inclusion toolkit",
        "summary": "A shared toolkit for boroughs' digital inclusion work",
        "outcome": "Residents without internet access get online help in every borough",
        "problems": "Each borough builds its own guidance",
        "hypotheses": "A shared toolkit halves the effort",
        "pillar": "Covid Recovery",
        "workstream": "",
        "phase": "discover",
        "status": "active",
        "year": "2020/21",
        "is_data_project": "no",
        "dpia_status": "not_needed",
        "funding_requested": "25000.00",
        "funding_approved": "20000.00",
        "funder": "",
        "aligned_with_objectives": "yes",
        "replicable": "yes",
        "outputs_gifted": "yes",
        "start_date": "2020-06-01",
        "end_date": "",
        "source": "LOTI Year 2 Plan",
    }
    constraint_messages = {
        "project_funding_requested_not_negative": "funding_requested must not be negative",
        "project_funding_approved_not_negative": "funding_approved must not be negative",
    }

    class Meta:
        model = Project
        fields = (
            "title",
            "summary",
            "outcome",
            "problems",
            "hypotheses",
            "pillar",
            "workstream",
            "phase",
            "status",
            "year",
            "is_data_project",
            "dpia_status",
            "funding_requested",
            "funding_approved",
            "funder",
            "aligned_with_objectives",
            "replicable",
            "outputs_gifted",
            "start_date",
            "end_date",
            "source",
        )
        import_id_fields = ("title",)

    def get_queryset(self):
        return super().get_queryset().select_related("pillar", "workstream", "year", "funder")


@register("participants")
class ParticipantResource(LotiResource):
    project = Field(attribute="project", column_name="project", widget=ProjectWidget())
    organisation = Field(attribute="organisation", column_name="organisation", widget=OrganisationWidget())
    role = Field(attribute="role", column_name="role", widget=ChoiceWidget(ParticipantRole.choices))

    year_path = "project__year"
    example = {"project": "Digital inclusion toolkit", "organisation": "Camden", "role": "lead"}

    class Meta:
        model = Participant
        fields = ("project", "organisation", "role")
        import_id_fields = ("project", "organisation")

    def get_queryset(self):
        return super().get_queryset().select_related("project", "organisation")


@register("survey-responses")
class SurveyResponseResource(LotiResource):
    year = Field(attribute="survey", column_name="year", widget=SurveyWidget())
    respondent_email = Field(attribute="respondent_email", column_name="respondent_email", widget=EmailWidget())
    organisation = Field(attribute="organisation", column_name="organisation", widget=OrganisationWidget())
    workstream = Field(attribute="workstream", column_name="workstream", widget=WorkstreamWidget())
    rating = Field(attribute="rating", column_name="rating", widget=RatingWidget())
    loti_added_value = Field(attribute="loti_added_value", column_name="loti_added_value", widget=YesNoWidget(null=True))
    comment = Field(attribute="comment", column_name="comment", widget=TextWidget())

    year_path = "survey__year"
    # An empty workstream is the answer to the overall satisfaction question.
    required_columns = ("year", "respondent_email", "organisation", "workstream", "rating")
    example = {
        "year": "2020/21",
        "respondent_email": "cio@camden.gov.uk",
        "organisation": "Camden",
        "workstream": "Data Collaboration",
        "rating": "4",
        "loti_added_value": "yes",
        "comment": "The data sessions helped us join up",
    }
    constraint_messages = {
        "rating_between_1_and_5": "rating must be a whole number from 1 to 5",
        "overall_satisfaction_has_rating": "the overall answer (workstream left empty) needs a rating from 1 to 5, not 'not involved'",
    }

    class Meta:
        model = SurveyResponse
        fields = ("year", "respondent_email", "organisation", "workstream", "rating", "loti_added_value", "comment")
        import_id_fields = ("year", "respondent_email", "workstream")

    def get_queryset(self):
        return super().get_queryset().select_related("survey__year", "organisation", "workstream")


@register("benefits")
class BenefitResource(LotiResource):
    project = Field(attribute="project", column_name="project", widget=ProjectWidget())
    year = Field(attribute="year", column_name="year", widget=FinancialYearWidget())
    organisation = Field(attribute="organisation", column_name="organisation", widget=OrganisationWidget())
    kind = Field(attribute="kind", column_name="kind", widget=ChoiceWidget(BenefitKind.choices))
    description = Field(attribute="description", column_name="description", widget=TextWidget())
    amount = Field(attribute="amount", column_name="amount", widget=MoneyWidget())
    hours = Field(attribute="hours", column_name="hours", widget=DecimalWidget(places=1))
    confidence = Field(
        attribute="confidence", column_name="confidence", widget=ChoiceWidget(BenefitConfidence.choices), default=BenefitConfidence.REALISED
    )
    reach = Field(attribute="reach", column_name="reach", widget=WholeNumberWidget(0))
    unit = Field(attribute="unit", column_name="unit", widget=TextWidget())
    evidence = Field(attribute="evidence", column_name="evidence", widget=TextWidget())
    evidence_url = Field(attribute="evidence_url", column_name="evidence_url", widget=TextWidget())

    # The columns a file had before confidence, reach and evidence existed still make a whole file.
    required_columns = ("project", "year", "organisation", "kind", "description", "amount", "hours")
    example = {
        "project": "Digital inclusion toolkit",
        "year": "2020/21",
        "organisation": "Camden",
        "kind": "cashable_saving",
        "description": "Shared licence instead of each borough buying its own",
        "amount": "12000.00",
        "hours": "",
        "confidence": "realised",
        "reach": "",
        "unit": "",
        "evidence": "Invoice for the shared licence, March 2021",
        "evidence_url": "",
    }
    constraint_messages = {
        "cashable_saving_has_amount": "a cashable saving needs its amount in pounds",
        "money_benefit_has_amount": "a non-cashable saving or cost avoidance needs its amount in pounds",
        "reach_has_number_and_unit": "a reach benefit needs reach (a whole number) and its unit (what it counts)",
        "benefit_amount_not_negative": "amount must not be negative",
        "benefit_hours_not_negative": "hours must not be negative",
    }

    class Meta:
        model = Benefit
        fields = (
            "project",
            "year",
            "organisation",
            "kind",
            "description",
            "amount",
            "hours",
            "confidence",
            "reach",
            "unit",
            "evidence",
            "evidence_url",
        )
        import_id_fields = ("project", "year", "organisation", "kind", "description")

    def get_queryset(self):
        return super().get_queryset().select_related("project", "year", "organisation")

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from loti.admin import LongListMixin
from loti.admin_actions import action_page
from loti.import_admin import SpreadsheetAdminMixin
from loti.services import financial_year_get_or_create
from loti.years import parse_year_label

from . import admin_evaluation, services
from .data_project_forms import DpiaGuardedProjectForm
from .funding import funding_limits
from .models import (
    NOT_INVOLVED,
    RATING_LABELS,
    Benefit,
    Output,
    Participant,
    Pillar,
    PrioritisationCriterion,
    PrioritisationScore,
    ProgressUpdate,
    Project,
    Survey,
    SurveyResponse,
    Workstream,
)
from .strategy_admin import DataMethodologyInline


class WorkstreamInline(admin.TabularInline):
    model = Workstream
    extra = 0
    fields = ["name", "slug", "objective", "introduced", "active", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ["name", "previously", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [WorkstreamInline]


@admin.register(Workstream)
class WorkstreamAdmin(admin.ModelAdmin):
    list_display = ["name", "pillar", "introduced", "active"]
    list_filter = ["pillar", "active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["pillar"]


# Who was invited, who agreed and who declined are written only by the proposal services (with their emails and guards),
# so the admin shows them and never edits them.
PARTICIPATION_STATE = ["invited_at", "accepted_at", "declined_at", "decline_reason"]


class ParticipantInline(admin.TabularInline):
    """The boroughs on a project, read-only: changing one would move an invitation or an agreement outside the services."""

    model = Participant
    extra = 0
    fields = ["organisation", "role", *PARTICIPATION_STATE]
    readonly_fields = fields  # type: ignore[assignment]  # plain field names, each one read-only
    verbose_name_plural = "participants (invitations and agreements change only through the proposal)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ParticipantAddInline(admin.TabularInline):
    """Staff record another organisation taking part (never invited, so counted as taking part); existing rows are above."""

    model = Participant
    extra = 1
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role"]
    verbose_name = "organisation taking part"
    verbose_name_plural = "record another organisation taking part"
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return True  # only new rows are ever shown


class PrioritisationScoreInline(admin.TabularInline):
    model = PrioritisationScore
    extra = 0
    fields = ["criterion", "score", "note", "scored_by"]
    readonly_fields = ["scored_by"]

    def get_extra(self, request, obj=None, **kwargs):
        """A row for each criterion not yet scored, so a reviewer scores all five without JavaScript."""
        if obj is None or obj.pk is None:
            return 0  # a project is scored once it exists
        return len(PrioritisationCriterion.values) - obj.scores.count()


class ProgressUpdateInline(admin.StackedInline):
    model = ProgressUpdate
    extra = 0
    fields = ["date", "phase", "rag", "text", "author"]
    readonly_fields = ["author"]


class OutputInline(admin.TabularInline):
    model = Output
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ApproveForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount approved (£)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "Enter the amount approved in pounds, like 25000",
            "invalid": "Enter the amount approved in pounds, like 25000",
        },
    )
    override_reason = forms.CharField(
        label="Reason to approve past a limit (only when the amount is more than was asked, or than the pillar has left)",
        required=False,
        max_length=services.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason, sent to the proposers", widget=forms.Textarea(attrs={"rows": 4}), max_length=services.NOTE_MAX_LENGTH
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label="What to change, sent to the proposers", widget=forms.Textarea(attrs={"rows": 4}), max_length=services.NOTE_MAX_LENGTH
    )


# The project's state changes only through the actions below, which call the services (who decided, when, and the email).
STATE_FIELDS = [
    "status",
    "funding_approved",
    "submitted_at",
    "decided_at",
    "decided_by",
    "rejection_reason",
    "return_note",
    "override_reason",
    "withdrawn_at",
]


@admin.register(Project)
class ProjectAdmin(LongListMixin, SpreadsheetAdminMixin, SimpleHistoryAdmin):
    import_kind = "projects"
    import_export_change_list_template = "admin/projects/project/change_list.html"  # adds the data-quality link
    list_display = ["title", "status", "phase", "pillar", "workstream", "year", "funding_requested", "funding_approved", "funder"]
    list_filter = ["status", "phase", "pillar", "workstream", "year", "is_data_project", "dpia_status", admin_evaluation.DataQualityFilter]
    search_fields = ["title", "summary", "outcome", "participants__organisation__name"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["pillar", "workstream", "funder", "year"]
    autocomplete_fields = ["funder", "proposed_by", "year"]
    readonly_fields = [*STATE_FIELDS, "created_at", "updated_at"]
    inlines = [
        ParticipantInline,
        ParticipantAddInline,
        PrioritisationScoreInline,
        ProgressUpdateInline,
        OutputInline,
        DataMethodologyInline,
        admin_evaluation.StatusChangeInline,
    ]
    actions = [
        "approve_with_amount",
        "return_for_changes",
        "reject_with_reason",
        admin_evaluation.mark_completed,
        admin_evaluation.cancel_with_reason,
    ]
    form = DpiaGuardedProjectForm  # a data project with its DPIA outstanding stays out of Develop and Deliver

    def get_urls(self):
        quality = path(
            "data-quality/",
            self.admin_site.admin_view(lambda request: admin_evaluation.data_quality_view(self, request)),
            name="projects_data_quality",
        )
        return [quality, *super().get_urls()]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, PrioritisationScoreInline) and obj is not None and obj.pk is not None:
            scored = set(obj.scores.values_list("criterion", flat=True))
            kwargs["initial"] = [{"criterion": c} for c in PrioritisationCriterion.values if c not in scored]
        return kwargs

    def save_formset(self, request, form, formset, change):
        """Scores record who gave them."""
        services.project_rows_save(formset=formset, by=request.user)

    def _decide(self, request, queryset, *, form_class, title, decide, done_text, template="", extra=None, submit=""):
        """An intermediate page: one form, then the service for each selected proposal; errors are shown, nothing half-done."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, refused = 0, []
            for project in queryset:
                try:
                    decide(project, form.cleaned_data)
                    done += 1
                except ValidationError as error:
                    if len(queryset) == 1 and hasattr(error, "error_dict"):
                        # One proposal: the refusal goes beside the field it is about, and the page shows again.
                        for field, texts in error.message_dict.items():
                            form.add_error(field if field in form.fields else None, texts)
                        break
                    refused.append(f"{project}: {' '.join(error.messages)}")
            else:
                for text in refused:
                    self.message_user(request, text, messages.ERROR)
                if done:
                    self.message_user(request, done_text(done), messages.SUCCESS)
                return None
        return action_page(
            self,
            request,
            title=title,
            form=form,
            objects=queryset,
            submit=submit or title,
            lines=[f"{project} — asked £{project.funding_requested or 0}" for project in queryset],
            intro="Proposals:",
            stylesheet="projects/admin-decisions.css",
            template=f"admin/projects/project/{template}" if template else "admin/loti/action_page.html",
            **(extra or {}),
        )

    @admin.action(description="Approve with amount…")
    def approve_with_amount(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Approve one proposal at a time: each has its own amount and limits.", messages.ERROR)
            return None
        project = queryset.select_related("pillar", "year").prefetch_related("scores").get()
        scores = {score.criterion: score for score in project.scores.all()}
        return self._decide(
            request,
            queryset,
            form_class=ApproveForm,
            title=f"Approve “{project}”",
            template="approve.html",
            submit="Approve",
            extra={
                "project": project,
                "scores": [(label, scores.get(value)) for value, label in PrioritisationCriterion.choices],
                "limits": funding_limits(project=project),
            },
            done_text=lambda done: f"Approved “{project}”. The proposers and supporting boroughs are emailed.",
            decide=lambda project, data: services.project_approve(
                project=project, amount=data["amount"], approved_by=request.user, override_reason=data["override_reason"]
            ),
        )

    @admin.action(description="Return for changes…")
    def return_for_changes(self, request, queryset):
        return self._decide(
            request,
            queryset,
            form_class=ReturnForm,
            title="Return for changes",
            done_text=lambda done: f"Returned {done} proposal{pluralize(done)} for changes. The proposers are emailed.",
            decide=lambda project, data: services.project_return_for_changes(project=project, note=data["note"], returned_by=request.user),
        )

    @admin.action(description="Reject with reason…")
    def reject_with_reason(self, request, queryset):
        return self._decide(
            request,
            queryset,
            form_class=RejectForm,
            title="Reject with reason",
            done_text=lambda done: f"Rejected {done} proposal{pluralize(done)}. The proposers are emailed.",
            decide=lambda project, data: services.project_reject(project=project, reason=data["reason"], rejected_by=request.user),
        )


@admin.register(Participant)
class ParticipantAdmin(LongListMixin, SpreadsheetAdminMixin, admin.ModelAdmin):
    import_kind = "participants"
    list_display = ["project", "organisation", "role", "accepted_at"]
    list_filter = ["role", "organisation__kind", "project__status"]
    search_fields = ["project__title", "organisation__name"]
    list_select_related = ["project", "organisation"]
    autocomplete_fields = ["project", "organisation"]
    fields = ["project", "organisation", "role", *PARTICIPATION_STATE]

    def get_readonly_fields(self, request, obj=None):
        # A new row is a staff record of taking part; an existing one keeps its project, organisation and answers.
        return PARTICIPATION_STATE if obj is None else ["project", "organisation", *PARTICIPATION_STATE]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(LongListMixin, admin.ModelAdmin):
    list_display = ["project", "date", "phase", "rag", "author"]
    list_filter = ["rag", "phase"]
    search_fields = ["project__title", "text"]
    list_select_related = ["project", "author"]
    autocomplete_fields = ["project"]


@admin.register(Benefit)
class BenefitAdmin(LongListMixin, SpreadsheetAdminMixin, SimpleHistoryAdmin):
    import_kind = "benefits"
    list_display = ["project", "year", "kind", "confidence", "amount", "hours", "reach", "unit", "organisation"]
    list_filter = ["kind", "confidence", "year", admin_evaluation.BenefitDataQualityFilter]
    search_fields = ["project__title", "description", "organisation__name"]
    list_select_related = ["project", "year", "organisation"]
    autocomplete_fields = ["project", "organisation"]


class SurveyCreateForm(forms.ModelForm):
    """A survey for a financial year written as a label, so staff can open one for a year not yet in the database."""

    year_label = forms.CharField(label="Financial year", max_length=7, help_text="Written 2025/26; created if it does not exist yet")

    class Meta:
        model = Survey
        fields = ["opens_on", "closes_on"]

    def clean_year_label(self):
        label = self.cleaned_data["year_label"].strip()
        try:
            parse_year_label(label)
        except ValueError as error:
            raise ValidationError(str(error)) from error
        if Survey.objects.filter(year__label=label).exists():
            raise ValidationError(f"{label} already has a satisfaction survey: change its dates instead.")
        return label

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # the dict clean() returns, typed as never None
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "The survey closes on or after the day it opens.")
        return cleaned

    def save(self, commit=True):
        self.instance.year = financial_year_get_or_create(label=self.cleaned_data["year_label"])
        return super().save(commit)


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["year", "opens_on", "closes_on", "answers_link", "respondents"]
    list_select_related = ["year"]
    search_fields = ["year__label"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(answer_count=Count("responses"), respondent_count=Count("responses__respondent_email", distinct=True))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SurveyCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["year", "opens_on", "closes_on"] if obj else ["year_label", "opens_on", "closes_on"]

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj else []

    @admin.display(description="Answers", ordering="answer_count")
    def answers_link(self, survey):
        url = reverse("admin:projects_surveyresponse_changelist") + f"?survey__id__exact={survey.pk}"
        return format_html('<a href="{}">{}</a>', url, survey.answer_count)

    @admin.display(description="Officers who answered", ordering="respondent_count")
    def respondents(self, survey):
        return survey.respondent_count


class RatingFilter(admin.SimpleListFilter):
    """The five ratings and "not involved", known in advance: a plain field filter asked the database for the
    distinct ratings of every answer on each page (about 10 ms at 10x)."""

    title = "rating"
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return [(str(value), label) for value, label in RATING_LABELS.items()] + [("none", NOT_INVOLVED)]

    def queryset(self, request, queryset):
        chosen = self.value()
        if chosen == "none":
            return queryset.filter(rating__isnull=True)
        if chosen is not None and chosen in {str(value) for value in RATING_LABELS}:
            return queryset.filter(rating=int(chosen))
        return queryset


@admin.register(SurveyResponse)
class SurveyResponseAdmin(LongListMixin, SpreadsheetAdminMixin, admin.ModelAdmin):
    import_kind = "survey-responses"
    list_display = ["survey", "organisation", "workstream", "rating", "loti_added_value", "respondent_email"]
    # Filter by year, not survey (a survey's name needs its year: a query per survey); newest answers first,
    # from the primary key, instead of the model's five-table ordering that sorted every answer (bench at 10x: 505 ms and 28 queries before, 95 ms and 8 after).
    list_filter = ["survey__year", "workstream", RatingFilter, "loti_added_value"]
    search_fields = ["respondent_email", "organisation__name", "comment"]
    list_select_related = ["survey__year", "organisation", "workstream"]
    ordering = ["-id"]
    autocomplete_fields = ["organisation", "workstream"]


from . import strategy_admin  # noqa: E402,F401  the engagement map

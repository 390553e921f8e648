"""The evaluation side of the projects admin: data-quality lists (each record linked to fix), the status history,
and ending a project (completed or cancelled) through the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from loti.admin_actions import action_page

from . import services
from .evaluation import DATA_QUALITY, data_quality
from .evaluation import data_quality_querysets as quality_querysets
from .models import ProjectStatusChange

PROJECT_PROBLEMS = [key for key in DATA_QUALITY if key != "benefit_no_year"]


class DataQualityFilter(admin.SimpleListFilter):
    """Projects whose records keep an evaluation figure from being right."""

    title = "data quality"
    parameter_name = "quality"

    def lookups(self, request, model_admin):
        return [(key, DATA_QUALITY[key][0]) for key in PROJECT_PROBLEMS]

    def queryset(self, request, queryset):
        if self.value() in PROJECT_PROBLEMS:
            return queryset.filter(pk__in=quality_querysets()[self.value()].values("pk"))
        return queryset


class BenefitDataQualityFilter(admin.SimpleListFilter):
    title = "data quality"
    parameter_name = "quality"

    def lookups(self, request, model_admin):
        return [("benefit_no_year", DATA_QUALITY["benefit_no_year"][0])]

    def queryset(self, request, queryset):
        if self.value() == "benefit_no_year":
            return queryset.filter(year__isnull=True)
        return queryset


class StatusChangeInline(admin.TabularInline):
    """Who changed the status and from which day: written only by the services."""

    model = ProjectStatusChange
    extra = 0
    fields = ["date", "previous_status", "status", "changed_by", "note", "recorded_at"]
    readonly_fields = fields  # type: ignore[assignment]  # plain field names, each one read-only
    can_delete = False
    verbose_name = "status change"
    verbose_name_plural = "status history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CompleteForm(forms.Form):
    on = forms.DateField(
        label="Completed on",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The project is delivered in the financial year that holds this day.",
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)


class CancelForm(forms.Form):
    on = forms.DateField(label="Stopped on", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Reason it stops", widget=forms.Textarea(attrs={"rows": 3}), max_length=300)


def end_projects(model_admin, request, queryset, *, form_class, title: str, end) -> TemplateResponse | None:
    """An intermediate page with one form, then the service for each selected project; refusals are listed."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        done, refused = 0, []
        for project in queryset:
            try:
                end(project, form.cleaned_data)
                done += 1
            except ValidationError as error:
                refused.append(f"{project}: {' '.join(error.messages)}")
        for text in refused:
            model_admin.message_user(request, text, messages.ERROR)
        if done:
            model_admin.message_user(request, f"{title}: {done} project{'s' if done != 1 else ''}.", messages.SUCCESS)
        return None
    return action_page(
        model_admin,
        request,
        title=title,
        form=form,
        objects=queryset,
        submit=title,
        intro="Projects:",
        lines=[
            f"{project} — {project.get_status_display().lower()}"
            + (f", started {project.start_date:%-d %B %Y}" if project.start_date else "")
            for project in queryset
        ],
    )


@admin.action(description="Mark completed…")
def mark_completed(model_admin, request, queryset):
    return end_projects(
        model_admin,
        request,
        queryset,
        form_class=CompleteForm,
        title="Mark completed",
        end=lambda project, data: services.project_complete(project=project, completed_by=request.user, on=data["on"], note=data["note"]),
    )


@admin.action(description="Cancel with reason…")
def cancel_with_reason(model_admin, request, queryset):
    return end_projects(
        model_admin,
        request,
        queryset,
        form_class=CancelForm,
        title="Cancel",
        end=lambda project, data: services.project_cancel(project=project, cancelled_by=request.user, reason=data["reason"], on=data["on"]),
    )


def data_quality_view(model_admin, request) -> TemplateResponse:
    """Every data-quality list with its count, each linking to the filtered list of records to fix."""
    projects = reverse("admin:projects_project_changelist")
    benefits = reverse("admin:projects_benefit_changelist")
    rows = [
        (item, f"{benefits if item.key == 'benefit_no_year' else projects}?quality={item.key}")
        for item in data_quality(today=timezone.localdate())
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Data quality for the Evaluation Report",
        "rows": rows,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/projects/data_quality.html", context)

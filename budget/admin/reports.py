"""Report runs in the admin: request a report (kind and year), watch its progress, download the PDF,
email CELC the link; and the CELC distribution list."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from budget.models import ReportKind, ReportRecipient, ReportRun, ReportRunStatus
from budget.services.reports import report_distribute_again, report_request
from loti.models import FinancialYear
from loti.responses import pdf_response
from loti.text import plural


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label="Report", choices=ReportKind.choices)
    year = forms.ModelChoiceField(
        label="Financial year",
        queryset=FinancialYear.objects.order_by("-start_date"),
        to_field_name="label",
        empty_label=None,
    )
    notes = forms.CharField(
        label="Decisions or notes for CELC",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. The budget report prints them on its first page.",
    )


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["kind", "year", "status", "progress_bar", "requested_by", "requested_at", "data_as_of", "download"]
    list_filter = ["kind", "status", "year"]
    list_select_related = ["year", "requested_by"]
    readonly_fields = [f.name for f in ReportRun._meta.fields] + ["progress_bar", "download"]
    actions = ["email_celc"]
    change_form_template = "admin/budget/reportrun/change_form.html"

    def has_change_permission(self, request, obj=None):
        return False  # runs are produced, not edited

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="Progress")
    def progress_bar(self, run):
        return format_html('<progress max="100" value="{}">{}%</progress> {}%', run.progress, run.progress, run.progress)

    @admin.display(description="PDF")
    def download(self, run):
        if run.status != ReportRunStatus.DONE or not run.pdf:
            return run.message or "–"
        return format_html('<a href="{}">Download PDF</a>', reverse("admin:budget_reportrun_download", args=[run.pk]))

    def get_urls(self):
        return [
            path("<int:pk>/download/", self.admin_site.admin_view(self.download_view), name="budget_reportrun_download"),
        ] + super().get_urls()

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = ReportRun.objects.select_related("year").filter(pk=pk, status=ReportRunStatus.DONE).exclude(pdf="").first()
        if run is None:
            raise Http404("That report is not ready")
        return pdf_response(run.pdf.open("rb"), filename=f"LOTI {run.get_kind_display()} {run.year.label.replace('/', '-')}.pdf")

    def add_view(self, request, form_url="", extra_context=None):
        """'Add' is 'Request a report': the job runs in the background and the run page shows its progress."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ReportRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            run = report_request(
                kind=form.cleaned_data["kind"], year=form.cleaned_data["year"], by=request.user, notes=form.cleaned_data["notes"]
            )
            run.refresh_from_db()
            if run.message:
                self.message_user(request, run.message, messages.WARNING)
            else:
                self.message_user(request, f"{run.get_kind_display()} {run.year} is {run.get_status_display().lower()}.")
            return redirect("admin:budget_reportrun_change", run.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Request a report",
            "form": form,
            "opts": self.model._meta,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/budget/reportrun/request.html", context)

    @admin.action(description="Email the download link to the CELC distribution list")
    def email_celc(self, request, queryset):
        done = queryset.filter(status=ReportRunStatus.DONE).exclude(pdf="")
        queued = report_distribute_again(run_ids=list(done.values_list("pk", flat=True)))
        skipped = queryset.count() - done.count()
        self.message_user(
            request,
            f"The download link for {plural(queued, 'report')} is being emailed to the CELC distribution list."
            + (f" {plural(skipped, 'run was', 'runs were')} not ready and skipped." if skipped else ""),
        )


@admin.register(ReportRecipient)
class ReportRecipientAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "role", "active"]
    list_filter = ["active"]
    search_fields = ["name", "email"]

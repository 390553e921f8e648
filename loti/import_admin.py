"""The admin side of imports: django-import-export's preview and confirm steps on LOTI's resources.

The preview (import-export's dry run) lists every bad row by its line in the file, as import_data does; the
confirm step writes through run_import, so the admin and the command share one all-or-nothing service and
both leave an ImportRecord. Each changelist links to a CSV template for its kind.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats
from import_export.signals import post_import

from .imports import CSVFormat, ImportFileError, XLSXFormat, export_csv, problems_in, resource_for, run_import


class SpreadsheetExportAdminMixin(ExportMixin):
    """Export one registered kind that is never imported (set export_kind), e.g. invoices."""

    export_kind = ""
    export_formats = [CSVFormat, XLSXFormat]  # LOTI's: the library's export with the one formula escaping

    def get_resource_classes(self, request):
        return [resource_for(self.export_kind)]

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class SpreadsheetAdminMixin(SpreadsheetExportAdminMixin, ImportExportMixin):
    """Import and export one registered kind (set import_kind) from the admin."""

    import_kind = ""
    import_formats = [CSVFormat, XLSXFormat]
    import_export_change_list_template = "admin/loti/change_list_spreadsheet.html"
    import_template_name = "admin/loti/import.html"

    def get_resource_classes(self, request):
        return [resource_for(self.import_kind)]

    def has_import_permission(self, request):
        # An import adds and changes rows, so it needs both rights on this model (import-export's default is anyone).
        return self.has_add_permission(request) and self.has_change_permission(request)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import-template/",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
        ] + super().get_urls()

    def import_template_view(self, request):
        """The header row and one example row, as CSV: a file to fill in and import."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        body = export_csv(resource_for(self.import_kind).template_dataset())
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.import_kind}-template.csv"'
        return response

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["import_kind"] = self.import_kind
        context["import_template_url"] = reverse("admin:{}_{}_import_template".format(*self.get_model_info()))
        return context

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", {}).get("result")
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            response.context_data["import_problems"] = problems_in(result, resource_for(self.import_kind)())
        return response

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirm step: write the previewed file through run_import (all rows or none)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return super().process_import(request, **kwargs)
        input_format = self.get_import_formats()[int(confirm_form.cleaned_data["format"])]()
        tmp_storage = self.get_tmp_storage_class()(
            name=confirm_form.cleaned_data["import_file_name"],
            encoding=None,
            read_mode="rb",
            **self.get_tmp_storage_class_kwargs(),
        )
        data = tmp_storage.read()
        tmp_storage.remove()
        if isinstance(data, str):
            data = data.encode("utf-8")
        outcome = run_import(
            kind=self.import_kind,
            data=data,
            filename=confirm_form.cleaned_data["original_file_name"],
            fmt="xlsx" if isinstance(input_format, base_formats.XLSX) else "csv",
            user=request.user,
            via="admin",
            dry_run=False,
        )
        info = self.get_model_info()
        if not outcome.ok:
            messages.error(request, "Nothing was imported: the file changed or the data did. Upload it again.")
            for problem in outcome.problems:
                messages.error(request, str(problem))
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info), current_app=self.admin_site.name))
        messages.success(request, outcome.summary())
        post_import.send(sender=None, model=self.model)
        return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*info), current_app=self.admin_site.name))

from django.apps import apps
from django.contrib import admin

from .models import FinancialYear, ImportRecord, SentEmail


class LongListMixin:
    """Change lists of tables that grow by thousands: 25 rows a page (each row is drawn through the admin's
    templates), and no second count of the whole table beside the filtered one."""

    list_per_page = 25
    show_full_result_count = False


@admin.register(FinancialYear)
class FinancialYearAdmin(admin.ModelAdmin):
    list_display = ["label", "start_date", "end_date"]
    search_fields = ["label"]
    ordering = ["-start_date"]


@admin.register(ImportRecord)
class ImportRecordAdmin(LongListMixin, admin.ModelAdmin):
    list_display = ["imported_at", "kind", "filename", "imported_by", "via", "rows_new", "rows_updated", "rows_unchanged"]
    list_filter = ["kind", "via"]
    search_fields = ["filename", "sha256", "imported_by__email"]
    list_select_related = ["imported_by"]
    date_hierarchy = "imported_at"
    readonly_fields = [f.name for f in ImportRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    """The record that makes notifications safe to run twice: read-only, for answering "was I told?"."""

    list_display = ["sent_at", "recipient", "subject", "key"]
    search_fields = ["recipient", "subject", "key"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Scheduling plumbing (django-celery-beat's tasks, crontabs, intervals) is for superusers only: other staff never see
# it on the admin index and cannot open it, so nobody turns off the overdue reminders by accident.
class SuperuserOnlyAdminMixin:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


def _superusers_only(app_label: str) -> None:
    for model in apps.get_app_config(app_label).get_models():
        if not admin.site.is_registered(model):
            continue
        model_admin = admin.site.get_model_admin(model)
        if isinstance(model_admin, SuperuserOnlyAdminMixin):
            continue
        restricted = type(f"SuperuserOnly{type(model_admin).__name__}", (SuperuserOnlyAdminMixin, type(model_admin)), {})
        admin.site.unregister(model)
        admin.site.register(model, restricted)


_superusers_only("django_celery_beat")

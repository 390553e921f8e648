"""Admin for the engagement map and the Data Projects Methodology answers (projects/admin.py imports this)."""

from django.contrib import admin

from loti.import_admin import SpreadsheetAdminMixin

from .strategy_models import DataMethodology, Engagement


class DataMethodologyInline(admin.StackedInline):
    """On a project's page: its answers to the Data Projects Methodology, for a data project."""

    model = DataMethodology
    extra = 0
    max_num = 1
    fields = ["actions", "insights", "data_needed", "legal_basis", "enablers"]


@admin.register(Engagement)
class EngagementAdmin(SpreadsheetAdminMixin, admin.ModelAdmin):
    import_kind = "engagements"
    list_display = ["stakeholder", "pillar", "mode", "relationship", "source"]
    list_filter = ["pillar", "mode", "relationship"]
    search_fields = ["stakeholder"]
    list_select_related = ["pillar"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from budget.models import BudgetLine
from loti.import_admin import SpreadsheetAdminMixin


@admin.register(BudgetLine)
class BudgetLineAdmin(SpreadsheetAdminMixin, SimpleHistoryAdmin):
    import_kind = "budget-lines"
    list_display = ["name", "year", "section", "amount", "status", "pillar", "actuals_from", "position"]
    list_filter = ["year", "section", "status", "pillar"]
    search_fields = ["name"]
    list_select_related = ["year", "pillar", "funding_agreement"]
    list_editable = ["position"]
    # Every row renders a form (its position and the action tick box): 50 a page keeps the list quick at 10x.
    list_per_page = 50

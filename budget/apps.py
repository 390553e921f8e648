from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = "Budget: fees, invoices, grants and the budget"

    def ready(self):
        from budget.resources import fees, grants  # noqa: F401  (registers the import/export kinds)

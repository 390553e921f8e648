from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = "Budget: fees, invoices, grants and the budget"

    def ready(self):
        from . import resources  # noqa: F401  registers this app's spreadsheet kinds

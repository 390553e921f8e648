from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = "Budget: fees, invoices, grants and the budget"

    def ready(self):
        from projects.funding import register_allocation_reader

        from . import resources  # noqa: F401  registers this app's spreadsheet kinds
        from .schedules import schedules_ensure
        from .selectors.plan import pillar_allocation_total

        register_allocation_reader(pillar_allocation_total)  # approvals weigh an amount against its pillar's allocation
        post_migrate.connect(schedules_ensure, sender=self, dispatch_uid="budget.schedules_ensure")

        from loti.data_versions import watch_models

        from .models import BudgetLine

        watch_models(BudgetLine)  # the published budget

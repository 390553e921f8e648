from django.apps import AppConfig


class LotiConfig(AppConfig):
    name = "loti"
    verbose_name = "LOTI core"

    def ready(self):
        from .data_versions import watch_models
        from .models import FinancialYear

        watch_models(FinancialYear)  # year labels on the public pages and files

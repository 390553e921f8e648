from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Open data: 360Giving, the public API and the open files"

    def ready(self):
        from loti.imports import register_export

        from .grants import export_360giving

        register_export("360giving", export_360giving, formats=("json", "csv"))

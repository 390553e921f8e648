from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects: strategy, projects and evaluation"

    def ready(self):
        from . import resources  # noqa: F401  registers this app's spreadsheet kinds
        from . import strategy_resources  # noqa: F401  engagements

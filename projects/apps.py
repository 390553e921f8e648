from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects: strategy, projects and evaluation"

    def ready(self):
        from loti.data_versions import watch_models

        from . import (
            models,
            resources,  # noqa: F401  registers this app's spreadsheet kinds
            strategy_models,
            strategy_resources,  # noqa: F401  engagements
        )

        # What the public pages, open files and API show: a save or delete of any of these changes them.
        watch_models(
            models.Pillar,
            models.Workstream,
            models.Project,
            models.ProjectStatusChange,
            models.Participant,
            models.ProgressUpdate,
            models.Output,
            models.Benefit,
            strategy_models.DataMethodology,
            strategy_models.Engagement,
        )

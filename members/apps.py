from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members: organisations, memberships and people"

    def ready(self):
        from loti.data_versions import watch_models

        from . import (
            register_resources,  # noqa: F401  systems and maturity
            resources,  # noqa: F401  registers this app's spreadsheet kinds
            signals,  # noqa: F401  logs sign-in and sign-out
        )
        from .models import Membership, Organisation
        from .register_models import ServiceArea, System

        watch_models(Organisation, Membership, ServiceArea, System)  # what the public pages and open files show

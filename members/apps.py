from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members: organisations, memberships and people"

    def ready(self):
        from . import signals  # noqa: F401

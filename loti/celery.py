"""The Celery app, beside the settings. Tasks are found in each app's tasks module."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loti.settings.local")

app = Celery("loti")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

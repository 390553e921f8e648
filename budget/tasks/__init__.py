"""Celery tasks of the budget app, one module per business area (found by autodiscovery through this package)."""

from . import (
    invoices,  # noqa: F401
    reminders,  # noqa: F401
    reports,  # noqa: F401
)

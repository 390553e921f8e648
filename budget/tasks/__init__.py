"""Celery tasks of the budget app, one module per business area (found by autodiscovery through this package)."""
from . import invoices  # noqa: F401,E402
from . import reminders  # noqa: F401,E402
from . import reports  # noqa: F401,E402

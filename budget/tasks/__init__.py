"""Celery tasks of the budget app, one module per business area (found by autodiscovery through this package)."""

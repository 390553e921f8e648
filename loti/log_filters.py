"""Logging filters, loaded with the logging configuration (before the apps: no models here)."""

import logging
from typing import TypeGuard

from django.db import InterfaceError, OperationalError


def is_database_unavailable(error: BaseException | None) -> TypeGuard[OperationalError | InterfaceError]:
    return isinstance(error, (OperationalError, InterfaceError))


class DropDatabaseUnavailableTracebacks(logging.Filter):
    """django.request would log every request that met the database away as an error with a traceback; the
    outage is logged by loti.unavailable instead, once when it starts and once when it ends."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not is_database_unavailable(error)

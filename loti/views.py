"""The one place where portal views narrow what a person may see, and log what they were refused.

A view names a policy scope (a function of the user and a queryset, from members/permissions.py or
projects/permissions.py) and, for changes, a policy predicate. An object outside the scope does not
exist for the person asking (404); an object they may see but not change is refused (403). Both are logged.
"""
import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

from loti.client import client_ip

security_log = logging.getLogger("loti.security")


def log_refused(request, what: str, answer: int) -> None:
    user = getattr(request, "user", None)
    who = user.email if user is not None and user.is_authenticated else "anonymous"
    security_log.warning(
        "refused who=%s what=%s %s answer=%s ip=%s", who, request.method, what, answer, client_ip(request)
    )


class PolicyMixin:
    """Narrow get_queryset by `scope(user, queryset)`; refuse a change unless `allowed(user, obj)`."""

    scope = None  # staticmethod(callable(user, queryset) -> queryset)
    allowed = None  # staticmethod(callable(user, obj) -> bool), for views that change something

    def get_queryset(self):
        return type(self).scope(self.request.user, super().get_queryset())

    def get_object(self, queryset=None):
        try:
            obj = super().get_object(queryset)
        except Http404:
            log_refused(self.request, self.request.get_full_path(), 404)
            raise
        if type(self).allowed is not None and not type(self).allowed(self.request.user, obj):
            log_refused(self.request, self.request.get_full_path(), 403)
            raise PermissionDenied
        return obj

"""The one place where portal views narrow what a person may see, and log what they were refused.

A view names a policy scope (a function of the user and a queryset, from members/permissions.py or
projects/permissions.py) and, for changes, a policy predicate. An object outside the scope does not
exist for the person asking (404); an object they may see but not change is refused (403). Both are logged.
"""

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from loti.client import client_ip

security_log = logging.getLogger("loti.security")


def log_refused(request, what: str, answer: int) -> None:
    user = getattr(request, "user", None)
    who = user.email if user is not None and user.is_authenticated else "anonymous"
    security_log.warning("refused who=%s what=%s %s answer=%s ip=%s", who, request.method, what, answer, client_ip(request))


if TYPE_CHECKING:
    from django.views.generic import View
    from django.views.generic.detail import SingleObjectMixin

    # What the mixin is always mixed into, so that type checking sees `request` and the super() calls.
    class _ObjectView(SingleObjectMixin[Any], View): ...
else:
    _ObjectView = object


class PolicyMixin(_ObjectView):
    """Narrow get_queryset by `scope(user, queryset)`; refuse a change unless `allowed(user, obj)`."""

    scope: Callable[[Any, QuerySet[Any]], QuerySet[Any]]  # staticmethod(callable(user, queryset) -> queryset)
    allowed: Callable[[Any, Any], bool] | None = None  # staticmethod(callable(user, obj) -> bool), for views that change something

    def get_queryset(self) -> QuerySet[Any]:
        return type(self).scope(self.request.user, super().get_queryset())

    def get_object(self, queryset=None):
        try:
            obj = super().get_object(queryset)
        except Http404:
            log_refused(self.request, self.request.get_full_path(), 404)
            raise
        allowed = type(self).allowed
        if allowed is not None and not allowed(self.request.user, obj):
            log_refused(self.request, self.request.get_full_path(), 403)
            raise PermissionDenied
        return obj

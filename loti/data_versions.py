"""The version of the data behind the public pages, open files and API: changed after every commit that changes it.

Public responses are cached under the current version (loti/public_cache.py), so a change is seen on the very next
request, with no timer. The version lives in the shared cache (Redis in production) so every worker sees the same one.
Writers bump it: each app watches the saves and deletes of its public models (its AppConfig.ready), and code that
writes in bulk (imports, the reference data, queryset updates in services) calls `data_version_bump` itself.
"""

import datetime
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

VERSION_KEY = "loti:public-data-version"


def _new_version() -> dict:
    return {"token": uuid.uuid4().hex[:16], "at": timezone.now().replace(microsecond=0)}


def data_version() -> dict:
    """{'token': ..., 'at': when the data last changed}; made on first use (or after the cache was emptied)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _new_version()
        # add, not set: two workers starting together agree on one version.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def data_version_token() -> str:
    return data_version()["token"]


def data_changed_at() -> datetime.datetime:
    return data_version()["at"]


def _bump() -> None:
    cache.set(VERSION_KEY, _new_version(), timeout=None)


def data_version_bump() -> None:
    """Now, and again once the current transaction commits (at once outside one).

    After the commit, so a reader that cached the old data while the transaction ran is not believed; now as well,
    so the writer's own next request (still inside its transaction, as in a test) sees its change.
    """
    _bump()
    transaction.on_commit(_bump, robust=True)


def _on_change(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: fixtures, not the running portal
        return
    data_version_bump()


def watch_models(*models) -> None:
    """Bump the version whenever one of these models is saved or deleted (the admin, services, forms)."""
    for model in models:
        uid = f"data-version:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_on_change, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}")

"""The registry of import/export kinds (organisations, memberships, fee-schedules, ...).

Each app registers its django-import-export resources here from its AppConfig.ready(), so the
import_data/export_data commands and the admin share one list without the core importing the apps.
"""
from collections.abc import Callable

_REGISTRY: dict[str, type] = {}


def register(kind: str) -> Callable[[type], type]:
    def decorator(resource_class: type) -> type:
        if kind in _REGISTRY and _REGISTRY[kind] is not resource_class:
            raise ValueError(f"Import kind {kind!r} is registered twice")
        _REGISTRY[kind] = resource_class
        return resource_class

    return decorator


def resource_for(kind: str) -> type:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise KeyError(f"Unknown kind {kind!r}; choose one of: {', '.join(sorted(_REGISTRY))}") from None


def kinds() -> list[str]:
    return sorted(_REGISTRY)

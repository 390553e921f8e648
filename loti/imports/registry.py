"""The kinds of spreadsheet LOTI imports and exports. Each app registers its resources from its AppConfig.ready()
(by importing its `resources` module), so the commands and the admin share one list without the core importing
the apps."""
from collections.abc import Callable

_REGISTRY: dict[str, type] = {}


def register(kind: str) -> Callable[[type], type]:
    def decorator(resource_class: type) -> type:
        if kind in _REGISTRY and _REGISTRY[kind] is not resource_class:
            raise ValueError(f"Import kind {kind!r} is registered twice")
        _REGISTRY[kind] = resource_class
        resource_class.kind = kind
        return resource_class

    return decorator


def resource_for(kind: str) -> type:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise KeyError(f"Unknown kind {kind!r}; choose one of: {', '.join(sorted(_REGISTRY))}") from None


def kinds() -> list[str]:
    return sorted(_REGISTRY)


def importable_kinds() -> list[str]:
    return sorted(kind for kind, resource in _REGISTRY.items() if getattr(resource, "importable", True))

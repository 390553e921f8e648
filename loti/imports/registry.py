"""The kinds of spreadsheet LOTI imports and exports. Each app registers its resources from its AppConfig.ready()
(by importing its `resources` module), so the commands and the admin share one list without the core importing
the apps."""

from collections.abc import Callable
from typing import Any

# Resource classes: import-export ships no types, so their own methods are Any to mypy.
_REGISTRY: dict[str, type[Any]] = {}


def register(kind: str) -> Callable[[type[Any]], type[Any]]:
    def decorator(resource_class: type[Any]) -> type[Any]:
        if kind in _REGISTRY and _REGISTRY[kind] is not resource_class:
            raise ValueError(f"Import kind {kind!r} is registered twice")
        _REGISTRY[kind] = resource_class
        resource_class.kind = kind
        return resource_class

    return decorator


def resource_for(kind: str) -> type[Any]:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise KeyError(f"Unknown kind {kind!r}; choose one of: {', '.join(sorted(_REGISTRY))}") from None


def kinds() -> list[str]:
    return sorted(set(_REGISTRY) | set(_EXPORTS))


# Exports that are not an import's columns (the 360Giving file): a writer per kind, registered by the app that owns it.
_EXPORTS: dict[str, tuple[Callable, tuple[str, ...]]] = {}


def register_export(kind: str, write: Callable, *, formats: tuple[str, ...] = ("csv",)) -> None:
    """`write(year=FinancialYear | None, fmt=str) -> (text, notes)`; it raises ValueError to refuse, saying why."""
    _EXPORTS[kind] = (write, formats)


def export_writer(kind: str) -> tuple[Callable, tuple[str, ...]] | None:
    return _EXPORTS.get(kind)


def importable_kinds() -> list[str]:
    return sorted(kind for kind, resource in _REGISTRY.items() if getattr(resource, "importable", True))

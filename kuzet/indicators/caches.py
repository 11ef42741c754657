"""Every cache of the indicator engine, found in one place, and one call to clear them.

The engine caches its answers per value (a host's registrable domain, a digit run's
segmentation, a candidate's validation…) with ``functools.lru_cache`` and ``functools.cache``,
and builds a few tables once (the public-suffix list, the brand index, character classes) with
``functools.cache`` on functions that take no arguments. ``clear_caches()`` empties the
per-value caches, so that the next texts are processed as a fresh process would process values
it has never seen; ``tables=True`` also drops the tables, which are then rebuilt on first use.

The caches are found by looking at the engine's modules, not listed by hand, so a cache added
later is cleared too (``tests/test_caches.py`` checks every decorated function is found). This
module is not compiled: it only looks up the (plain or compiled) modules' attributes.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["MODULES", "Cache", "all_caches", "clear_caches", "is_table"]

# The engine's modules that may hold caches (tests check every module of the package is here).
MODULES = (
    "candidates",
    "checksums",
    "domains",
    "extract",
    "identifiers",
    "lookalike",
    "masking",
    "model",
    "network",
    "normalise",
    "number_runs",
    "parse",
    "patterns",
    "scanner",
)


class Cache(Protocol):
    """What ``functools.lru_cache`` and ``functools.cache`` wrappers offer."""

    def cache_clear(self) -> None: ...

    def cache_info(self) -> Any: ...

    def __call__(self, *arguments: Any) -> Any: ...


def _is_cache(value: object) -> bool:
    return callable(getattr(value, "cache_clear", None)) and callable(
        getattr(value, "cache_info", None)
    )


def all_caches() -> dict[str, Cache]:
    """Every cache of the engine by ``module.name`` (a cache imported into a second module is
    listed once, under the first module that holds it)."""
    found: dict[str, Cache] = {}
    seen: set[int] = set()
    for module_name in MODULES:
        module = importlib.import_module(f"kuzet.indicators.{module_name}")
        for name, value in sorted(vars(module).items()):
            if _is_cache(value) and id(value) not in seen:
                seen.add(id(value))
                found[f"{module_name}.{name}"] = value
    return found


def is_table(cache: Cache) -> bool:
    """Whether a cache holds a table built once (its function takes no arguments)."""
    wrapped: Callable[..., Any] | None = getattr(cache, "__wrapped__", None)
    if wrapped is None:
        return False
    try:
        return not inspect.signature(wrapped).parameters
    except (TypeError, ValueError):
        # A compiled closure without a signature: the factories that make them take a value.
        return False


def clear_caches(*, tables: bool = False) -> None:
    """Empty every per-value cache of the engine (and the built tables with ``tables=True``)."""
    for cache in all_caches().values():
        if tables or not is_table(cache):
            cache.cache_clear()

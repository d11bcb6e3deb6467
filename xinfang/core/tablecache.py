"""In-process caches of read-mostly tables (divisions, offices, periods, templates, categories).

Each cache has a version that every save and delete of its models bumps (signals), so an edit in
the admin shows at once in this process; other processes pick it up within TTL_SECONDS. Rows
loaded inside a transaction that has itself just edited a cached table are not kept: a rollback
sends no signal, so they could outlive it. Values are shared between requests: treat them as
read-only. `reset()` empties every cache (tests, whose transactions roll back unseen).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

TTL_SECONDS = 30
MAX_KEYS = 20_000  # per cache: a busy province's villages fit; beyond it the cache starts over

_MISSING = object()
_registry: dict[str, Cache] = {}


class Cache:
    def __init__(self, name: str, models: tuple, ttl: float | None = None) -> None:
        self.name = name
        self.models = models
        self.ttl = TTL_SECONDS if ttl is None else ttl
        self.version = 0
        self._values: dict[Hashable, tuple[int, float, Any]] = {}
        # Threads whose open transaction edited one of the models (see the module's note).
        self._dirty_threads: set[int] = set()
        for model in models:
            uid = f"tablecache-{name}-{model._meta.label}"
            post_save.connect(self._changed, sender=model, dispatch_uid=uid + "-save", weak=False)
            post_delete.connect(self._changed, sender=model, dispatch_uid=uid + "-del", weak=False)

    def _changed(self, *, using: str | None = None, **_kwargs) -> None:
        self.invalidate()
        if transaction.get_connection(using).in_atomic_block:
            ident = threading.get_ident()
            self._dirty_threads.add(ident)
            transaction.on_commit(lambda: self._committed(ident), using=using)

    def _committed(self, ident: int) -> None:
        self._dirty_threads.discard(ident)
        self.invalidate()

    def invalidate(self) -> None:
        self.version += 1
        self._values = {}

    def _cacheable(self) -> bool:
        ident = threading.get_ident()
        if ident not in self._dirty_threads:
            return True
        if transaction.get_connection().in_atomic_block:
            return False
        self._dirty_threads.discard(ident)  # that transaction has ended, one way or the other
        return True

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        entry = self._values.get(key, _MISSING)
        moment = time.monotonic()
        if entry is not _MISSING and entry[0] == self.version and moment - entry[1] < self.ttl:
            return entry[2]
        version = self.version
        value = load()
        if self._cacheable() and version == self.version:
            if len(self._values) >= MAX_KEYS:
                self._values = {}
            self._values[key] = (version, moment, value)
        return value


def cache(name: str, *models, ttl: float | None = None) -> Cache:
    """The cache called `name`, invalidated by saves and deletes of `models`."""
    existing = _registry.get(name)
    if existing is None:
        existing = _registry[name] = Cache(name, tuple(models), ttl)
    return existing


def cached(name: str, *models) -> Callable:
    """Decorator: memoise a function of hashable arguments in the cache `name`."""

    def wrap(fn: Callable) -> Callable:
        store = cache(name, *models)

        def inner(*args):
            return store.get(args, lambda: fn(*args))

        inner.__wrapped__ = fn
        inner.__name__ = fn.__name__
        inner.__doc__ = fn.__doc__
        inner.cache = store
        return inner

    return wrap


def version(*names: str) -> str:
    """A tag that changes whenever one of these caches is invalidated (for derived fragments)."""
    return "-".join(str(_registry[n].version) if n in _registry else "0" for n in names)


def reset() -> None:
    for c in _registry.values():
        c.invalidate()
        c._dirty_threads.clear()

"""A small publish/subscribe registry so lower apps can reach higher ones without importing them.

In-transaction subscribers run inside the service's transaction (outbox rows, notice records) and
roll back with it; after-commit subscribers run once the transaction has committed and get only
the event id, so a worker can reload it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

_in_transaction: list[Callable[[Any], None]] = []
_after_commit: list[Callable[[int], None]] = []


def subscribe(handler: Callable[[Any], None], *, after_commit: bool = False) -> None:
    target = _after_commit if after_commit else _in_transaction
    if handler not in target:
        target.append(handler)


def unsubscribe(handler: Callable) -> None:
    for target in (_in_transaction, _after_commit):
        if handler in target:
            target.remove(handler)


def publish(event: Any) -> None:
    for handler in list(_in_transaction):
        handler(event)
    event_id = event.pk
    for handler in list(_after_commit):
        transaction.on_commit(lambda h=handler: h(event_id), robust=True)

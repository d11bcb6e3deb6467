"""How notify hears about case moves (core/events.py): write in the move, send after commit."""

from __future__ import annotations

import logging

from . import selectors, services

logger = logging.getLogger("xinfang.notify")


def write_outbox(event) -> None:
    """In the move's transaction: the messages commit or roll back with it."""
    services.queue_for_event(event)


def enqueue_delivery(event_id: int) -> None:
    """After commit: hand the new rows to the queue. If this fails the worker's sweep sends them."""
    ids = selectors.pending_ids_for_event(event_id)
    if not ids:
        return
    from .tasks import deliver_outbox

    try:
        deliver_outbox.enqueue(ids)
    except Exception:
        logger.exception("could not enqueue delivery of outbox rows %s", ids)

"""A small publish/subscribe registry so lower apps can reach higher ones without importing them.

In-transaction subscribers run inside the service's transaction (outbox rows, notice records) and
roll back with it; after-commit subscribers run once the transaction has committed and get only
the event id, so a worker can reload it.

After-commit work is handed to the queue as ONE task per published event (`core.tasks.after_commit`
runs every after-commit subscriber for it). With the database task backend the task row is written
inside the move's own transaction, so it commits with the case or not at all and costs no commit of
its own; with any other backend it is enqueued once the transaction has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

_in_transaction: list[Callable[[Any], None]] = []
_after_commit: list[Callable[[int], None]] = []

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def subscribe(handler: Callable[[Any], None], *, after_commit: bool = False) -> None:
    target = _after_commit if after_commit else _in_transaction
    if handler not in target:
        target.append(handler)


def unsubscribe(handler: Callable) -> None:
    for target in (_in_transaction, _after_commit):
        if handler in target:
            target.remove(handler)


def publish(event: Any, *, queued: bool = False) -> None:
    """Run the in-transaction subscribers, then queue the after-commit ones; `queued`: the
    latter's task row is already written, or given to the caller to write (task_row_ahead)."""
    for handler in list(_in_transaction):
        handler(event)
    if _after_commit and not queued:
        _queue_after_commit([event.pk])


def task_row_ahead(event: Any):
    """The event's after-commit task row, unsaved, for the caller to write in a statement of
    its own transaction, when it is a row of that transaction (the database backend): the
    registration writes it with its number, in the statement that takes the day's counter.
    None, and nothing done, otherwise (publish queues as usual)."""
    if not (_after_commit and _task_row_is_the_transaction_s()):
        return None
    from .tasks import after_commit

    return _task_row(after_commit, [[event.pk]])


def run_after_commit(event_ids: list[int]) -> None:
    """Every after-commit subscriber for each event (in the worker, or right after commit)."""
    import logging

    logger = logging.getLogger("xinfang.events")
    for event_id in event_ids:
        for handler in list(_after_commit):
            try:
                handler(event_id)
            except Exception:
                # One consumer's failure must not keep the others from hearing of the event.
                logger.exception("after-commit subscriber %r failed on event %s", handler, event_id)


def _in_transaction_backend() -> bool:
    from django.conf import settings

    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend in (DATABASE_BACKEND, "django_tasks_db.backend.DatabaseBackend")


def task_row_in_transaction() -> bool:
    """Whether a task enqueued inside a transaction is a row of that transaction."""
    return _in_transaction_backend()


def _task_row_is_the_transaction_s() -> bool:
    """Whether a task queued now is a row of the open transaction (the database backend)."""
    return transaction.get_connection().in_atomic_block and _in_transaction_backend()


def _queue_after_commit(event_ids: list[int]) -> None:
    from .tasks import after_commit

    if _task_row_is_the_transaction_s():
        # The task row commits with the move: no extra commit, and no task without its event.
        _write_task_row(after_commit, [event_ids])
        return
    transaction.on_commit(lambda: after_commit.enqueue(event_ids), robust=True)


def _write_task_row(task, args: list) -> None:
    from . import rows

    rows.insert([_task_row(task, args)])


def _task_row(task, args: list):
    """The row the database backend's `enqueue` writes for `task(*args)`, unsaved, to be
    inserted by a statement built once (core/rows.py): the backend's own way saves it through
    the ORM, builds a result object and sends a signal only its debug log listens to (0.13-0.22
    ms of CPU more a move). tests/core/test_task_row.py holds it equal to the backend's row, and
    run by its worker."""
    from django_tasks_db.compat import normalize_json
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = task.get_backend()
    if task.module_path not in _validated:
        backend.validate_task(task)
        _validated.add(task.module_path)
    return DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": args, "kwargs": {}}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        # The backend's pre_save signal turns "no time set" into its far-future marker.
        run_after=task.run_after or get_date_max(),
        backend_name=backend.alias,
    )


_validated: set = set()

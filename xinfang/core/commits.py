"""Commits that let go of their locks before the write-ahead log is on disk, and are answered
only once it is.

A registration holds its county's day counter from taking its number to its commit. A normal
PostgreSQL commit waits for the log flush with the row still locked, so every registration of a
county waited one flush (1-2 ms on a virtual disk) for the one before it, and none could share
a flush. With `synchronous_commit` off for that one transaction the lock goes at commit;
`wait_for_flush` then commits a transaction of its own that writes one log record, and so
returns only when the log up to it, the registration's commit included, is on disk. The
citizen's answer goes out after that, so nothing answered can be lost. The log is replayed in
order: a crash before the flush loses the registration together with every later transaction
that took the next number, never one without the other (no gap, no duplicate).

SQLite keeps one writer at a time and commits in order; nothing changes there.
"""

from __future__ import annotations

from django.db import connection

from . import prepared

# A select list item for a statement of the transaction (registration's number statement takes
# it, so it costs no round trip of its own).
DEFER_FLUSH_SQL = "SELECT set_config('synchronous_commit', 'off', true)"
_FLUSH_SQL = "SELECT pg_logical_emit_message(true, 'xinfang', 'flush')"


def may_defer_flush(*, durable: bool) -> bool:
    """Whether a transaction about to open may commit before its flush: it is the outermost
    (it commits for real, and `wait_for_flush` follows it) on PostgreSQL, and nothing it
    does after commit would act on it before the flush (its task rows are rows of it)."""
    from .events import task_row_in_transaction

    return (
        durable
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and task_row_in_transaction()
    )


def keep_flush_if_hooked() -> None:
    """Inside the transaction, last: with after-commit callbacks registered after all, commit
    as usual (they would run before `wait_for_flush`)."""
    if connection.run_on_commit:
        with connection.cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit TO on")


def wait_for_flush() -> None:
    """Return once every commit so far is on disk. Outside any transaction (autocommit): the
    statement's own commit is synchronous and comes after the transaction it waits for."""
    assert not connection.in_atomic_block, "wait_for_flush runs after the commit"
    with prepared.cursor() as cur:
        cur.execute(_FLUSH_SQL)

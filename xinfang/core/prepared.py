"""A cursor for the statements a hot path runs again and again, parsed and planned once.

Django's PostgreSQL cursors bind parameters on the client: every statement travels as new text,
which PostgreSQL parses, analyses and plans again, and the client spends as long quoting each
value into it. A submission runs about ten statements of fixed shape (the registration's
inserts, its counters, the idempotency look-up, the outbox row), so on PostgreSQL these go
through `cursor()`: the parameters travel apart from the text and each statement is prepared
once per connection (psycopg keeps the last 100 and names them itself). That halved the
database's CPU per submission (bench/http_submit.py).

Only statements whose text is fixed for a given shape and whose plan does not depend on the
values belong here: inserts, upserts and look-ups by key. A list's query keeps the ordinary
cursor, so PostgreSQL plans it for its values every time. Other engines get their usual cursor.

A connection pooler in transaction mode (pgbouncer before 1.21) would lose prepared statements
between transactions; docs/deployment.md connects the application to PostgreSQL directly.
"""

from __future__ import annotations

import weakref
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections

# psycopg prepares any statement run this often on a server-binding cursor; this one prepares
# what it is asked to, not by count.
NEVER_BY_COUNT = 2**62


@cache
def _postgresql():
    """(the prepared cursor class, the time zone check) for PostgreSQL, built once."""
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

        def _send_query_prepared(self, name, pgq, *, binary=None):
            # psycopg keeps the query it sent only when it sent the text; Django's query log
            # (DEBUG, tests capturing queries) reads it here. It shows $1, $2 for the values.
            super()._send_query_prepared(name, pgq, binary=binary)
            self._query = pgq

    # Per psycopg connection: whether its timestamp loader is in Django's time zone.
    in_zone: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def in_time_zone(db, cur) -> None:
        # As Django's own cursors: timestamps read in the connection's time zone.
        raw = cur.connection
        if raw not in in_zone:
            loader = raw.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
            in_zone[raw] = db.timezone == loader.timezone
        if not in_zone[raw]:
            register_tzloader(db.timezone, cur)

    return PreparedCursor, in_time_zone


def cursor():
    """A cursor of the default connection, as `connection.cursor()` gives, whose statements are
    prepared on PostgreSQL. Execute wrappers and query logging see them as usual."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    cursor_class, in_time_zone = _postgresql()
    db = connections[DEFAULT_DB_ALIAS]  # one look-up, not one per attribute through the proxy
    # What connection.cursor() does (health check, connection, wrapping), with this class.
    db.close_if_health_check_failed()
    db.ensure_connection()
    raw = db.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's preparing off (None), which also refuses prepare=True. Its
        # client-binding cursors never prepare, so a threshold changes nothing for them.
        raw.prepare_threshold = NEVER_BY_COUNT
    with db.wrap_database_errors:
        cur = cursor_class(raw)
    in_time_zone(db, cur)
    db.validate_thread_sharing()
    return db.make_debug_cursor(cur) if db.queries_logged else db.make_cursor(cur)

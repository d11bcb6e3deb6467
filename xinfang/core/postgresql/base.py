"""Django's PostgreSQL backend, with a health check that costs no round trip while the server
has said nothing.

With CONN_HEALTH_CHECKS on, Django asks a kept connection `SELECT 1` before its first statement
of every request, so that one the server has dropped (a restart, a terminated backend) is
replaced instead of failing the request. A server that drops a connection says so on it (an
error message, then the end of the stream), so an idle connection with nothing to read is one
the server still holds: it is taken as usable at once. When something is waiting to be read,
or the connection is not idle, Django's own check runs. A connection lost without a word (a
cable cut) fails its next statement as before and is replaced after that request.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        raw = self.connection
        if raw is not None and _quiet(raw):
            return True
        return super().is_usable()


def _quiet(raw) -> bool:
    """The connection is open, idle, and the server has sent nothing since its last answer."""
    pgconn = raw.pgconn
    if pgconn.status != pq.ConnStatus.OK or pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return False
    try:
        readable, _, _ = select.select([pgconn.socket], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable

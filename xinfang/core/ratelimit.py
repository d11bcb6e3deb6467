"""Fixed-window rate limits counted in the database, so every web process shares them.

No CAPTCHA service: floods are stopped per IP and per phone number (or any key) instead.

A submission's hits are counted in the statement that takes its number (count_clause), and the
one over a limit rolls back whole. A process remembers the keys it found over their limits
(`known_over`), for the rest of the window but at most REMEMBERED_SECONDS: the next hits on them
are refused before any work and without a statement. So a flood costs each process one
refused registration per key and ten minutes, and a citizen's submission no read of its own.
The count stays the database's: what a process remembers only ever refuses what the count
would refuse (a count falls only when a transaction that counted rolls back, and then it is
forgotten within ten minutes).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import NoReturn

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from . import prepared
from .errors import ApplicationError
from .timeutil import now


class RateLimited(ApplicationError):
    code = "rate_limited"
    http_status = 429


KEY_LENGTH = 150  # a counter's key is kept to this many characters (RateBucket.key)


def _stored(key: str) -> str:
    return key[:KEY_LENGTH]


REMEMBERED_SECONDS = 600
_REMEMBERED_KEYS = 100_000  # beyond it the memory starts over (each key is learnt again)
# Key -> monotonic time until which this process refuses it (a key found over its limit).
_over: dict[str, float] = {}


def _remember_over(key: str, per_seconds: int) -> None:
    window_end = _window(per_seconds).timestamp() + per_seconds
    left = min(window_end - now().timestamp(), REMEMBERED_SECONDS)
    if left > 0:
        if len(_over) >= _REMEMBERED_KEYS:
            _over.clear()
        _over[_stored(key)] = time.monotonic() + left


def _said(message: str) -> str:
    return message or _("Too many attempts; try again later")


def _refuse(key: str, per_seconds: int, message: str) -> NoReturn:
    """Raise RateLimited for a hit found over its limit, remembering its key (known_over)."""
    _remember_over(key, per_seconds)
    raise RateLimited(_said(message))


def known_over(hits: list[tuple[str, int, int, str]]) -> str | None:
    """The message of the first (key, limit, per_seconds, message) this process found over its
    limit and still remembers; None otherwise. Reads nothing."""
    if not _over:
        return None
    moment = time.monotonic()
    for key, _limit, _per_seconds, message in hits:
        until = _over.get(_stored(key))
        if until is not None:
            if moment < until:
                return _said(message)
            _over.pop(_stored(key), None)
    return None


def forget() -> None:
    """Forget every key remembered over its limit (tests; a count reset by hand)."""
    _over.clear()


def client_ip(request) -> str:
    """The client's address: behind a proxy that overwrites X-Forwarded-For (and only when told
    so), the address it appended; else the connection's."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.XINFANG.get("TRUST_X_FORWARDED_FOR"):
        # The last entry is the one our own proxy appended; earlier ones are the client's word.
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def _window(seconds: int) -> dt.datetime:
    moment = now()
    epoch = int(moment.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def hit(key: str, *, limit: int, per_seconds: int, message: str = "") -> int:
    """Count one hit; raise RateLimited once `limit` hits fall in the current window.

    One statement, in the caller's transaction when there is one (so a refused or rolled-back
    submission counts nothing, at no commit of its own); it locks the counter's row to the end
    of that transaction, so callers count last (citizen.submit)."""
    start = _window(per_seconds)
    with prepared.cursor() as cur:
        cur.execute(
            "INSERT INTO core_ratebucket (key, window_start, count) VALUES (%s, %s, 1) "
            "ON CONFLICT (key, window_start) DO UPDATE SET count = core_ratebucket.count + 1 "
            "RETURNING count",
            # Adapted as the ORM would, so `peek` finds the same row on every engine.
            [_stored(key), connection.ops.adapt_datetimefield_value(start)],
        )
        count = cur.fetchone()[0]
    if count > limit:
        _refuse(key, per_seconds, message)
    return count


def hit_all(hits: list[tuple[str, int, int, str]]) -> None:
    """Count one hit on each (key, limit, per_seconds, message) in one statement, as `hit` does
    for one key; raise RateLimited with the message of the first key over its limit. The rows
    are locked in the order of their keys, whoever the caller, so two callers never wait on
    each other in a circle."""
    if not hits:
        return
    clause = count_clause(hits)
    if clause is None:  # one key twice: a statement may touch a row once
        for key, limit, per_seconds, message in hits:
            hit(key, limit=limit, per_seconds=per_seconds, message=message)
        return
    sql, params = clause
    with prepared.cursor() as cur:
        cur.execute(sql, params)
        refuse_over(hits, cur.fetchall())


def count_clause(hits: list[tuple[str, int, int, str]]) -> tuple[str, list] | None:
    """(SQL, parameters) of the statement `hit_all` runs for `hits` (at least one), returning
    (key, count) rows, for a caller that runs it as a WITH clause of a statement of its own (the
    registration's number). None when a key comes twice."""
    windows = {_stored(key): per_seconds for key, _limit, per_seconds, _message in hits}
    if len(windows) < len(hits):
        return None
    params: list = []
    for key in sorted(windows):
        params += [key, connection.ops.adapt_datetimefield_value(_window(windows[key]))]
    sql = (
        "INSERT INTO core_ratebucket (key, window_start, count) VALUES "
        + ", ".join(["(%s, %s, 1)"] * len(windows))
        + " ON CONFLICT (key, window_start) DO UPDATE SET count = core_ratebucket.count + 1 "
        "RETURNING key, count"
    )
    return sql, params


def refuse_over(hits: list[tuple[str, int, int, str]], counted) -> None:
    """Raise RateLimited with the message of the first hit whose key's count, among the
    (key, count) rows `counted`, is over its limit; that key is remembered (known_over)."""
    counts = dict(counted)
    for key, limit, per_seconds, message in hits:
        if counts[_stored(key)] > limit:
            _refuse(key, per_seconds, message)


def peek(key: str, *, per_seconds: int) -> int:
    from .models import RateBucket

    row = RateBucket.objects.filter(key=_stored(key), window_start=_window(per_seconds)).first()
    return row.count if row else 0


def check(key: str, *, limit: int, per_seconds: int, message: str = "") -> None:
    """Refuse without counting (e.g. before checking a password whose failures are counted)."""
    if peek(key, per_seconds=per_seconds) >= limit:
        raise RateLimited(_said(message))


def prune(older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    from .models import RateBucket

    return RateBucket.objects.filter(window_start__lt=now() - older_than).delete()[0]

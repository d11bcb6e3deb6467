"""Lockout with back-off for sign-in, per account and per address.

After `ACCOUNT_FAILURES` consecutive failures an account is locked for `LOCK_SECONDS`; every
further failure (once the lock has passed) doubles the lock, up to `LOCK_MAX_SECONDS`. An address
is treated alike with the higher `IP_FAILURES` (an office behind one NAT shares it). While locked,
sign-in is refused before the password is looked at, so a right guess teaches nothing. A success
clears the account's count (not the address's); counts are forgotten after `FORGET_SECONDS`
without a failure.

Counters are rows in the database, shared by every web process as core.ratelimit's are. A
dedicated table rather than ratelimit's fixed windows: a back-off needs the consecutive count and
the lock's end, which a window counter does not keep.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from xinfang.core.timeutil import now

from .models import SignInThrottle


@dataclass(frozen=True)
class Lock:
    key: str
    seconds: int


def _policy() -> dict:
    return settings.SIGNIN


def account_key(username: str) -> str:
    return "user:" + (username or "").strip().lower()[:150]


def ip_key(ip: str) -> str:
    return "ip:" + (ip or "unknown")[:60]


def _limit(key: str) -> int:
    p = _policy()
    return p["IP_FAILURES"] if key.startswith("ip:") else p["ACCOUNT_FAILURES"]


def lock_seconds(failures: int, limit: int) -> int:
    """How long `failures` consecutive failures lock for (0 below the limit)."""
    if failures < limit:
        return 0
    p = _policy()
    return min(p["LOCK_SECONDS"] * 2 ** min(failures - limit, 30), p["LOCK_MAX_SECONDS"])


def locked(keys: list[str]) -> Lock | None:
    """The longest lock now in force on any of these keys, or None."""
    moment = now()
    rows = SignInThrottle.objects.filter(key__in=keys, locked_until__gt=moment)
    longest = max(rows, key=lambda r: r.locked_until, default=None)
    if longest is None:
        return None
    remaining = math.ceil((longest.locked_until - moment).total_seconds())
    return Lock(longest.key, max(remaining, 1))


def _row_for_update(key: str) -> SignInThrottle:
    try:
        with transaction.atomic():
            SignInThrottle.objects.get_or_create(key=key)
    except IntegrityError:  # created meanwhile by a concurrent failure
        pass
    return SignInThrottle.objects.select_for_update().get(key=key)


def fail(keys: list[str]) -> list[Lock]:
    """Count one failure on each key; the locks this failure started."""
    moment = now()
    forget = dt.timedelta(seconds=_policy()["FORGET_SECONDS"])
    started = []
    with transaction.atomic():
        for key in keys:
            row = _row_for_update(key)
            if row.last_failure_at and moment - row.last_failure_at > forget:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = moment
            seconds = lock_seconds(row.failures, _limit(key))
            if seconds:
                row.locked_until = moment + dt.timedelta(seconds=seconds)
                started.append(Lock(key, seconds))
            row.save(update_fields=["failures", "last_failure_at", "locked_until"])
    return started


def succeed(username: str) -> None:
    SignInThrottle.objects.filter(key=account_key(username)).delete()


def unlock(keys: list[str]) -> int:
    """Lift locks and counts (the admin's action for a locked-out colleague)."""
    return SignInThrottle.objects.filter(key__in=keys).delete()[0]

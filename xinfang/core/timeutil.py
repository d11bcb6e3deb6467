"""The current time, with an override for importing historical records (e.g. legacy cases)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading

from django.utils import timezone

_local = threading.local()


def now() -> dt.datetime:
    return getattr(_local, "at", None) or timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def as_of(moment: dt.datetime):
    """Run the block as if it were `moment`: records keep their true historical dates."""
    previous = getattr(_local, "at", None)
    _local.at = moment
    try:
        yield
    finally:
        _local.at = previous

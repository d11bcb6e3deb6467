from __future__ import annotations

import threading
import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .calendar import WorkCalendar
from .models import Holiday

# Other processes see an edited holiday table within this many seconds.
CALENDAR_TTL_SECONDS = 60

_cache = threading.local()


class _State:
    generation = 0
    # A holiday edit inside a transaction not yet committed: a calendar built now may hold rows
    # that a rollback removes (Django sends no signal then), so nothing is cached until a commit.
    uncommitted = False


def _committed() -> None:
    _State.uncommitted = False
    _State.generation += 1


def refresh_calendar(*, using: str | None = None, **_kwargs) -> None:
    """Drop cached calendars; connected to every save and delete of a Holiday row."""
    _State.generation += 1
    if transaction.get_connection(using).in_atomic_block:
        _State.uncommitted = True
        transaction.on_commit(_committed, using=using)


post_save.connect(refresh_calendar, sender=Holiday, dispatch_uid="holiday-save")
post_delete.connect(refresh_calendar, sender=Holiday, dispatch_uid="holiday-delete")


def forget_cached_calendars() -> None:
    """Rebuild on next use: for a rollback after a simulated commit (e.g. test data)."""
    _State.generation += 1
    _State.uncommitted = False


def _load() -> WorkCalendar:
    return WorkCalendar(dict(Holiday.objects.values_list("date", "is_workday")))


def work_calendar() -> WorkCalendar:
    """The deployment's calendar: chinese-calendar plus the holiday table."""
    if _State.uncommitted:
        return _load()
    cached = getattr(_cache, "value", None)
    now = time.monotonic()
    if cached is None or cached[0] != _State.generation or now - cached[1] > CALENDAR_TTL_SECONDS:
        cached = (_State.generation, now, _load())
        _cache.value = cached
    return cached[2]

from __future__ import annotations

import time  # noqa: F401 - tests move its clock past the TTL

from . import tablecache
from .calendar import WorkCalendar
from .models import Holiday

# Other processes see an edited holiday table within this many seconds.
CALENDAR_TTL_SECONDS = 60

_calendars = tablecache.cache("core.calendar", Holiday, ttl=CALENDAR_TTL_SECONDS)


def refresh_calendar(**_kwargs) -> None:
    """Drop cached calendars (saves and deletes of Holiday rows do it by themselves)."""
    _calendars.invalidate()


def forget_cached_calendars() -> None:
    """Rebuild on next use: for a rollback after a simulated commit (e.g. test data)."""
    _calendars.invalidate()
    _calendars._dirty_threads.clear()


def _load() -> WorkCalendar:
    return WorkCalendar(dict(Holiday.objects.values_list("date", "is_workday")))


def work_calendar() -> WorkCalendar:
    """The deployment's calendar: chinese-calendar plus the holiday table. Cached per process
    (core/tablecache.py): an edit shows at once here, in other processes within the TTL; a
    calendar read inside a transaction that edited the table is never kept."""
    return _calendars.get(None, _load)

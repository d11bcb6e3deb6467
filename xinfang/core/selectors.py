from __future__ import annotations

import threading
import time

from django.db.models.signals import post_delete, post_save

from .calendar import WorkCalendar
from .models import Holiday

# Other processes see an edited holiday table within this many seconds.
CALENDAR_TTL_SECONDS = 60

_cache = threading.local()
_generation = [0]


def refresh_calendar(**_kwargs) -> None:
    _generation[0] += 1


post_save.connect(refresh_calendar, sender=Holiday, dispatch_uid="holiday-save")
post_delete.connect(refresh_calendar, sender=Holiday, dispatch_uid="holiday-delete")


def work_calendar() -> WorkCalendar:
    """The deployment's calendar: chinese-calendar plus the holiday table."""
    cached = getattr(_cache, "value", None)
    now = time.monotonic()
    if cached is None or cached[0] != _generation[0] or now - cached[1] > CALENDAR_TTL_SECONDS:
        overrides = dict(Holiday.objects.values_list("date", "is_workday"))
        cached = (_generation[0], now, WorkCalendar(overrides))
        _cache.value = cached
    return cached[2]

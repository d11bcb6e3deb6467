"""Weeks (Monday to Sunday) and the job's watermark: the last week a job tested."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min

from ..models import AlertWatermark, CaseFact

WEEK = dt.timedelta(days=7)
# Alerts about the last few weeks are messaged; older ones (a first run over past years, a long
# outage) are recorded and listed without a message.
MESSAGE_WEEKS = 4


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def last_complete_week(today: dt.date) -> dt.date:
    """The Monday of the last week that has ended by `today`."""
    return monday(today) - WEEK


def weeks_to_test(job: str, today: dt.date, history_weeks: int) -> list[dt.date]:
    """The weeks after the watermark up to the last complete one (catching up missed runs). A
    first run starts once `history_weeks` of counts lie before the week."""
    mark = AlertWatermark.objects.filter(job=job).values_list("week", flat=True).first()
    if mark is not None:
        first = mark + WEEK
    else:
        earliest = CaseFact.objects.aggregate(d=Min("registered_on"))["d"]
        if earliest is None:
            return []
        first = monday(earliest) + history_weeks * WEEK
    last = last_complete_week(today)
    out = []
    while first <= last:
        out.append(first)
        first += WEEK
    return out


def advance(job: str, week: dt.date) -> None:
    """Record that `week` was tested (inside the transaction that recorded its alerts)."""
    AlertWatermark.objects.update_or_create(job=job, defaults={"week": week})


def recent(week: dt.date, today: dt.date) -> bool:
    """Whether an alert about `week` is still news on `today` (and so messaged)."""
    return week > last_complete_week(today) - MESSAGE_WEEKS * WEEK

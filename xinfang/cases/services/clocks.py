"""Starting, stopping and recomputing the statutory clocks of a case."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.errors import (
    InvalidInput,
    MoveNotAllowed,
)
from xinfang.core.selectors import work_calendar

from .. import deadlines
from ..models import Case, Clock
from ..selectors import periods


def start_clock(
    case: Case, key: str, start: dt.date, cal, configured, due: dt.date | None = None
) -> Clock:
    period = configured[key]
    Clock.objects.filter(case=case, period=key).exclude(status=Clock.STOPPED).update(
        status=Clock.STOPPED, stopped_on=start
    )
    if due is not None and due < start:
        raise InvalidInput(
            _("The date may not be before today"),
            fields={"due_on": [_("The date may not be before today")]},
        )
    return Clock.objects.create(
        case=case,
        period=key,
        unit=period.unit,
        days=period.days,
        started_on=start,
        due_on=cal.next_workday(due) if due else deadlines.due_date(period, start, cal),
        fixed_due=due is not None,
    )


def new_clock(key: str, start: dt.date, cal, configured) -> Clock:
    """An unsaved running clock of `key` from `start` (a new case has none to stop)."""
    period = configured[key]
    return Clock(
        period=key,
        unit=period.unit,
        days=period.days,
        started_on=start,
        due_on=deadlines.due_date(period, start, cal),
    )


def stop_clock(case: Case, key: str, on: dt.date) -> None:
    for clock in Clock.objects.filter(case=case, period=key).exclude(status=Clock.STOPPED):
        clock.status = Clock.STOPPED
        clock.stopped_on = on
        clock.met = on <= clock.due_on
        clock.save(update_fields=["status", "stopped_on", "met"])


def running_clock(case: Case, key: str) -> Clock:
    clock = Clock.objects.filter(case=case, period=key).exclude(status=Clock.STOPPED).first()
    if clock is None:
        raise MoveNotAllowed(_("That period is not running"))
    return clock


def recompute(clock: Clock, cal, configured) -> None:
    if clock.fixed_due:
        return
    period = configured[clock.period]
    clock.due_on = deadlines.due_date(
        period.with_settings(days=clock.days, unit=clock.unit),
        clock.started_on,
        cal,
        extension_days=clock.extension_days,
        paused_days=clock.paused_days,
    )


def recompute_clocks(*, changed_day: dt.date) -> int:
    """Move the due dates a holiday-table edit on `changed_day` affects; returns how many moved.

    Only clocks still counting, computed from the period (not a person-set date), that started
    before the day and end on or after it, can depend on it.
    """
    cal = work_calendar()
    configured = periods()
    moved = 0
    with transaction.atomic():
        affected = Clock.objects.select_for_update().filter(
            status__in=[Clock.RUNNING, Clock.PAUSED],
            fixed_due=False,
            started_on__lt=changed_day,
            due_on__gte=changed_day - dt.timedelta(days=1),
        )
        for clock in affected:
            before = clock.due_on
            recompute(clock, cal, configured)
            if clock.due_on != before:
                clock.save(update_fields=["due_on"])
                moved += 1
    return moved

"""Starting, stopping, pausing, extending and recomputing the statutory clocks of a case.

The only writer of clocks. Each change here also sets the case's `next_due_on` (the nearest
running staff deadline, which the due-soon and overdue queues read) from the clocks as they now
are, so no move can leave it behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Subquery
from django.utils.translation import gettext as _

from xinfang.core.errors import (
    InvalidInput,
    MoveNotAllowed,
)
from xinfang.core.selectors import work_calendar

from .. import deadlines
from ..deadlines import NOT_STAFF_DEADLINES
from ..models import Case, Clock
from ..selectors import periods, staff_clocks


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
    clock = Clock.objects.create(
        case=case,
        period=key,
        unit=period.unit,
        days=period.days,
        started_on=start,
        due_on=cal.next_workday(due) if due else deadlines.due_date(period, start, cal),
        fixed_due=due is not None,
    )
    settle_next_due(case)
    return clock


def new_clock(key: str, start: dt.date, cal, configured) -> Clock:
    """An unsaved running clock of `key` from `start` (a new case has none to stop). The case
    inserted with it takes its `next_due_on` from nearest_staff_due of its new clocks."""
    period = configured[key]
    return Clock(
        period=key,
        unit=period.unit,
        days=period.days,
        started_on=start,
        due_on=deadlines.due_date(period, start, cal),
    )


def stop_clock(case: Case, key: str, on: dt.date) -> None:
    stopped = False
    for clock in Clock.objects.filter(case=case, period=key).exclude(status=Clock.STOPPED):
        clock.status = Clock.STOPPED
        clock.stopped_on = on
        clock.met = on <= clock.due_on
        clock.save(update_fields=["status", "stopped_on", "met"])
        stopped = True
    if stopped:
        settle_next_due(case)


def running_clock(case: Case, key: str) -> Clock:
    clock = Clock.objects.filter(case=case, period=key).exclude(status=Clock.STOPPED).first()
    if clock is None:
        raise MoveNotAllowed(_("That period is not running"))
    return clock


def extend_clock(case: Case, key: str, days: int, cal, configured) -> Clock:
    """Extend the running clock of `key` by `days` (W34: once); its due date moves."""
    clock = running_clock(case, key)
    clock.extension_days = days
    recompute(clock, cal, configured)
    clock.save(update_fields=["extension_days", "due_on"])
    settle_next_due(case)
    return clock


def pause_clocks(case: Case, keys: Iterable[str], on: dt.date) -> list[str]:
    """Pause the running clocks of `keys` from `on` (a hearing, W36); returns their periods."""
    paused = []
    for clock in Clock.objects.filter(case=case, period__in=list(keys), status=Clock.RUNNING):
        clock.status = Clock.PAUSED
        clock.paused_since = on
        clock.save(update_fields=["status", "paused_since"])
        paused.append(clock.period)
    if paused:
        settle_next_due(case)
    return paused


def resume_clocks(case: Case, on: dt.date, cal, configured) -> dict[str, dict]:
    """Restart the case's paused clocks on `on`; the paused units push each due date on.
    Returns {period: {"paused_days", "new_due"}}."""
    resumed = {}
    for clock in Clock.objects.filter(case=case, status=Clock.PAUSED):
        period = configured[clock.period].with_settings(days=clock.days, unit=clock.unit)
        added = deadlines.paused_units(period, clock.paused_since or on, on, cal)
        clock.paused_days += added
        clock.paused_since = None
        clock.status = Clock.RUNNING
        recompute(clock, cal, configured)
        clock.save(update_fields=["paused_days", "paused_since", "status", "due_on"])
        resumed[clock.period] = {"paused_days": added, "new_due": clock.due_on.isoformat()}
    if resumed:
        settle_next_due(case)
    return resumed


def replace_clocks(case: Case, clocks: list[Clock]) -> None:
    """The case's clocks become `clocks` (unsaved, as another system sent them)."""
    Clock.objects.filter(case=case).delete()
    for clock in clocks:
        clock.case = case
    Clock.objects.bulk_create(clocks)
    settle_next_due(case)


def _running_staff_due(clocks: Iterable[Clock]) -> list[dt.date]:
    return [
        c.due_on
        for c in clocks
        if c.status == Clock.RUNNING and c.period not in NOT_STAFF_DEADLINES
    ]


def nearest_staff_due(clocks: Iterable[Clock]) -> dt.date | None:
    """The nearest due date among these clocks' running staff deadlines (Case.next_due_on)."""
    return min(_running_staff_due(clocks), default=None)


def several_staff_deadlines(clocks: Iterable[Clock]) -> bool:
    """Whether more than one of these clocks is a running staff deadline (Case.several_deadlines)."""
    return len(_running_staff_due(clocks)) > 1


def settle_next_due(case: Case) -> None:
    """Set `next_due_on` and `several_deadlines` of `case` (the row the caller holds) from its
    clocks as they are now: on the instance and in the database; inside case_saved_after, once
    at the block's end and on the instance only (the caller saves the whole row anyway)."""
    if getattr(case, "_saved_after_clocks", False):
        case._clocks_changed = True
        return
    before = (case.next_due_on, case.several_deadlines)
    _read_next_due(case)
    if (case.next_due_on, case.several_deadlines) != before:
        Case.objects.filter(pk=case.pk).update(
            next_due_on=case.next_due_on, several_deadlines=case.several_deadlines
        )


def _read_next_due(case: Case) -> None:
    found = staff_clocks().filter(case=case).aggregate(due=Min("due_on"), n=Count("id"))
    case.next_due_on, case.several_deadlines = found["due"], found["n"] > 1


@contextmanager
def case_saved_after(case: Case):
    """For a block at whose end the caller saves the whole case row (a move): its clock
    changes are read once at the end, onto the instance, so a move costs one look at its
    clocks and one write of its row, however many clocks it starts and stops."""
    case._saved_after_clocks, case._clocks_changed = True, False
    try:
        yield
        if case._clocks_changed:
            _read_next_due(case)
    finally:
        del case._saved_after_clocks, case._clocks_changed


def settle_next_due_of(case_ids: Iterable[int]) -> None:
    """settle_next_due for many cases at once, in one statement (no instances held)."""
    mine = staff_clocks().filter(case=OuterRef("pk"))
    nearest = mine.order_by("due_on").values("due_on")
    second = mine.order_by("due_on", "pk").values("pk")[1:2]
    ids = sorted(case_ids)
    for i in range(0, len(ids), 500):  # within SQLite's limit of parameters a statement
        Case.objects.filter(pk__in=ids[i : i + 500]).update(
            next_due_on=Subquery(nearest[:1]), several_deadlines=Exists(second)
        )


def recompute(clock: Clock, cal, configured) -> None:
    """The clock's due date from its period, extension and paused days (in memory: the caller
    saves it, through one of the functions above)."""
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
        cases = set()
        for clock in affected:
            before = clock.due_on
            recompute(clock, cal, configured)
            if clock.due_on != before:
                clock.save(update_fields=["due_on"])
                moved += 1
                cases.add(clock.case_id)
        if cases:
            settle_next_due_of(cases)
    return moved

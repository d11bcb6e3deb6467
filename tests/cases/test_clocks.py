"""Clock queries (DESIGN.md, The case: due-soon and overdue are indexed queries, not loops).

The route clock (W22: transfer or assign within 15 days of registration) of a case registered
on Monday 2026-03-02 is due Tuesday 2026-03-17.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Q

from xinfang.cases import selectors, services
from xinfang.cases.models import Clock

from ..conftest import register_appeal

TZ = ZoneInfo("Asia/Shanghai")
REGISTERED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=TZ)
ROUTE_DUE = dt.date(2026, 3, 17)


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False
    )


@pytest.fixture
def route_clock(county) -> Clock:
    with time_machine.travel(REGISTERED, tick=False):
        registration = register_appeal(county)
    clock = Clock.objects.get(case=registration.case, period="route")
    assert clock.due_on == ROUTE_DUE
    return clock


def test_w22_route_clock_is_due_soon_then_overdue(route_clock):
    """W22: due soon in the last 3 days, overdue from the day after its due date (24:00 rule)."""
    with at(dt.date(2026, 3, 10)):
        assert route_clock not in selectors.due_soon_clocks()
        assert route_clock not in selectors.overdue_clocks()
    with at(dt.date(2026, 3, 14)):
        assert route_clock in selectors.due_soon_clocks()
        assert route_clock not in selectors.overdue_clocks()
    with at(ROUTE_DUE, hour=23):
        assert route_clock in selectors.due_soon_clocks()
        assert route_clock not in selectors.overdue_clocks()  # the last day runs to 24:00
    with at(ROUTE_DUE + dt.timedelta(days=1), hour=0):
        assert route_clock in selectors.overdue_clocks()
        assert route_clock not in selectors.due_soon_clocks()


def test_w22_stopped_route_clock_is_never_overdue(route_clock, county):
    """W22: once transferred, the route clock stops and never shows as overdue."""
    with at(dt.date(2026, 3, 20)):
        assert route_clock in selectors.overdue_clocks()
        services.transfer(case=route_clock.case, actor=county.users["clerk"], body=county.housing)
        route_clock.refresh_from_db()
        assert route_clock.status == Clock.STOPPED
        assert route_clock.met is False  # stopped late: recorded as missed
        assert route_clock not in selectors.overdue_clocks()
    with at(dt.date(2027, 6, 1)):
        assert route_clock not in selectors.overdue_clocks()
        assert route_clock not in selectors.due_soon_clocks()
        # The clocks the transfer started (W23) are overdue by then.
        overdue = set(selectors.overdue_clocks().values_list("period", flat=True))
        assert {"accept_notice", "remit_objection"} <= overdue


def test_transfer_in_time_stops_the_route_clock_as_met(route_clock, county):
    with at(dt.date(2026, 3, 16)):
        services.transfer(case=route_clock.case, actor=county.users["clerk"], body=county.housing)
    route_clock.refresh_from_db()
    assert route_clock.met is True
    with at(dt.date(2026, 4, 1)):
        assert route_clock not in selectors.overdue_clocks()


def _status_due_index() -> str:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Clock._meta.db_table)
    names = [
        name
        for name, c in constraints.items()
        if c["index"] and c["columns"][:2] == ["status", "due_on"]
    ]
    assert names, "no index leads with (status, due_on)"
    return names[0]


@pytest.mark.django_db
def test_an_index_covers_status_and_due_on():
    _status_due_index()


def _running_due_indexes() -> list[str]:
    """Indexes that serve a range of due dates of running clocks: (status, due_on), or due_on
    over the running clocks alone."""
    partial = [
        i.name
        for i in Clock._meta.indexes
        if i.fields[:1] == ["due_on"] and i.condition == Q(status=Clock.RUNNING)
    ]
    return [_status_due_index(), *partial]


def test_overdue_and_due_soon_queries_use_the_status_due_index(route_clock):
    indexes = _running_due_indexes()
    on = dt.date(2026, 4, 1)
    if connection.vendor == "postgresql":
        # A handful of rows: the planner would rightly scan; forbid that to see the index is usable.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    for qs in (selectors.overdue_clocks(on), selectors.due_soon_clocks(on)):
        plan = qs.explain()
        assert any(index in plan for index in indexes), plan

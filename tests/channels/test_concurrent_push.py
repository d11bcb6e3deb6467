"""The same work order pushed several times at the same instant over separate PostgreSQL
connections (a platform retrying on a timeout while the first push still runs): one case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tests.cases.test_concurrency import run_together
from xinfang.cases.models import Case
from xinfang.channels.models import HotlineOrder, StatusPush
from xinfang.channels.services import OrderInput, receive_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite runs one writer at a time")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_simultaneous_duplicates_make_one_case(county, platform, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=False)
    order = OrderInput(
        order_number="GD-RACE-1",
        caller_name="李四",
        caller_phone="13900139000",
        call_time=dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC),
        content="小区门口路灯坏了，请修复。",
    )
    results = run_together([lambda: receive_order(platform=platform, order=order)] * 4)
    assert all(kind == "ok" for kind, _ in results), results
    received = [r for _, r in results]
    assert sum(r.created for r in received) == 1
    assert len({r.order.case_id for r in received}) == 1
    assert Case.objects.count() == 1 and HotlineOrder.objects.count() == 1
    assert StatusPush.objects.count() == 1

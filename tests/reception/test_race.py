"""Two petitioners race for the last place over separate PostgreSQL connections: exactly one
gets it, and the day is never overbooked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tests.cases.test_concurrency import run_together
from tests.conftest import register_appeal
from xinfang.reception import services
from xinfang.reception.models import Appointment, ReceptionDay

from .conftest import publish

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite runs one writer at a time")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.mark.parametrize("racers", [2, 6])
def test_only_one_racer_gets_the_last_place(county, time_machine, racers):
    time_machine.move_to(dt.datetime(2026, 3, 3, 1, 0, tzinfo=dt.UTC), tick=False)
    day = publish(county, capacity=2)[0]
    first = register_appeal(county, title="先到")
    services.book_existing(
        day_id=day.pk,
        tracking_code=first.tracking_code,
        password=first.query_password,
        mode="in_person",
        ip="10.0.0.9",
    )
    regs = [register_appeal(county, title=f"抢号{i}") for i in range(racers)]

    def booker(reg, i):
        return lambda: services.book_existing(
            day_id=day.pk,
            tracking_code=reg.tracking_code,
            password=reg.query_password,
            mode="in_person",
            ip=f"10.0.1.{i}",
        )

    results = run_together([booker(r, i) for i, r in enumerate(regs)])
    won = [r for kind, r in results if kind == "ok"]
    lost = [r for kind, r in results if kind == "error"]
    assert len(won) == 1, results
    assert all(isinstance(e, services.Full) for e in lost), lost
    day = ReceptionDay.objects.get(pk=day.pk)
    assert day.booked == 2
    assert Appointment.objects.filter(day=day, status="booked").count() == 2

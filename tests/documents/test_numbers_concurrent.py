"""Notices issued at the same moment over separate PostgreSQL connections get distinct numbers
without gaps: each move takes its number from a locked counter row inside its own transaction."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection

from tests.cases.test_concurrency import fresh, run_together
from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.core import events
from xinfang.documents.models import Notice, NoticeCounter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite runs one writer at a time")
    # Record the notices only: rendering is not what runs concurrently here.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_concurrent_notices_have_unique_gap_free_numbers(county, time_machine):
    """W22, W23: twelve 转送单 of the petition office and six 受理告知书 of the housing bureau
    issued at once, three of the transfers rolling back after taking a number: the office's
    slips are numbered 1 to 9 and the bureau's notices 1 to 6, each number once."""
    time_machine.move_to(dt.datetime(2026, 3, 3, 1, 0, tzinfo=dt.UTC), tick=False)
    to_transfer = [register_appeal(county, title=f"来信{i}").case for i in range(12)]
    to_accept = [
        services.transfer(
            case=register_appeal(county, title=f"待受理{i}").case,
            actor=county.users["clerk"],
            body=county.housing,
        )
        for i in range(6)
    ]
    first_slips = Notice.objects.filter(kind="transfer_slip").count()
    failing = {c.pk for c in to_transfer[::4]}

    def outbox(event):
        time.sleep(0.05)  # hold the transaction open so the moves overlap
        if event.case_id in failing:
            raise RuntimeError("outbox unavailable")

    def transfer(case):
        clerk = fresh(county.users["clerk"])
        return lambda: services.transfer(case=case, actor=clerk, body=county.housing)

    def accept(case):
        handler = fresh(county.users["handler"])
        return lambda: services.accept(case=case, actor=handler)

    events.subscribe(outbox)
    try:
        results = run_together([transfer(c) for c in to_transfer] + [accept(c) for c in to_accept])
    finally:
        events.unsubscribe(outbox)

    errors = [r for kind, r in results if kind == "error"]
    assert len(errors) == 3 and all(isinstance(e, RuntimeError) for e in errors), results

    slips = list(Notice.objects.filter(kind="transfer_slip", issuing_body=county.office))
    numbers = sorted(n.sequence for n in slips)
    assert numbers == list(range(1, first_slips + 9 + 1))
    assert len({n.number for n in slips}) == len(slips)
    assert {n.case_id for n in slips if n.case_id in failing} == set()
    counter = NoticeCounter.objects.get(body=county.office, kind="transfer_slip", year=2026)
    assert counter.last == first_slips + 9

    accepted = Notice.objects.filter(kind="acceptance_notice", issuing_body=county.housing)
    assert sorted(accepted.values_list("number", flat=True)) == sorted(
        f"海住建信受〔2026〕{i}号" for i in range(1, 7)
    )

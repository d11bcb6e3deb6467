"""Moves and registrations made at the same moment over separate database connections.

Each worker thread has its own connection (Django opens one per thread) and closes it at the end.
An in-transaction subscriber sleeps inside every move, so the workers' transactions overlap for
certain instead of by luck. SQLite runs these too: its transactions begin IMMEDIATE (settings), so
a second writer waits for the lock (busy timeout) and then reads what the first committed.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.audit import verify_audit_chain
from xinfang.cases.models import Case, CaseEvent, CaseSequence
from xinfang.core import events
from xinfang.core.errors import MoveNotAllowed, StaleVersion

pytestmark = pytest.mark.django_db(transaction=True)

OVERLAP_SECONDS = 0.2


def run_together(workers: list[Callable[[], object]]) -> list[tuple[str, object]]:
    """Start every worker at the same instant; ("ok", result) or ("error", exception) each."""
    barrier = threading.Barrier(len(workers))
    results: list[tuple[str, object] | None] = [None] * len(workers)

    def run(i: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", work())
        except Exception as exc:  # noqa: BLE001 - the test inspects what each worker got
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return results


@pytest.fixture
def slow_moves():
    """Hold every move's transaction open a little, so concurrent moves really overlap."""

    def linger(event):
        time.sleep(OVERLAP_SECONDS)

    events.subscribe(linger)
    yield
    events.unsubscribe(linger)


def fresh(user):
    # One user object per thread: memberships are cached on the instance.
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def transferred(county) -> Case:
    case = register_appeal(county).case
    return services.transfer(case=case, actor=county.users["clerk"], body=county.housing)


@pytest.mark.parametrize("with_version", [True, False], ids=["expected-version", "no-version"])
def test_two_handlers_accept_at_once_exactly_one_wins(
    county, transferred, slow_moves, with_version
):
    version = transferred.version if with_version else None

    def accept_as(name: str):
        def work():
            return services.accept(
                case=transferred, actor=fresh(county.users[name]), expected_version=version
            )

        return work

    results = run_together([accept_as("handler"), accept_as("handler2")])

    wins = [r for kind, r in results if kind == "ok"]
    losses = [r for kind, r in results if kind == "error"]
    assert len(wins) == 1 and len(losses) == 1, results
    loss = losses[0]
    if with_version:
        assert isinstance(loss, StaleVersion)
        assert str(loss) == "该事项已被他人处理，请刷新后查看最新情况再操作"
    else:
        assert isinstance(loss, MoveNotAllowed)
        assert str(loss) == "事项当前状态为“已受理办理中”，不能执行“受理”"

    case = Case.objects.get(pk=transferred.pk)
    assert case.state == "accepted"
    assert case.handler_id == wins[0].handler_id
    assert case.version == transferred.version + 1
    assert CaseEvent.objects.filter(case=case, kind="accept").count() == 1
    assert verify_audit_chain().intact


def test_different_moves_on_one_case_at_once_keep_the_chain_intact(county, transferred, slow_moves):
    """Overlays by different people at once: both apply, one after the other, one chain."""
    case = services.accept(case=transferred, actor=county.users["handler"])

    results = run_together(
        [
            lambda: services.supervise(
                case=case, actor=fresh(county.users["supervisor"]), grounds="推诿拖延"
            ),
            lambda: services.escalate(
                case=case, actor=fresh(county.users["supervisor"]), reason="部门间推诿"
            ),
        ]
    )

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    case = Case.objects.get(pk=case.pk)
    assert case.supervised and case.escalated
    assert case.version == 5 and case.event_count == 5
    assert list(CaseEvent.objects.filter(case=case).values_list("seq", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert verify_audit_chain().intact


def _register_in_thread(county, title: str):
    def work():
        return register_appeal(county, actor=fresh(county.users["clerk"]), title=title).case.number

    return work


@pytest.mark.parametrize("linger", [0.0, 0.05], ids=["free-running", "overlapping"])
def test_parallel_registration_numbers_are_unique_and_gap_free(county, time_machine, linger):
    """DESIGN.md: numbers per division and day, unique and gap-free when 20 register at once.

    On PostgreSQL the writers run truly in parallel and queue only on the day's sequence row; on
    SQLite the database lock queues them (IMMEDIATE transactions)."""
    time_machine.move_to(dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)

    def hold(event):
        time.sleep(linger)

    events.subscribe(hold)
    try:
        results = run_together([_register_in_thread(county, f"来信{i}") for i in range(20)])
    finally:
        events.unsubscribe(hold)

    assert all(kind == "ok" for kind, _ in results), results
    numbers = sorted(n for _, n in results)
    assert numbers == [f"XF-370687-20250303-{i:06d}" for i in range(1, 21)]
    assert CaseSequence.objects.get(division_code="370687", day=dt.date(2025, 3, 3)).last == 20
    assert Case.objects.count() == 20


def test_failed_registrations_leave_no_gap(county, time_machine):
    """A registration that rolls back gives its number back to the next one."""
    time_machine.move_to(dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)

    def outbox(event):
        time.sleep(OVERLAP_SECONDS / 2)
        if event.case.title.startswith("FAIL"):
            raise RuntimeError("outbox unavailable")

    events.subscribe(outbox)
    try:
        titles = [("FAIL" if i % 3 == 0 else "来信") + str(i) for i in range(12)]
        results = run_together([_register_in_thread(county, t) for t in titles])
    finally:
        events.unsubscribe(outbox)

    failed = [r for kind, r in results if kind == "error"]
    assert len(failed) == 4 and all(isinstance(e, RuntimeError) for e in failed), results
    numbers = sorted(r for kind, r in results if kind == "ok")
    assert numbers == [f"XF-370687-20250303-{i:06d}" for i in range(1, 9)]
    assert CaseSequence.objects.get(division_code="370687", day=dt.date(2025, 3, 3)).last == 8

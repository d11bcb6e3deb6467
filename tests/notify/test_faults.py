"""Faults in delivery that lose nothing: a worker killed mid-batch (nothing sent twice), a slow
gateway outlasting a lease, and an SMS gateway down for a whole day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.models import Case
from xinfang.core.timeutil import now
from xinfang.notify import backends
from xinfang.notify import services as notify
from xinfang.notify.models import Outbox

from .conftest import DUMMY


class Killed(BaseException):
    """The process dies here (SIGKILL, power cut): nothing after it runs, no handler catches it."""


def _phone(i: int) -> str:
    return f"1390000{i:04d}"


@pytest.fixture
def five_pending(county, settings, sms_via_gateway):
    """Five registered cases whose messages are written but not yet sent, one phone each."""
    settings.TASKS = {"default": {"BACKEND": DUMMY}}
    for i in range(5):
        register_appeal(county, parties=[services.PartyInput(name="张三", phone=_phone(i))])
    assert Outbox.objects.filter(status=Outbox.PENDING).count() == 5
    return sms_via_gateway


def _lease(settings) -> dt.timedelta:
    return dt.timedelta(seconds=settings.NOTIFY["LEASE_SECONDS"])


def _statuses() -> list[str]:
    return list(Outbox.objects.order_by("pk").values_list("status", flat=True))


def _each_phone_got_one_text(gateway) -> None:
    assert [len(gateway.texts_to(_phone(i))) for i in range(5)] == [1] * 5
    assert set(_statuses()) == {Outbox.SENT}


def test_killed_after_the_gateway_took_a_message_the_rest_go_at_once_and_none_twice(
    five_pending, settings, monkeypatch
):
    gateway = five_pending
    finish = notify._finish
    calls = {"n": 0}

    def dies_on_the_third(row, **fields):
        calls["n"] += 1
        if calls["n"] == 3:
            raise Killed  # the gateway has the message; the worker never records it
        return finish(row, **fields)

    monkeypatch.setattr(notify, "_finish", dies_on_the_third)
    start = now()
    with time_machine.travel(start, tick=False), pytest.raises(Killed):
        notify.deliver()
    monkeypatch.setattr(notify, "_finish", finish)
    # Claimed one at a time: only the message in flight is in doubt; the others never left.
    assert _statuses() == [Outbox.SENT, Outbox.SENT, Outbox.SENDING, Outbox.PENDING, Outbox.PENDING]

    with time_machine.travel(start + dt.timedelta(seconds=5), tick=False):
        assert notify.deliver().sent == 2  # the restarted worker sends the rest at once
    in_doubt = Outbox.objects.get(status=Outbox.SENDING)
    with time_machine.travel(start + _lease(settings), tick=False):
        assert notify.deliver().sent == 1  # once its lease has run out, with the same key

    _each_phone_got_one_text(gateway)
    assert gateway.keys_sent()[str(in_doubt.idempotency_key)] == 2  # the gateway dropped one
    assert sorted(gateway.keys_sent().values()) == [1, 1, 1, 1, 2]


def test_killed_before_the_hand_off_the_message_is_sent_once_after_the_lease(
    five_pending, settings, monkeypatch
):
    gateway = five_pending
    send = backends.HttpSmsBackend.send
    calls = {"n": 0}

    def dies_before_the_third(self, message):
        calls["n"] += 1
        if calls["n"] == 3:
            raise Killed
        return send(self, message)

    monkeypatch.setattr(backends.HttpSmsBackend, "send", dies_before_the_third)
    start = now()
    with time_machine.travel(start, tick=False), pytest.raises(Killed):
        notify.deliver()
    monkeypatch.setattr(backends.HttpSmsBackend, "send", send)

    with time_machine.travel(start + _lease(settings), tick=False):
        assert notify.deliver().sent == 3

    _each_phone_got_one_text(gateway)
    assert sorted(gateway.keys_sent().values()) == [1] * 5  # no request repeated either


def test_a_batch_outlasting_the_lease_never_lets_another_worker_resend_waiting_messages(
    five_pending, settings, monkeypatch
):
    """Each send takes most of a lease, so the batch takes longer than one. Another worker that
    runs meanwhile finds the messages this worker has not reached yet still pending (they were
    never leased out ahead of time), takes them, and this worker finds nothing left to resend."""
    gateway = five_pending
    send = backends.HttpSmsBackend.send
    other: list[notify.DeliveryReport] = []
    start = now()
    with time_machine.travel(start, tick=False) as clock:

        def slow(self, message):
            if other != ["running"]:
                clock.shift(_lease(settings) * 0.6)
            if len(gateway.requests) == 1 and not other:
                other.append("running")  # the other worker, in the meantime
                other[0] = notify.deliver()
            return send(self, message)

        monkeypatch.setattr(backends.HttpSmsBackend, "send", slow)
        assert notify.deliver().sent == 2
    assert other[0].sent == 3

    _each_phone_got_one_text(gateway)
    assert sorted(gateway.keys_sent().values()) == [1] * 5


def test_a_day_without_the_sms_gateway_messages_wait_then_go_and_cases_are_registered(
    county, settings, sms_via_gateway
):
    gateway = sms_via_gateway
    settings.TASKS = {"default": {"BACKEND": DUMMY}}
    gateway.fail(10**6, status=503)  # down
    start = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)
    sweep = dt.timedelta(minutes=10)
    with time_machine.travel(start, tick=False) as clock:
        for step in range(24 * 6):  # a day of sweeps every 10 minutes
            if step % 18 == 0:  # a case every three hours, as the gateway stays down
                i = step // 18
                register_appeal(county, parties=[services.PartyInput(name="李四", phone=_phone(i))])
            notify.deliver()
            clock.shift(sweep)
        assert Case.objects.count() == 8
        rows = list(Outbox.objects.order_by("pk"))
        assert [r.status for r in rows] == [Outbox.FAILED] * 8  # waiting, none given up
        first = rows[0]
        # Backoff: 1, 2, 4 … minutes, then hourly: about 29 tries in the day, not 144.
        assert 25 <= first.attempts <= 31
        assert first.next_attempt_at <= now() + dt.timedelta(hours=1)
        assert gateway.delivered == {}

        gateway.failures.clear()  # back up
        for _ in range(7):  # within the hour
            notify.deliver()
            clock.shift(sweep)

    assert [len(gateway.texts_to(_phone(i))) for i in range(8)] == [1] * 8
    assert Outbox.objects.exclude(status=Outbox.SENT).count() == 0

"""Delivery after commit: exactly once, retried with backoff, given up on permanent errors."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection

from tests.conftest import build_county, register_appeal
from xinfang.cases import services
from xinfang.core.timeutil import now
from xinfang.notify import services as notify
from xinfang.notify.models import Outbox

from .conftest import DUMMY, PHONE, FakeGateway, outbox


def _pending_case(county, settings):
    """A registered case whose message is written but not yet handed to the queue."""
    settings.TASKS = {"default": {"BACKEND": DUMMY}}
    registration = register_appeal(county)
    (row,) = outbox(registration.case)
    return registration, row


def test_w21_message_goes_out_through_the_gateway_after_commit(
    county, sms_via_gateway, django_capture_on_commit_callbacks
):
    """W21: the petitioner learns the case is registered, by SMS, once the move has committed."""
    gateway = sms_via_gateway
    with django_capture_on_commit_callbacks(execute=True):
        registration = register_appeal(county)
    (row,) = outbox(registration.case)
    assert row.status == Outbox.SENT and row.attempts == 1 and row.sent_at is not None

    (request,) = gateway.requests
    assert request["payload"] == {
        "to": PHONE,
        "text": row.body,
        "id": str(row.idempotency_key),
    }
    assert request["headers"]["Idempotency-Key"] == str(row.idempotency_key)
    assert request["headers"]["Authorization"] == f"Bearer {FakeGateway.TOKEN}"


def test_delivering_twice_sends_once(county, settings, sms_via_gateway):
    gateway = sms_via_gateway
    _registration, row = _pending_case(county, settings)

    assert notify.deliver().sent == 1
    assert notify.deliver().handled == 0
    call_command("deliver_outbox", "--once")

    assert gateway.keys_sent() == {str(row.idempotency_key): 1}
    row.refresh_from_db()
    assert row.status == Outbox.SENT and row.attempts == 1


def test_the_queued_task_and_the_sweep_together_send_once(
    county, sms_via_gateway, django_capture_on_commit_callbacks
):
    gateway = sms_via_gateway
    with django_capture_on_commit_callbacks(execute=True):
        register_appeal(county)
    notify.deliver()
    assert len(gateway.requests) == 1


def test_a_5xx_is_retried_with_backoff_then_sent(county, settings, sms_via_gateway):
    gateway = sms_via_gateway
    gateway.fail(2, status=503)
    _registration, row = _pending_case(county, settings)
    start = now()

    with time_machine.travel(start, tick=False):
        assert notify.deliver().retrying == 1
    row.refresh_from_db()
    assert row.status == Outbox.FAILED and row.attempts == 1
    assert row.next_attempt_at == start + dt.timedelta(minutes=1)
    assert "503" in row.last_error

    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        assert notify.deliver().handled == 0  # not due yet
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        assert notify.deliver().retrying == 1
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at == start + dt.timedelta(minutes=1) + dt.timedelta(minutes=2)

    with time_machine.travel(start + dt.timedelta(minutes=3), tick=False):
        assert notify.deliver().sent == 1
    row.refresh_from_db()
    assert row.status == Outbox.SENT and row.attempts == 3 and row.last_error == ""
    assert gateway.texts_to(PHONE) == [row.body]
    # Every attempt carried the same key, so the gateway could have told them apart.
    assert gateway.keys_sent() == {str(row.idempotency_key): 3}


def test_backoff_doubles_and_is_capped(settings):
    settings.NOTIFY = {**settings.NOTIFY, "BACKOFF_BASE_SECONDS": 60, "BACKOFF_MAX_SECONDS": 600}
    assert [notify.backoff(n).total_seconds() for n in range(1, 7)] == [
        60,
        120,
        240,
        480,
        600,
        600,
    ]


def test_a_4xx_is_permanent_and_the_message_is_dead(county, settings, sms_via_gateway):
    gateway = sms_via_gateway
    gateway.fail(1, status=400)
    _registration, row = _pending_case(county, settings)

    assert notify.deliver().dead == 1
    row.refresh_from_db()
    assert row.status == Outbox.DEAD and "400" in row.last_error
    with time_machine.travel(now() + dt.timedelta(days=1), tick=False):
        assert notify.deliver().handled == 0
    assert len(gateway.requests) == 1


def test_after_the_last_attempt_the_message_is_dead(county, settings, sms_via_gateway):
    settings.NOTIFY = {**settings.NOTIFY, "MAX_ATTEMPTS": 2}
    gateway = sms_via_gateway
    gateway.fail(5, status=500)
    _registration, row = _pending_case(county, settings)

    notify.deliver()
    with time_machine.travel(now() + dt.timedelta(hours=2), tick=False):
        assert notify.deliver().dead == 1
    row.refresh_from_db()
    assert row.status == Outbox.DEAD and row.attempts == 2 and "500" in row.last_error


def test_an_unreachable_gateway_is_retried(county, settings, sms_via_gateway):
    _registration, row = _pending_case(county, settings)
    settings.NOTIFY = {**settings.NOTIFY, "SMS_GATEWAY_URL": "http://127.0.0.1:9/send"}
    assert notify.deliver().retrying == 1
    row.refresh_from_db()
    assert row.status == Outbox.FAILED


def test_a_landline_is_not_sent_an_sms(county, settings, sms_via_gateway):
    settings.TASKS = {"default": {"BACKEND": DUMMY}}
    registration = register_appeal(
        county, parties=[services.PartyInput(name="张三", phone="0535-6123456")]
    )
    notify.deliver()
    (row,) = outbox(registration.case)
    assert row.status == Outbox.DEAD and "手机" in row.last_error
    assert sms_via_gateway.requests == []


def test_a_send_left_unfinished_is_retried_with_the_same_key_and_the_gateway_drops_it(
    county, settings, sms_via_gateway
):
    """A worker died after the gateway took the message but before marking it sent."""
    gateway = sms_via_gateway
    _registration, row = _pending_case(county, settings)
    notify.deliver()
    lease = dt.timedelta(seconds=settings.NOTIFY["LEASE_SECONDS"])
    crashed_at = now()
    Outbox.objects.filter(pk=row.pk).update(
        status=Outbox.SENDING, sent_at=None, next_attempt_at=crashed_at + lease
    )

    with time_machine.travel(crashed_at + lease / 2, tick=False):
        assert notify.deliver().handled == 0  # the lease still holds
    with time_machine.travel(crashed_at + lease, tick=False):
        assert notify.deliver().sent == 1

    assert gateway.keys_sent() == {str(row.idempotency_key): 2}
    assert len(gateway.texts_to(PHONE)) == 1  # the citizen's phone got one text


def test_a_sent_message_is_never_sent_again_even_when_asked_by_id(
    county, settings, sms_via_gateway
):
    _registration, row = _pending_case(county, settings)
    notify.deliver(ids=[row.pk])
    notify.deliver(ids=[row.pk])
    with time_machine.travel(now() + dt.timedelta(days=30), tick=False):
        notify.deliver(ids=[row.pk])
        notify.deliver()
    assert len(sms_via_gateway.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_exactly_once(settings, sms_via_gateway):
    gateway = sms_via_gateway
    gateway.delay = 0.05  # keep the first worker busy while the second one claims
    settings.TASKS = {"default": {"BACKEND": DUMMY}}
    settings.NOTIFY = {**settings.NOTIFY, "BATCH_SIZE": 3}
    county = build_county()
    for i in range(6):
        register_appeal(county, parties=[services.PartyInput(name="张三", phone=f"1380000000{i}")])
    assert Outbox.objects.filter(status=Outbox.PENDING).count() == 6

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            while notify.deliver().handled:
                pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == []
    assert sorted(gateway.keys_sent().values()) == [1] * 6
    assert Outbox.objects.filter(status=Outbox.SENT).count() == 6


# ---------------------------------------------------------------------------------------------
# Other backends


def test_email_goes_out_by_smtp_with_a_stable_message_id(county, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY = {**settings.NOTIFY, "BACKENDS": {"sms": "off", "email": "smtp"}}
    settings.TASKS = {"default": {"BACKEND": DUMMY}}
    registration = register_appeal(
        county, parties=[services.PartyInput(name="张三", phone=PHONE, email="zhang@example.cn")]
    )
    notify.deliver()

    (message,) = mail.outbox
    (row,) = outbox(registration.case)
    assert row.status == Outbox.SENT
    assert message.to == ["zhang@example.cn"]
    assert message.subject == f"【阳光信访】信访事项{registration.case.number}已登记"
    assert registration.case.number in message.body
    assert message.extra_headers["Message-ID"] == f"<{row.idempotency_key}@xinfang.local>"


def test_file_backend_writes_one_file_per_message(county, settings, tmp_path):
    settings.NOTIFY = {
        **settings.NOTIFY,
        "BACKENDS": {"sms": "file", "email": "file"},
        "FILE_DIR": tmp_path,
    }
    settings.TASKS = {"default": {"BACKEND": DUMMY}}
    registration = register_appeal(
        county, parties=[services.PartyInput(name="张三", phone=PHONE, email="zhang@example.cn")]
    )
    notify.deliver()

    rows = {r.channel: r for r in outbox(registration.case)}
    sms_file = tmp_path / f"{rows['sms'].idempotency_key}.txt"
    eml_file = tmp_path / f"{rows['email'].idempotency_key}.eml"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([sms_file.name, eml_file.name])
    assert rows["sms"].body in sms_file.read_text()
    assert b"zhang@example.cn" in eml_file.read_bytes()


def test_console_backend_logs_a_masked_number(county, settings, caplog):
    settings.NOTIFY = {**settings.NOTIFY, "BACKENDS": {"sms": "console", "email": "off"}}
    settings.TASKS = {"default": {"BACKEND": DUMMY}}
    register_appeal(county)
    with caplog.at_level("INFO", logger="xinfang.notify"):
        assert notify.deliver().sent == 1
    assert "138****8000" in caplog.text
    assert PHONE not in caplog.text


def test_when_the_queue_is_down_the_worker_sweep_still_sends(
    county, sms_via_gateway, monkeypatch, django_capture_on_commit_callbacks
):
    from xinfang.notify import tasks

    def broken_enqueue(*args, **kwargs):
        raise ConnectionError("queue unavailable")

    monkeypatch.setattr(tasks, "deliver_outbox", SimpleNamespace(enqueue=broken_enqueue))
    with django_capture_on_commit_callbacks(execute=True):
        registration = register_appeal(county)  # the move itself succeeds
    (row,) = outbox(registration.case)
    assert row.status == Outbox.PENDING

    call_command("deliver_outbox", "--once")
    row.refresh_from_db()
    assert row.status == Outbox.SENT
    assert len(sms_via_gateway.requests) == 1


def test_the_outbox_admin_never_shows_the_recipient(county, settings, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    _registration, row = _pending_case(county, settings)
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-root-1"))
    page = client.get(reverse("admin:notify_outbox_change", args=[row.pk])).content.decode()
    assert row.body in page
    assert PHONE not in page and row.recipient_enc not in page
    assert client.get(reverse("admin:notify_outbox_add")).status_code == 403

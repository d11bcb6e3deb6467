"""Statuses sent back to the hotline platform (received, accepted, replied, closed, with the
answer). A status row is written in the transaction of the move that caused it, delivered after
commit by a task, and retried with backoff until the platform takes it or the tries run out.
The platform drops a status it already has by its `push_id`."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import connection, transaction

from xinfang.core import events
from xinfang.core.timeutil import now

from . import signing
from .models import HotlineOrder, StatusPush

logger = logging.getLogger("xinfang.channels")


class PermanentFailure(Exception):
    """Retrying cannot help (the platform refused the status)."""


def queue(order: HotlineOrder, status: str, answer: str = "") -> StatusPush:
    """A status to send, written in the caller's transaction; its delivery is queued on commit."""
    row = StatusPush.objects.create(
        order=order, status=status, answer=answer, created_at=now(), next_attempt_at=now()
    )
    if transaction.get_connection().in_atomic_block and events.task_row_in_transaction():
        # The database task backend: the task row commits with the status, at no extra commit.
        _enqueue([row.pk])
    else:
        transaction.on_commit(lambda: _enqueue([row.pk]), robust=True)
    return row


def _enqueue(ids: list[int]) -> None:
    from .tasks import deliver_pushes

    deliver_pushes.enqueue(ids)


def payload(row: StatusPush) -> dict:
    order = row.order
    return {
        "push_id": row.pk,
        "order_number": order.order_number,
        "case_number": order.case.number,
        "status": row.status,
        "answer": row.answer,
        "at": row.created_at.isoformat(),
    }


def post(url: str, body: bytes, headers: dict[str, str]) -> None:
    """POST the status; 2xx is taken. 4xx (but 408, 429) is permanent; the rest is retried."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.HOTLINE["PUSH_TIMEOUT"]):
            return
    except urllib.error.HTTPError as exc:
        if 400 <= exc.code < 500 and exc.code not in (408, 429):
            raise PermanentFailure(f"HTTP {exc.code}") from exc
        raise


def backoff(attempts: int) -> dt.timedelta:
    cfg = settings.HOTLINE
    seconds = cfg["BACKOFF_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, cfg["BACKOFF_MAX_SECONDS"]))


def _claim(ids: list[int] | None) -> StatusPush | None:
    moment = now()
    with transaction.atomic():
        qs = StatusPush.objects.filter(
            delivery__in=(StatusPush.PENDING, StatusPush.FAILED), next_attempt_at__lte=moment
        ).order_by("pk")
        if ids is not None:
            qs = qs.filter(pk__in=ids)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        row = qs.select_related("order__platform", "order__case").first()
        if row is None:
            return None
        # A lease: another worker leaves it until it runs out.
        row.attempts += 1
        row.next_attempt_at = moment + dt.timedelta(seconds=settings.HOTLINE["PUSH_TIMEOUT"] * 3)
        row.save(update_fields=["attempts", "next_attempt_at"])
    return row


def _send(row: StatusPush) -> str:
    platform = row.order.platform
    body = json.dumps(payload(row), ensure_ascii=False).encode()
    update = StatusPush.objects.filter(pk=row.pk, attempts=row.attempts)
    try:
        if not platform.callback_url:
            raise RuntimeError("no status callback address configured")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        headers.update(signing.headers(platform.secret, body, now=time.time()))
        post(platform.callback_url, body, headers)
    except PermanentFailure as exc:
        update.update(delivery=StatusPush.DEAD, last_error=str(exc)[:1000])
        return StatusPush.DEAD
    except Exception as exc:  # noqa: BLE001 - any other failure is worth another try
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if row.attempts >= settings.HOTLINE["MAX_ATTEMPTS"]:
            update.update(delivery=StatusPush.DEAD, last_error=error)
            return StatusPush.DEAD
        update.update(
            delivery=StatusPush.FAILED,
            last_error=error,
            next_attempt_at=now() + backoff(row.attempts),
        )
        logger.info("hotline status %s attempt %s failed: %s", row.pk, row.attempts, error)
        return StatusPush.FAILED
    update.update(delivery=StatusPush.SENT, sent_at=now(), last_error="")
    return StatusPush.SENT


def deliver(*, ids: list[int] | None = None, limit: int = 100) -> dict[str, int]:
    """Send the due statuses among `ids` (every due one when None), oldest first."""
    report = {StatusPush.SENT: 0, StatusPush.FAILED: 0, StatusPush.DEAD: 0}
    for _n in range(limit):
        row = _claim(ids)
        if row is None:
            break
        report[_send(row)] += 1
    return report

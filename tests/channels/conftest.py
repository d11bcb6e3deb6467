"""A hotline platform pushing to the county petition office, and a signed client for it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from xinfang.channels import signing
from xinfang.channels.models import HotlinePlatform

KEY = "test-signing-key-0123456789"
# A Monday without holidays near it; 10:00 Beijing time.
MONDAY = dt.datetime.fromisoformat("2026-03-02T10:00:00+08:00")


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return MONDAY


@pytest.fixture
def platform(county):
    return HotlinePlatform.objects.create(
        code="yt12345",
        name="烟台12345热线",
        secret=KEY,
        body=county.office,
        account=county.users["clerk"],
        place=county.county,
        callback_url="https://hotline.invalid/status",
    )


def order_body(**overrides) -> dict:
    body = {
        "order_number": "GD20260302001",
        "caller": {"name": "李四", "phone": "13900139000"},
        "call_time": "2026-03-02T09:30:00+08:00",
        "content": "小区门口路灯坏了一个月，晚上出行不便，请尽快修复。",
        "category": "城市管理/路灯",
        "urgency": "pressing",
    }
    body.update(overrides)
    return body


def push(client, data, *, key=KEY, stamp=None, code="yt12345", raw: bytes | None = None):
    """POST a work order signed with `key` at `stamp` (now by default)."""
    payload = raw if raw is not None else json.dumps(data, ensure_ascii=False).encode()
    moment = stamp if stamp is not None else int(dt.datetime.now().timestamp())
    return client.post(
        f"/api/v1/hotline/{code}/orders",
        data=payload,
        content_type="application/json",
        headers={
            signing.TIMESTAMP_HEADER: str(moment),
            signing.SIGNATURE_HEADER: signing.sign(key, moment, payload),
        },
    )


def status(client, number, *, key=KEY, code="yt12345"):
    moment = int(dt.datetime.now().timestamp())
    return client.get(
        f"/api/v1/hotline/{code}/orders/{number}",
        headers={
            signing.TIMESTAMP_HEADER: str(moment),
            signing.SIGNATURE_HEADER: signing.sign(key, moment, b""),
        },
    )

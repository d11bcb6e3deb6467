"""The signed push of a work order: signature, replay window, bad input, duplicates."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from xinfang.cases.models import Case, Clock
from xinfang.channels.models import HotlineOrder

from .conftest import KEY, order_body, push, status


@pytest.mark.django_db
def test_a_signed_push_registers_one_hotline_case_with_its_time_class(client, platform, monday):
    r = push(client, order_body())
    assert r.status_code == 201, r.content
    out = r.json()
    case = Case.objects.get()
    assert out["case_number"] == case.number
    assert out["status"] == "received"
    # 3 working days from the Monday of the call.
    assert out["due_on"] == "2026-03-05"
    assert (case.channel, case.content_type, case.holder_body) == (
        "hotline",
        "appeal",
        platform.body,
    )
    assert case.parties.get().phone == "13900139000"
    assert case.title.startswith("小区门口路灯坏了")
    clock = Clock.objects.get(case=case, period="hotline_pressing")
    assert (clock.started_on, clock.due_on, clock.unit) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 5),
        "working",
    )
    order = HotlineOrder.objects.get()
    assert (order.order_number, order.category_text) == ("GD20260302001", "城市管理/路灯")


@pytest.mark.django_db
def test_the_same_order_pushed_again_is_the_same_case(client, platform, monday):
    first = push(client, order_body())
    again = push(client, order_body())  # a retry after a lost answer
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["case_number"] == first.json()["case_number"]
    assert Case.objects.count() == 1 and HotlineOrder.objects.count() == 1
    # Another order number is another case.
    assert push(client, order_body(order_number="GD20260302002")).status_code == 201
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_number_reused_with_other_content_is_refused(client, platform, monday):
    push(client, order_body())
    r = push(client, order_body(content="另一件事：噪音扰民。"))
    assert r.status_code == 409
    assert r.json()["message"] == "该工单编号已接收过，内容与此不同"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_bad_or_missing_signature_is_401(client, platform, monday):
    assert push(client, order_body(), key="wrong-key").status_code == 401
    body = json.dumps(order_body()).encode()
    r = client.post("/api/v1/hotline/yt12345/orders", data=body, content_type="application/json")
    assert r.status_code == 401
    assert r.json()["message"] == "请求未经已登记的热线平台签名"
    assert push(client, order_body(), code="nobody").status_code == 401
    # A body changed after signing.
    stamp = int(dt.datetime.now().timestamp())
    from xinfang.channels import signing

    r = client.post(
        "/api/v1/hotline/yt12345/orders",
        data=json.dumps(order_body(urgency="urgent")).encode(),
        content_type="application/json",
        headers={
            signing.TIMESTAMP_HEADER: str(stamp),
            signing.SIGNATURE_HEADER: signing.sign(KEY, stamp, body),
        },
    )
    assert r.status_code == 401
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_a_request_outside_the_replay_window_is_refused(client, platform, monday, settings):
    settings.HOTLINE = {**settings.HOTLINE, "REPLAY_SECONDS": 300}
    old = int(dt.datetime.now().timestamp()) - 301
    r = push(client, order_body(), stamp=old)
    assert r.status_code == 401
    assert "时间" in r.json()["message"]
    assert push(client, order_body(), stamp=old + 2).status_code == 201
    assert push(client, order_body(), stamp=old + 700).status_code == 401  # from the future


@pytest.mark.django_db
def test_bad_input_is_422_in_chinese(client, platform, monday):
    r = push(client, order_body(urgency="someday", caller={"name": "李四"}))
    assert r.status_code == 422
    out = r.json()
    assert out["message"] == "提交的信息有误，请修改后重试"
    assert set(out["fields"]) == {"urgency", "caller.phone"}
    r = push(client, {}, raw=b"not json")
    assert r.status_code == 422
    # The registration's own checks: a request names its petitioner.
    r = push(client, order_body(caller={"name": "", "phone": "13900139000"}))
    assert r.status_code == 422
    assert r.json()["fields"] == {"petitioner.name": ["请填写信访人姓名"]}
    r = push(client, order_body(call_time="2026-03-03T09:30:00+08:00"))
    assert r.status_code == 422
    assert r.json()["fields"] == {"call_time": ["来电时间不能晚于当前时间"]}
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_the_platform_reads_the_status_back(client, platform, monday):
    push(client, order_body())
    r = status(client, "GD20260302001")
    assert r.status_code == 200
    assert r.json()["status"] == "received"
    assert status(client, "GD-unknown").status_code == 404
    assert status(client, "GD20260302001", key="wrong").status_code == 401

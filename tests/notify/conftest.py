"""Notify fixtures: a local fake SMS gateway, settings that send through it, and a case walker."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import County, register_appeal
from xinfang.cases import services
from xinfang.cases.models import Case
from xinfang.notify.models import Outbox
from xinfang.orgs.models import Body, BodyKind, Membership

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
DUMMY = "django_tasks.backends.dummy.DummyBackend"
PHONE = "13800138000"


class FakeGateway:
    """An SMS gateway on 127.0.0.1: records every request, can fail on demand, drops duplicates."""

    TOKEN = "gateway-token-123"

    def __init__(self):
        self.requests: list[dict] = []
        self.delivered: dict[str, dict] = {}
        self.failures: list[int] = []
        self.delay = 0.0
        self.drop_duplicates = True
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, answer = gateway._answer(dict(self.headers), payload)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/send"

    def fail(self, times: int, status: int = 503) -> None:
        self.failures.extend([status] * times)

    def _answer(self, headers: dict, payload: dict) -> tuple[int, dict]:
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.requests.append({"headers": headers, "payload": payload})
            if headers.get("Authorization") != f"Bearer {self.TOKEN}":
                return 401, {"error": "bad token"}
            if self.failures:
                return self.failures.pop(0), {"error": "injected"}
            key = headers.get("Idempotency-Key", "")
            if key in self.delivered and self.drop_duplicates:
                return 200, {"status": "duplicate"}
            self.delivered[key] = payload
            return 200, {"status": "queued"}

    def texts_to(self, phone: str) -> list[str]:
        return [p["text"] for p in self.delivered.values() if p["to"] == phone]

    def keys_sent(self) -> Counter:
        return Counter(r["headers"].get("Idempotency-Key") for r in self.requests)


@pytest.fixture
def gateway():
    fake = FakeGateway()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def sms_via_gateway(settings, gateway):
    """SMS through the fake gateway, e-mail off, tasks run inline once enqueued."""
    settings.NOTIFY = {
        **settings.NOTIFY,
        "BACKENDS": {"sms": "sms_http", "email": "off"},
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_TOKEN": FakeGateway.TOKEN,
        "SMS_GATEWAY_TIMEOUT": 5,
    }
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}
    return gateway


def outbox(case: Case, **filters):
    return list(Outbox.objects.filter(case=case, **filters).order_by("pk"))


def citizen(case: Case) -> services.CitizenActor:
    return services.CitizenActor(case_id=case.pk)


@pytest.fixture
def province_housing(county: County) -> Body:
    """A provincial department above the city one, so a re-review has somewhere to go (W36)."""
    body = Body.objects.create(
        name="山东省住房和城乡建设厅", kind=BodyKind.DEPARTMENT, division=county.province
    )
    county.city_housing.parent = body
    county.city_housing.save()
    user = get_user_model().objects.create_user("province_handler", password="x")
    Membership.objects.create(user=user, body=body, role="handler")
    county.users["province_handler"] = user
    return body


class Walk:
    """Takes one case along the petition procedure, one move at a time."""

    def __init__(self, county: County, case: Case | None = None, **register):
        self.county = county
        self.u = county.users
        if case is None:
            case = register_appeal(county, **register).case
        self.case = case

    def transfer(self, body=None):
        return services.transfer(
            case=self.case, actor=self.u["clerk"], body=body or self.county.housing
        )

    def accept(self, actor="handler"):
        return services.accept(case=self.case, actor=self.u[actor])

    def extend(self, days=30, reason="需要现场勘验"):
        services.request_extension(
            case=self.case, actor=self.u["handler"], days=days, reason=reason
        )
        return services.extend(case=self.case, actor=self.u["head"])

    def reply(self, decision="support"):
        services.decide(
            case=self.case,
            actor=self.u["handler"],
            decision=decision,
            facts="经现场核实屋面防水层破损",
            reasons="物业应履行维修义务",
        )
        return services.reply(case=self.case, actor=self.u["head"])

    def review(self, decision="explain"):
        services.request_review(case=self.case, actor=citizen(self.case), reasons="维修不及时")
        return services.decide_review(
            case=self.case,
            actor=self.u["city_handler"],
            decision=decision,
            opinion="维持原处理意见并说明理由",
        )

    def rereview(self, decision="reject"):
        services.request_rereview(case=self.case, actor=citizen(self.case), reasons="仍不满意")
        return services.decide_rereview(
            case=self.case, actor=self.u["province_handler"], decision=decision, opinion="复核终结"
        )

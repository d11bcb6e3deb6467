"""The 12345 hotline hand-off: a platform pushes a work order and reads its status, each request
signed with the platform's key (HMAC-SHA256 over "<timestamp>.<body>", docs/hotline.md). The
same order pushed again answers 200 with the same case, never a second one."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Literal

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import AwareDatetime, Field
from pydantic import ValidationError as PydanticError

from xinfang.cases.deadlines import HOTLINE_TIME_CLASSES
from xinfang.channels import selectors, signing
from xinfang.channels.services import OrderInput, receive_order
from xinfang.core.errors import InvalidInput

from .errors import field_errors

router = Router(tags=["hotline"])

Urgency = Literal[tuple(HOTLINE_TIME_CLASSES)]  # type: ignore[valid-type]


class CallerIn(Schema):
    name: str = Field("", max_length=50)
    phone: str = Field(..., min_length=1, max_length=20)


class OrderIn(Schema):
    order_number: str = Field(..., min_length=1, max_length=64)
    caller: CallerIn
    call_time: AwareDatetime
    content: str = Field(..., min_length=1, max_length=5000)
    title: str = Field("", max_length=200)
    category: str = Field("", max_length=100)
    urgency: Urgency = "normal"
    content_type: Literal["appeal", "suggestion", "consultation"] = "appeal"
    address: str = Field("", max_length=200)

    def order(self) -> OrderInput:
        return OrderInput(
            order_number=self.order_number,
            caller_name=self.caller.name,
            caller_phone=self.caller.phone,
            call_time=self.call_time,
            content=self.content,
            urgency=self.urgency,
            category=self.category,
            content_type=self.content_type,
            title=self.title,
            address=self.address,
        )


class OrderOut(Schema):
    order_number: str
    case_number: str
    status: str
    answer: str
    due_on: dt.date | None


def _json(body: dict, status: int) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _unauthorised(message: str) -> JsonResponse:
    return _json({"code": "unauthorized", "message": message}, 401)


def _signed(request, code: str):
    """The platform if the request carries its valid signature, else the 401 answer."""
    platform = selectors.active_platform(code)
    stamp = request.headers.get(signing.TIMESTAMP_HEADER, "")
    signature = request.headers.get(signing.SIGNATURE_HEADER, "")
    if platform is None or not signature:
        return None, _unauthorised(_("The request is not signed by a known hotline platform"))
    moment = time.time()
    window = settings.HOTLINE["REPLAY_SECONDS"]
    if not stamp.isdigit() or abs(moment - int(stamp)) > window:
        return None, _unauthorised(
            _("The request's timestamp is outside the allowed window; check the clock and resend")
        )
    if not signing.verify(
        platform.secret, stamp, request.body, signature, now=moment, window=window
    ):
        return None, _unauthorised(_("The request is not signed by a known hotline platform"))
    return platform, None


def answer(order) -> dict:
    last = selectors.last_status(order)
    return {
        "order_number": order.order_number,
        "case_number": order.case.number,
        "status": last.status if last else "received",
        "answer": last.answer if last else "",
        "due_on": due.isoformat() if (due := selectors.due_on(order)) else None,
    }


@router.post(
    "/v1/hotline/{platform}/orders",
    response={200: OrderOut, 201: OrderOut, 401: dict, 409: dict, 422: dict},
    summary="Push a work order (signed; pushing it again answers with the same case)",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": OrderIn.json_schema()}}}
    },
)
def push_order(request, platform: str):
    found, refused = _signed(request, platform)
    if refused:
        return refused
    try:
        data = OrderIn.model_validate(json.loads(request.body or b"null"))
    except (ValueError, PydanticError) as exc:
        errors = exc.errors() if isinstance(exc, PydanticError) else [{"type": "json_invalid"}]
        raise InvalidInput(
            _("Some of what you entered is not right; correct it and try again"),
            fields=field_errors(errors),
        ) from None
    received = receive_order(platform=found, order=data.order())
    return _json(answer(received.order), 201 if received.created else 200)


@router.get(
    "/v1/hotline/{platform}/orders/{order_number}",
    response={200: OrderOut, 401: dict, 404: dict, 422: dict},
    summary="A work order's status and answer (signed over an empty body)",
)
def order_status(request, platform: str, order_number: str):
    found, refused = _signed(request, platform)
    if refused:
        return refused
    order = selectors.order_of(found, order_number)
    return _json(answer(order), 200)

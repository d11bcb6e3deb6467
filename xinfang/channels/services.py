"""Receiving a hotline work order: one case per (platform, order number), however often it is
pushed. The API's signed push and the desk's phone intake both come here."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.cases import services as case_services
from xinfang.cases.deadlines import HOTLINE_TIME_CLASSES
from xinfang.cases.workflow import CONTENT_TYPES
from xinfang.core import crypto
from xinfang.core.errors import Conflict, InvalidInput
from xinfang.core.timeutil import now

from . import push
from .models import HotlineOrder, HotlinePlatform, StatusPush

CHANNEL = "hotline"
TITLE_CHARS = 40
# A call may be logged a little after it ends, never in the future beyond clock drift.
CLOCK_DRIFT = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class OrderInput:
    order_number: str
    caller_name: str
    caller_phone: str
    call_time: dt.datetime
    content: str
    urgency: str = "normal"
    category: str = ""  # the platform's own category words, kept as they came
    content_type: str = "appeal"
    title: str = ""
    address: str = ""

    def digest(self) -> str:
        """What makes two pushes of one number the same order: who called and what they said
        (a retry may differ in the words around them, e.g. the platform's category)."""
        data = [crypto.normalise_phone(self.caller_phone), " ".join(self.content.split())]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Received:
    order: HotlineOrder
    created: bool


def _validate(order: OrderInput) -> None:
    errors: dict[str, list[str]] = {}
    number = order.order_number.strip()
    if not number:
        errors["order_number"] = [_("Enter the work-order number")]
    elif len(number) > 64:
        errors["order_number"] = [_("The work-order number may not be longer than 64 characters")]
    if order.urgency not in HOTLINE_TIME_CLASSES:
        errors["urgency"] = [_("Choose the urgency: urgent, pressing, normal or routine")]
    if order.content_type not in CONTENT_TYPES:
        errors["content_type"] = [_("Choose a valid content type")]
    if not order.content.strip():
        errors["content"] = [_("Describe the matter")]
    if not order.caller_phone.strip():
        errors["caller.phone"] = [_("Enter the caller's number")]
    if timezone.is_naive(order.call_time):
        errors["call_time"] = [_("Give the call time with its time zone")]
    elif order.call_time > now() + CLOCK_DRIFT:
        errors["call_time"] = [_("The call time may not be in the future")]
    if errors:
        raise InvalidInput(
            _("Some of what you entered is not right; correct it and try again"), fields=errors
        )


def _existing(platform: HotlinePlatform, number: str) -> HotlineOrder | None:
    return (
        HotlineOrder.objects.select_related("case")
        .filter(platform=platform, order_number=number)
        .first()
    )


def _same(existing: HotlineOrder, order: OrderInput) -> Received:
    if existing.payload_sha256 and existing.payload_sha256 != order.digest():
        raise Conflict(
            _("This work-order number was already received with other content"),
            code="order_conflict",
        )
    return Received(existing, created=False)


def receive_order(
    *, platform: HotlinePlatform, order: OrderInput, actor=None, body=None
) -> Received:
    """Register the work order as a case of channel "hotline", its time class a clock from the
    day of the call; or, when this platform's order number is known, answer with that case.
    `actor` and `body` default to the platform's account and body (the desk passes its own)."""
    _validate(order)
    number = order.order_number.strip()
    existing = _existing(platform, number)
    if existing is not None:
        return _same(existing, order)
    body = body or platform.body
    call_day = timezone.localdate(order.call_time)
    period = HOTLINE_TIME_CLASSES[order.urgency]
    content = order.content.strip()
    title = order.title.strip() or content.splitlines()[0][:TITLE_CHARS]
    made: list[HotlineOrder] = []

    def remember(reg) -> None:
        # In the registration's transaction: the order row and its first status commit with it.
        row = HotlineOrder.objects.create(
            platform=platform,
            order_number=number,
            case=reg.case,
            call_time=order.call_time,
            category_text=order.category.strip()[:100],
            urgency=order.urgency,
            received_at=now(),
            payload_sha256=order.digest(),
        )
        made.append(row)
        push.queue(row, StatusPush.RECEIVED)

    try:
        case_services.register(
            actor=actor or platform.account,
            body=body,
            channel=CHANNEL,
            content_type=order.content_type,
            title=title,
            text=content,
            place=platform.place,
            address=order.address,
            parties=[case_services.PartyInput(name=order.caller_name, phone=order.caller_phone)],
            clocks_from=[period],
            received_on=call_day,
            on_registered=remember,
            durable=not transaction.get_connection().in_atomic_block,
        )
    except IntegrityError:
        # The same order pushed twice at once: the other push made the case.
        existing = _existing(platform, number)
        if existing is None:
            raise
        return _same(existing, order)
    return Received(made[0], created=True)

"""Reads of the hotline hand-off."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from xinfang.cases.access import cases_visible_to
from xinfang.cases.deadlines import HOTLINE_PERIODS
from xinfang.cases.models import Clock
from xinfang.core.errors import NotFound

from .models import HotlineOrder, HotlinePlatform, StatusPush


def active_platform(code: str) -> HotlinePlatform | None:
    return HotlinePlatform.objects.filter(code=code, active=True).first()


def platforms_for(bodies: list[int]):
    return HotlinePlatform.objects.filter(active=True, body_id__in=bodies).order_by("name")


def order_of(platform: HotlinePlatform, number: str) -> HotlineOrder:
    order = (
        HotlineOrder.objects.select_related("case")
        .filter(platform=platform, order_number=number)
        .first()
    )
    if order is None:
        raise NotFound(_("No such work order"))
    return order


def last_status(order: HotlineOrder) -> StatusPush | None:
    return order.pushes.order_by("-pk").first()


def due_on(order: HotlineOrder) -> dt.date | None:
    clock = (
        Clock.objects.filter(case_id=order.case_id, period__in=HOTLINE_PERIODS)
        .order_by("-pk")
        .first()
    )
    return clock.due_on if clock else None


def orders_visible_to(user):
    """Work orders whose case the user may see (reporters stay protected: cases/access.py)."""
    return HotlineOrder.objects.filter(case__in=cases_visible_to(user).values("pk"))

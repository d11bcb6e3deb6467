"""Reads of the outbox and of what is due to be sent."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from xinfang.cases.models import Clock
from xinfang.core import tablecache

from .models import MessageTemplate, Outbox


def pending_ids_for_event(event_id: int) -> list[int]:
    return list(
        Outbox.objects.filter(event_id=event_id, status=Outbox.PENDING).values_list("pk", flat=True)
    )


def due_outbox(moment: dt.datetime) -> QuerySet[Outbox]:
    """Rows a worker may take now; one range scan on the (status, next_attempt_at) index."""
    return Outbox.objects.filter(
        status__in=Outbox.DUE_STATUSES, next_attempt_at__lte=moment
    ).order_by("next_attempt_at", "pk")


@tablecache.cached("notify.template", MessageTemplate)
def active_template(key: str, channel: str) -> MessageTemplate | None:
    return MessageTemplate.objects.filter(key=key, channel=channel).first()


def rating_clocks_needing_reminder(on: dt.date, days: int) -> QuerySet[Clock]:
    """Rating windows opened at least `days` ago, still open and unrated, with no reminder yet."""
    return (
        Clock.objects.filter(
            period="rating",
            status=Clock.RUNNING,
            started_on__lte=on - dt.timedelta(days=days),
            due_on__gte=on,
            case__rating="",
        )
        .exclude(Exists(Outbox.objects.filter(clock=OuterRef("pk"))))
        .select_related("case", "case__holder_body")
        .order_by("pk")
    )

"""Publishing reception days (one, or a weekly series), calling one off, the day-before reminder."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.cases.access import may_keep_reception
from xinfang.core.errors import PermissionDenied
from xinfang.core.timeutil import now, today
from xinfang.notify import defaults as notify_defaults

from ..models import Appointment, DayMode, ReceptionDay
from .common import (
    MAX_WEEKS,
    invalid,
    send_message,
)


@dataclass(frozen=True)
class DayInput:
    office: object  # Body
    host: object  # Body
    leader_title: str
    day: dt.date
    starts_at: dt.time
    ends_at: dt.time
    mode: str
    capacity: int
    place: str = ""
    topics: str = ""
    leader: object | None = None
    stations: tuple = ()
    lawyers: tuple = ()
    weeks: int = 1  # 1: this day only; n: the same weekday n weeks running (one series)


def publish_days(*, actor, data: DayInput) -> list[ReceptionDay]:
    """Publish a reception day, or a weekly series of them, at the actor's office."""
    if not may_keep_reception(actor, data.office):
        raise PermissionDenied(_("You may not publish reception days for this office"))
    if not data.leader_title.strip():
        raise invalid("leader_title", _("Name the receiving leader"))
    if data.capacity < 1:
        raise invalid("capacity", _("Offer at least one place"))
    if data.ends_at <= data.starts_at:
        raise invalid("ends_at", _("The session must end after it starts"))
    if data.day < today():
        raise invalid("day", _("A reception day cannot be in the past"))
    if data.mode == DayMode.IN_PERSON and not data.place.strip():
        raise invalid("place", _("Say where petitioners are received"))
    if not 1 <= data.weeks <= MAX_WEEKS:
        raise invalid("weeks", _("Repeat for 1 to 26 weeks"))
    stations = list(data.stations)
    if any(not s.has_video_room for s in stations):
        raise invalid("stations", _("Only stations with a video room can join a session"))
    if stations and data.mode == DayMode.IN_PERSON:
        raise invalid("stations", _("Stations join by video: choose a video session"))
    series = uuid.uuid4() if data.weeks > 1 else None
    out = []
    with transaction.atomic(durable=True):
        for week in range(data.weeks):
            day = ReceptionDay.objects.create(
                office=data.office,
                host=data.host,
                leader=data.leader,
                leader_title=data.leader_title.strip(),
                day=data.day + dt.timedelta(weeks=week),
                starts_at=data.starts_at,
                ends_at=data.ends_at,
                mode=data.mode,
                place=data.place.strip(),
                topics=data.topics.strip(),
                capacity=data.capacity,
                published=True,
                series=series,
                created_by=actor,
            )
            day.stations.set(stations)
            day.lawyers.set(list(data.lawyers))
            out.append(day)
    return out


def cancel_day(*, actor, day: ReceptionDay) -> None:
    """Call a day off: every booked petitioner is told by SMS."""
    if not may_keep_reception(actor, day.office):
        raise PermissionDenied(_("You may not change this office's reception days"))
    with transaction.atomic(durable=True):
        ReceptionDay.objects.filter(pk=day.pk).update(cancelled=True, booked=0)
        booked = day.appointments.filter(status=Appointment.Status.BOOKED)
        for a in booked.select_related("case", "day", "station"):
            a.status = Appointment.Status.CANCELLED
            a.cancelled_at = now()
            a.save(update_fields=["status", "cancelled_at"])
            send_message(a, notify_defaults.RECEPTION_CANCELLED)


def queue_reminders(*, on: dt.date | None = None) -> int:
    """The day before: one reminder per booked appointment of tomorrow's days. Running it twice
    queues nothing new."""
    tomorrow = (on or today()) + dt.timedelta(days=1)
    count = 0
    due = Appointment.objects.filter(
        day__day=tomorrow, day__cancelled=False, status=Appointment.Status.BOOKED
    ).select_related("day", "case", "station")
    for a in due.iterator(chunk_size=200):
        with transaction.atomic():
            count += len(send_message(a, notify_defaults.RECEPTION_REMINDER))
    return count

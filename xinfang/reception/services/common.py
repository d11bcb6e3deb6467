"""Shared by the reception services: typed errors, video room addresses, the messages."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from xinfang.core.errors import Conflict, InvalidInput
from xinfang.notify import services as notify

from ..models import Appointment, Mode, ReceptionDay

MAX_WEEKS = 26


class Full(Conflict):
    code = "reception_full"


def invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


# ---------------------------------------------------------------------------------------------
# Video rooms


def room_link(room: str) -> str:
    """The video room's address from the configured template (a self-hosted Jitsi Meet, say)."""
    template = settings.XINFANG.get("RECEPTION_VIDEO_URL", "")
    return template.replace("{room}", room) if template else ""


def appointment_link(appointment: Appointment) -> str:
    """The citizen's own room for a video appointment; none for one in person."""
    if appointment.mode != Mode.VIDEO:
        return ""
    return room_link(f"{appointment.day.room}-{appointment.token}")


def session_link(day: ReceptionDay) -> str:
    """The day's shared room: the leader and the joining stations meet there."""
    return room_link(day.room) if day.has_video else ""


# ---------------------------------------------------------------------------------------------
# Messages


def _day_words(day: ReceptionDay) -> str:
    return f"{day.day.year}年{day.day.month}月{day.day.day}日{day.starts_at:%H:%M}"


def send_message(appointment: Appointment, key: str, *, dedupe: str = "") -> list[int]:
    day = appointment.day
    if appointment.mode == Mode.VIDEO:
        place = "视频接待" + (
            f"（{appointment.station.name}视频室）" if appointment.station else ""
        )
    else:
        place = f"地点：{day.place}"
    ids = notify.queue_case_message(
        appointment.case,
        key,
        {
            "reception_day": _day_words(day),
            "reception_leader": day.leader_title,
            "reception_place": place,
            "room_link": appointment_link(appointment) if key != "reception_cancelled" else "",
        },
        dedupe=dedupe or f"{key}:{appointment.pk}",
    )
    if ids:
        transaction.on_commit(lambda: _deliver(ids))
    return ids


def _deliver(ids: list[int]) -> None:
    from xinfang.notify.tasks import deliver_outbox

    try:
        deliver_outbox.enqueue(ids)
    except Exception:  # the worker's sweep sends them
        pass

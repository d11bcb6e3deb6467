"""Taking and giving back a place on a reception day."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from xinfang.cases import citizen
from xinfang.cases import services as case_services
from xinfang.cases.access import CitizenActor, case_get_for_user, may_keep_reception
from xinfang.cases.models import Case
from xinfang.core.errors import Conflict, NotFound, PermissionDenied
from xinfang.core.timeutil import now, today
from xinfang.notify import defaults as notify_defaults

from ..models import Appointment, Mode, ReceptionDay
from .common import (
    Full,
    invalid,
    send_message,
)


def _open_day(day_id: int) -> ReceptionDay:
    day = ReceptionDay.objects.select_related("office", "host").filter(pk=day_id).first()
    if day is None or not day.published or day.cancelled:
        raise NotFound(_("This reception day is not open for booking"))
    if day.day < today():
        raise Conflict(_("This reception day is over"), code="reception_over")
    return day


def book(
    *,
    day_id: int,
    case: Case,
    mode: str,
    kind: str,
    actor=None,
    station=None,
    note: str = "",
) -> Appointment:
    """Take a place on a day for a case (inner: runs in the caller's transaction)."""
    day = _open_day(day_id)
    if mode not in Mode.values or (mode == Mode.VIDEO and not day.has_video):
        raise invalid("mode", _("This day does not receive that way"))
    if mode == Mode.IN_PERSON and not day.in_person:
        raise invalid("mode", _("This day does not receive that way"))
    if station is not None and (mode != Mode.VIDEO or not station.has_video_room):
        raise invalid("station", _("Only stations with a video room can join a session"))
    with transaction.atomic():
        if day.appointments.filter(case=case, status=Appointment.Status.BOOKED).exists():
            raise Conflict(_("This case already has a place on that day"), code="reception_twice")
        # The one guard against overbooking: a single conditional update of the day's row.
        taken = ReceptionDay.objects.filter(
            pk=day.pk, booked__lt=F("capacity"), cancelled=False
        ).update(booked=F("booked") + 1)
        if not taken:
            raise Full(_("Every place on this reception day is taken"))
        appointment = Appointment.objects.create(
            day=day,
            case=case,
            kind=kind,
            mode=mode,
            station=station,
            note=note.strip()[:200],
            booked_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        send_message(appointment, notify_defaults.RECEPTION_BOOKED)
    return appointment


def book_existing(
    *, day_id: int, tracking_code: str, password: str, mode: str, ip: str
) -> Appointment:
    """The citizen books for a case they follow (tracking code and query password)."""
    case = citizen.find(tracking_code, password, ip=ip)
    with transaction.atomic(durable=True):
        return book(day_id=day_id, case=case, mode=mode, kind=Appointment.Kind.BOOKED)


def book_new_matter(
    *, day_id: int, submission: citizen.Submission, mode: str, ip: str
) -> tuple[Appointment, case_services.Registration]:
    """The citizen books for a new matter: it is registered as a petition and the place taken in
    the same transaction, so a full day leaves no case behind."""
    _open_day(day_id)
    booked: list[Appointment] = []

    def take_place(reg: case_services.Registration) -> None:
        booked.append(book(day_id=day_id, case=reg.case, mode=mode, kind=Appointment.Kind.BOOKED))

    reg = citizen.submit(submission, ip=ip, on_registered=take_place)
    return booked[0], reg


STAFF_KINDS = (Appointment.Kind.WALK_IN, Appointment.Kind.INVITED, Appointment.Kind.VISIT)


def book_for(
    *, actor, day_id: int, number: str, mode: str, kind: str, station=None, note: str = ""
) -> Appointment:
    """A clerk books for a walk-in, records an invitation (约访) or a leader's visit (下访)."""
    day = _open_day(day_id)
    if not may_keep_reception(actor, day.office):
        raise PermissionDenied(_("You may not book at this office's reception days"))
    if kind not in STAFF_KINDS:
        raise invalid("kind", _("Choose how the petitioner comes"))
    case = case_get_for_user(actor, number)
    with transaction.atomic(durable=True):
        return book(
            day_id=day_id, case=case, mode=mode, kind=kind, actor=actor, station=station, note=note
        )


def cancel(*, appointment: Appointment, actor) -> Appointment:
    """The petitioner (CitizenActor for their case) or the office cancels; the place is freed."""
    if isinstance(actor, CitizenActor):
        if actor.case_id != appointment.case_id:
            raise NotFound(_("Appointment not found"))
    elif not may_keep_reception(actor, appointment.day.office):
        raise PermissionDenied(_("You may not change this office's reception days"))
    with transaction.atomic(durable=True):
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status != Appointment.Status.BOOKED:
            raise Conflict(_("This appointment is no longer booked"), code="reception_not_booked")
        locked.status = Appointment.Status.CANCELLED
        locked.cancelled_at = now()
        locked.save(update_fields=["status", "cancelled_at"])
        ReceptionDay.objects.filter(pk=locked.day_id, booked__gt=0).update(booked=F("booked") - 1)
        send_message(locked, notify_defaults.RECEPTION_CANCELLED)
    return locked

"""Reception days (W18): publishing days, booking and cancelling, the session record.

Entry points own the one durable transaction; `book` is an inner function so that a new matter's
registration and its booking commit together. A day's places are taken by one conditional
update (`booked < capacity`), so two people racing for the last place cannot both get it, on
SQLite or PostgreSQL, and no lock is held while the rest of the booking is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.cases import citizen, workflow
from xinfang.cases import services as case_services
from xinfang.cases.access import CitizenActor, case_get_for_user, may_keep_reception
from xinfang.cases.models import Case
from xinfang.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.core.timeutil import now, today
from xinfang.notify import defaults as notify_defaults
from xinfang.notify import services as notify

from .models import Appointment, DayMode, Lawyer, LawyerAssignment, Mode, ReceptionDay
from .models import SessionRecord as Record

MAX_WEEKS = 26


class Full(Conflict):
    code = "reception_full"


def _invalid(field: str, message: str) -> InvalidInput:
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
# Publishing


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
        raise _invalid("leader_title", _("Name the receiving leader"))
    if data.capacity < 1:
        raise _invalid("capacity", _("Offer at least one place"))
    if data.ends_at <= data.starts_at:
        raise _invalid("ends_at", _("The session must end after it starts"))
    if data.day < today():
        raise _invalid("day", _("A reception day cannot be in the past"))
    if data.mode == DayMode.IN_PERSON and not data.place.strip():
        raise _invalid("place", _("Say where petitioners are received"))
    if not 1 <= data.weeks <= MAX_WEEKS:
        raise _invalid("weeks", _("Repeat for 1 to 26 weeks"))
    stations = list(data.stations)
    if any(not s.has_video_room for s in stations):
        raise _invalid("stations", _("Only stations with a video room can join a session"))
    if stations and data.mode == DayMode.IN_PERSON:
        raise _invalid("stations", _("Stations join by video: choose a video session"))
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
            _message(a, notify_defaults.RECEPTION_CANCELLED)


# ---------------------------------------------------------------------------------------------
# Booking


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
        raise _invalid("mode", _("This day does not receive that way"))
    if mode == Mode.IN_PERSON and not day.in_person:
        raise _invalid("mode", _("This day does not receive that way"))
    if station is not None and (mode != Mode.VIDEO or not station.has_video_room):
        raise _invalid("station", _("Only stations with a video room can join a session"))
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
        _message(appointment, notify_defaults.RECEPTION_BOOKED)
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
        raise _invalid("kind", _("Choose how the petitioner comes"))
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
        _message(locked, notify_defaults.RECEPTION_CANCELLED)
    return locked


# ---------------------------------------------------------------------------------------------
# Messages


def _day_words(day: ReceptionDay) -> str:
    return f"{day.day.year}年{day.day.month}月{day.day.day}日{day.starts_at:%H:%M}"


def _message(appointment: Appointment, key: str, *, dedupe: str = "") -> list[int]:
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
            count += len(_message(a, notify_defaults.RECEPTION_REMINDER))
    return count


# ---------------------------------------------------------------------------------------------
# The session record


@dataclass(frozen=True)
class RecordingInput:
    name: str
    content: bytes
    mime_type: str = "application/octet-stream"


def record_session(
    *,
    actor,
    appointment: Appointment,
    came: bool,
    attendees: str = "",
    said: str = "",
    decided: str = "",
    recording: RecordingInput | None = None,
) -> Appointment:
    """After the session: who came, what was said and decided. It lands on the case's timeline;
    the follow-on moves (accept, assign, 包案) are the case's own moves."""
    if not may_keep_reception(actor, appointment.day.office) and actor != appointment.day.leader:
        raise PermissionDenied(_("You may not record this office's receptions"))
    if appointment.status not in (Appointment.Status.BOOKED,):
        raise Conflict(_("This session is already recorded"), code="reception_recorded")
    if appointment.day.day > timezone.localdate(now()):
        raise _invalid("came", _("A session is recorded once it has been held"))
    if came:
        for field, value, message in (
            ("attendees", attendees, _("Name who came")),
            ("said", said, _("Say what was said")),
            ("decided", decided, _("Say what was decided")),
        ):
            if not value.strip():
                raise _invalid(field, message)
    with transaction.atomic(durable=True):
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status != Appointment.Status.BOOKED:
            raise Conflict(_("This session is already recorded"), code="reception_recorded")
        if not came:
            locked.status = Appointment.Status.ABSENT
            locked.save(update_fields=["status"])
            return locked
        locked.status = Appointment.Status.HELD
        locked.save(update_fields=["status"])
        record = Record(
            appointment=locked,
            attendees=attendees.strip(),
            said=said.strip(),
            decided=decided.strip(),
            recorded_by=actor,
            recorded_at=now(),
        )
        if recording is not None:
            _store_recording(record, recording)
        record.save()
        day = appointment.day
        case_services.note_on_timeline(
            case=locked.case,
            actor=actor,
            kind=workflow.RECEPTION_HELD,
            extra={
                "appointment": locked.pk,
                "day": day.day.isoformat(),
                "leader": day.leader_title,
                "mode": locked.mode,
                "attendees": record.attendees,
                "said": record.said,
                "decided": record.decided,
                "citizen_note": record.decided,
            },
        )
    return locked


def _store_recording(record: Record, recording: RecordingInput) -> None:
    from django.core.files.base import ContentFile

    from xinfang.core.filetypes import sniff

    if not recording.content:
        raise _invalid("recording", _("The recording is empty"))
    limit = settings.XINFANG.get("RECEPTION_RECORDING_MAX_MB", 500) * 1024 * 1024
    if len(recording.content) > limit:
        raise _invalid("recording", _("The recording is larger than this server accepts"))
    # What is stored and served is what the bytes are, never what the client declared.
    mime = sniff(recording.content)
    if not mime.startswith(("video/", "audio/")):
        raise _invalid("recording", _("Attach a video or sound recording"))
    name = recording.name.rsplit("/", 1)[-1][:200] or "recording"
    record.recording.save(name, ContentFile(recording.content), save=False)
    record.recording_name = name
    record.recording_type = mime[:100]


def attach_recording(*, actor, record: Record, recording: RecordingInput) -> Record:
    if not may_keep_reception(actor, record.appointment.day.office):
        raise PermissionDenied(_("You may not record this office's receptions"))
    with transaction.atomic(durable=True):
        _store_recording(record, recording)
        record.save(update_fields=["recording", "recording_name", "recording_type"])
    return record


# ---------------------------------------------------------------------------------------------
# Resident lawyers


def assign_lawyer(*, actor, number: str, lawyer: Lawyer) -> LawyerAssignment:
    case = case_get_for_user(actor, number)
    if not lawyer.is_active or not may_keep_reception(actor, lawyer.office):
        raise PermissionDenied(_("You may not assign this lawyer"))
    with transaction.atomic(durable=True):
        assignment, created = LawyerAssignment.objects.get_or_create(
            lawyer=lawyer,
            case=case,
            defaults={"assigned_by": actor, "assigned_at": now()},
        )
        if not created:
            raise Conflict(_("This lawyer is already on the case"), code="lawyer_twice")
        case_services.note_on_timeline(
            case=case,
            actor=actor,
            kind=workflow.LAWYER_ASSIGNED,
            extra={"lawyer": str(lawyer), "citizen_note": str(lawyer)},
        )
    return assignment


def record_opinion(*, actor, assignment: LawyerAssignment, opinion: str) -> LawyerAssignment:
    """The lawyer's written opinion, entered by the office; it lands on the case's timeline."""
    if not opinion.strip():
        raise _invalid("opinion", _("Enter the lawyer's opinion"))
    if not may_keep_reception(actor, assignment.lawyer.office):
        raise PermissionDenied(_("You may not record this lawyer's opinion"))
    with transaction.atomic(durable=True):
        assignment.opinion = opinion.strip()
        assignment.opinion_at = now()
        assignment.save(update_fields=["opinion", "opinion_at"])
        case_services.note_on_timeline(
            case=assignment.case,
            actor=actor,
            kind=workflow.LAWYER_OPINION,
            extra={
                "lawyer": str(assignment.lawyer),
                "opinion": assignment.opinion,
                "citizen_note": assignment.opinion,
            },
        )
    return assignment


def lawyers_on(days: Iterable[ReceptionDay]) -> dict[int, list[Lawyer]]:
    return {d.pk: list(d.lawyers.all()) for d in days}

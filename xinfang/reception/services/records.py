"""The session record, its recording, and the timeline entry it writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.cases import services as case_services
from xinfang.cases import workflow
from xinfang.cases.access import may_keep_reception
from xinfang.core.errors import Conflict, PermissionDenied
from xinfang.core.timeutil import now

from ..models import Appointment
from ..models import SessionRecord as Record
from .common import (
    invalid,
)


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
        raise invalid("came", _("A session is recorded once it has been held"))
    if came:
        for field, value, message in (
            ("attendees", attendees, _("Name who came")),
            ("said", said, _("Say what was said")),
            ("decided", decided, _("Say what was decided")),
        ):
            if not value.strip():
                raise invalid(field, message)
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
        raise invalid("recording", _("The recording is empty"))
    limit = settings.XINFANG.get("RECEPTION_RECORDING_MAX_MB", 500) * 1024 * 1024
    if len(recording.content) > limit:
        raise invalid("recording", _("The recording is larger than this server accepts"))
    # What is stored and served is what the bytes are, never what the client declared.
    mime = sniff(recording.content)
    if not mime.startswith(("video/", "audio/")):
        raise invalid("recording", _("Attach a video or sound recording"))
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

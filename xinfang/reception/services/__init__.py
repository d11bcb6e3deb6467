"""Reception days (W18): publishing days, booking and cancelling, the session record, lawyers.

Entry points own the one durable transaction; `book` is an inner function so that a new matter's
registration and its booking commit together. A day's places are taken by one conditional
update (`booked < capacity`), so two people racing for the last place cannot both get it, on
SQLite or PostgreSQL, and no lock is held while the rest of the booking is written.
"""

from .booking import (
    STAFF_KINDS,
    book,
    book_existing,
    book_for,
    book_new_matter,
    cancel,
)
from .common import MAX_WEEKS, Full, appointment_link, room_link, session_link
from .days import DayInput, cancel_day, publish_days, queue_reminders
from .lawyers import assign_lawyer, record_opinion
from .records import RecordingInput, attach_recording, record_session

__all__ = [
    "MAX_WEEKS",
    "STAFF_KINDS",
    "DayInput",
    "Full",
    "RecordingInput",
    "appointment_link",
    "assign_lawyer",
    "attach_recording",
    "book",
    "book_existing",
    "book_for",
    "book_new_matter",
    "cancel",
    "cancel_day",
    "publish_days",
    "queue_reminders",
    "record_opinion",
    "record_session",
    "room_link",
    "session_link",
]

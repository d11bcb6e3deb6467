"""Scheduled oversight work (django-tasks): overdue flags and due-soon reminders (W40, X36)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from xinfang.cases import services as case_services
from xinfang.notify import services as notify_services
from xinfang.notify import staff as notify_staff


def run_supervision(*, on: dt.date | None = None, send: bool = True) -> dict:
    """Flag newly overdue staff deadlines once per clock, queue today's due-soon reminders to the
    holding bodies (once per clock per day) and send them. Safe to run more than once a day."""
    flagged = case_services.flag_overdue(on=on)
    ids = notify_staff.queue_due_soon_reminders(on=on)
    out = {"overdue_flagged": flagged, "reminders_queued": len(ids), "sent": 0}
    if ids and send:
        out["sent"] = notify_services.deliver(ids=ids).sent
    return out


@task()
def run_supervision_task() -> dict:
    return run_supervision()

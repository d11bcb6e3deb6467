"""Timeline entries that the rows above cases write about a case without changing it: a
reception session held, a resident lawyer assigned, a lawyer's opinion (workflow.NOTED_EVENTS).

An inner function: it runs inside the caller's transaction, so the caller's own rows (the session
record, the lawyer's assignment) and the entry commit together or not at all."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.errors import InvalidInput

from .. import workflow
from ..access import case_get_for_user
from ..models import Case, CaseEvent
from .engine import record_entry


def note_on_timeline(*, case: Case, actor, kind: str, extra: dict) -> CaseEvent:
    """Append a declared non-move entry to the case's timeline. The actor must be able to see
    the case (the same "not found" as a missing one); the version stays, so open forms on the
    case are not made stale."""
    if kind not in workflow.NOTED_EVENTS:
        raise InvalidInput(_("Unknown timeline entry"), code="unknown_event")
    visible = case_get_for_user(actor, case.number)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=visible.pk)
        return record_entry(
            locked,
            kind=kind,
            actor=actor,
            extra=extra,
            citizen_visible=workflow.EVENTS[kind].citizen_visible,
        )

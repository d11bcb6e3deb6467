"""The one transition function: lock, check, apply, record the chained event, move clocks, publish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from xinfang.core import audit, events, rows
from xinfang.core.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from xinfang.core.selectors import work_calendar
from xinfang.core.timeutil import now, today
from xinfang.orgs.models import BodyKind

from .. import workflow
from ..access import CitizenActor, acting_roles, is_protected_from
from ..models import Case, CaseEvent, Clock
from ..selectors import note_text, periods
from .clocks import case_saved_after, start_clock, stop_clock

W = workflow.S

# The function that makes each move, by the move's name: what pages and the API dispatch to.
MOVE_FUNCTIONS: dict[str, Callable[..., Case]] = {}


def performs(name: str):
    """Mark the function that makes move `name` (declared in workflow.MOVES)."""
    workflow.get_move(name)

    def mark(func):
        if name in MOVE_FUNCTIONS:
            raise ImportError(f"two functions make the move {name!r}")
        MOVE_FUNCTIONS[name] = func
        return func

    return mark


def record_entry(locked: Case, *, kind: str, actor, extra: dict, citizen_visible: bool):
    """A timeline entry that is not a move (an unmask, an overdue mark, a note from a row above):
    on the locked case, in the caller's transaction. The version stays, so forms others have
    open are not made stale."""
    event = append_event(
        locked,
        kind=kind,
        actor=actor,
        from_state=locked.state,
        to_state=locked.state,
        extra=extra,
        citizen_visible=citizen_visible,
    )
    Case.objects.filter(pk=locked.pk).update(
        event_count=locked.event_count, audit_head=locked.audit_head
    )
    events.publish(event)
    return event


def next_event(
    case: Case,
    *,
    kind: str,
    actor,
    from_state: str,
    to_state: str,
    old: dict | None = None,
    new: dict | None = None,
    extra: dict | None = None,
    notice: str = "",
    citizen_visible: bool = True,
) -> CaseEvent:
    """The case's next timeline entry, linked into its hash chain and counted on the case,
    not yet written: the caller inserts it (append_event, or registration with its other
    rows)."""
    event = CaseEvent(
        case=case,
        seq=case.event_count + 1,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor),
        # UTC, as the database returns it: the hash covers at.isoformat().
        at=now().astimezone(dt.UTC),
        from_state=from_state,
        to_state=to_state,
        old=old or {},
        new=new or {},
        extra=extra or {},
        notice=notice or "",
        citizen_visible=citizen_visible,
        prev_hash=case.audit_head or audit.GENESIS,
    )
    event.hash = audit.link_hash(event.prev_hash, event.hash_payload())
    case.event_count = event.seq
    case.audit_head = event.hash
    return event


def append_event(case: Case, **entry) -> CaseEvent:
    """Write the case's next timeline entry (next_event's arguments)."""
    event = next_event(case, **entry)
    rows.insert([event])  # append-only: always a new row
    return event


def actor_label(actor) -> str:
    if actor is None:
        return "系统"
    if isinstance(actor, CitizenActor):
        return actor.label
    return actor.get_full_name() or actor.get_username()


def context_for(case: Case, on: dt.date | None = None) -> workflow.Context:
    due = {c.period: c.due_on for c in case.clocks.exclude(status=Clock.STOPPED)}
    return workflow.Context(
        state=case.state,
        today=on or today(),
        content_type=case.content_type,
        channel=case.channel,
        extension_used=case.extension_used,
        extension_requested=case.extension_requested,
        hearing_active=case.hearing_active,
        rated=case.rating,
        due=due,
        holder_is_discipline=case.holder_body.kind == BodyKind.DISCIPLINE,
        holder_level=case.holder_body.division.level,
        co_handling=case.co_handlers.exists(),
        letter_pending=case.letter_leader_id is not None,
    )


def available_moves(actor, case: Case) -> list[workflow.Move]:
    """Moves this actor may make on this case now (drawn from workflow.py)."""
    ctx = context_for(case)
    return [
        m
        for m in workflow.moves_from(case.state)
        if acting_roles(actor, case, m) and not workflow.guard_failures(m, ctx)
    ]


SNAPSHOT_FIELDS = (
    "state",
    "holder_body_id",
    "handler_id",
    "decision",
    "rating",
    "leader_level",
    "supervised",
    "listed_supervision",
    "escalated",
    "extension_used",
)


def _snapshot(case: Case) -> dict[str, Any]:
    return {f: getattr(case, f) for f in SNAPSHOT_FIELDS}


def _diff(old: dict, new: dict) -> tuple[dict, dict]:
    changed = [k for k in old if old[k] != new[k]]
    return {k: old[k] for k in changed}, {k: new[k] for k in changed}


def _resolve(case: Case | str) -> int:
    if isinstance(case, Case):
        return case.pk
    pk = Case.objects.filter(number=case).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound(_("Case not found"))
    return pk


Apply = Callable[[Case, dt.date], dict | None]


# Serialisation failure and deadlock (PostgreSQL), and a lock wait that timed out (SQLite).
LOCK_CONFLICT_SQLSTATES = frozenset({"40001", "40P01"})


def is_lock_conflict(exc: OperationalError) -> bool:
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return state in LOCK_CONFLICT_SQLSTATES or "database is locked" in str(exc)


class Note:
    """A fixed note the citizen reads on the timeline. The hashed timeline keeps it in Chinese,
    never in the language of whoever made the move, together with its English source and values,
    so each reader sees it in their own language (selectors.citizen_note)."""

    def __init__(self, msgid: str, **values: str):
        self.msgid = msgid
        self.values = values

    def as_extra(self) -> dict:
        with translation.override("zh-hans"):
            text = note_text(self.msgid, self.values)
        return {
            "citizen_note": text,
            "citizen_note_msgid": self.msgid,
            "citizen_note_values": dict(self.values),
        }


def transition(
    name: str,
    *,
    case: Case | str,
    actor,
    expected_version: int | None = None,
    apply: Apply | None = None,
    clock_due: dict[str, dt.date] | None = None,
    citizen_note: str | Note = "",
) -> Case:
    """Make move `name` on `case`. `apply` changes the case's own fields and returns event extra.

    Two moves that lock the same cases in opposite order (a repeat merged each way) make the
    database give up one of them: that one gets the same clear conflict as a stale form.
    """
    try:
        return _transition(
            name,
            case=case,
            actor=actor,
            expected_version=expected_version,
            apply=apply,
            clock_due=clock_due,
            citizen_note=citizen_note,
        )
    except OperationalError as exc:
        if is_lock_conflict(exc):
            raise StaleVersion(
                _("Someone else has changed this case; reload it and check before you try again")
            ) from exc
        raise


def _transition(
    name: str,
    *,
    case: Case | str,
    actor,
    expected_version: int | None,
    apply: Apply | None,
    clock_due: dict[str, dt.date] | None,
    citizen_note: str | Note,
) -> Case:
    move = workflow.get_move(name)
    pk = _resolve(case)
    with transaction.atomic():
        locked = (
            # Only the case row: locking the joined body too would make every move of a body's
            # cases queue on its row, and deadlock with rows that refer to the body.
            Case.objects.select_for_update(of=("self",))
            .select_related("holder_body", "holder_body__division")
            .filter(pk=pk)
            .first()
        )
        if locked is None:
            raise NotFound(_("Case not found"))
        roles = acting_roles(actor, locked, move)
        if not roles:
            if is_protected_from(actor, locked):
                raise NotFound(_("Case not found"))
            raise PermissionDenied(
                _("You may not do “%(move)s” on this case") % {"move": move.label}
            )
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(
                _("Someone else has changed this case; reload it and check before you try again")
            )
        day = today()
        workflow.check(move, context_for(locked, day), roles)
        before = _snapshot(locked)
        from_state = locked.state
        with case_saved_after(locked):  # locked.save() below writes next_due_on with the rest
            extra = (apply(locked, day) if apply else None) or {}
            if move.target:
                locked.state = move.target
                if move.target == W.CLOSED:
                    locked.closed_at = now()
            _move_clocks(locked, move, day, clock_due)
        locked.version += 1
        old, new = _diff(before, _snapshot(locked))
        extra.setdefault("article", move.article)
        if isinstance(citizen_note, Note):
            extra.update(citizen_note.as_extra())
        elif citizen_note:
            extra["citizen_note"] = citizen_note
        event = append_event(
            locked,
            kind=name,
            actor=actor,
            from_state=from_state,
            to_state=locked.state,
            old=old,
            new=new,
            extra=extra,
            notice=move.notice or "",
            citizen_visible=move.citizen_visible,
        )
        locked.save()
        events.publish(event)
    return locked


def _move_clocks(locked: Case, move, day: dt.date, clock_due: dict[str, dt.date] | None) -> None:
    cal = work_calendar()
    configured = periods()
    for key in move.stops:
        stop_clock(locked, key, day)
    if locked.state in workflow.TERMINAL:
        # A case that ends stops every clock still counting (result report, feedback, ...).
        for key in locked.clocks.exclude(status=Clock.STOPPED).values_list("period", flat=True):
            stop_clock(locked, key, day)
    starts = move.starts
    if locked.decision == "support":
        starts = (*starts, *move.starts_if_supported)
    for key in starts:
        start_clock(locked, key, day, cal, configured, due=(clock_due or {}).get(key))


def require_text(text: str, field_name: str, message: str) -> str:
    if not (text or "").strip():
        raise InvalidInput(message, fields={field_name: [message]})
    return text.strip()

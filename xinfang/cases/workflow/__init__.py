"""The case state machine, declared once as data (STATUTE.md). Pure: no database.

Each move is one row (moves.Move) in its area's table: routing, handling, review, oversight.
Services enforce the rows, the desk draws its forms from them, the API builds one schema per move,
the portal reads its timeline words and notify its message keys from them. A period is one row of
deadlines.DEFAULT_PERIODS, with its owner. Articles: W = 信访工作条例 (2022), X = 信访条例 (2005,
configurable defaults).
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xinfang.core.errors import MoveNotAllowed

from . import contact, followups, handling, oversight, reception, review, routing
from .guards import Context, Guard
from .inputs import Field, Input
from .moves import (
    CASE_PAGE,
    LEADERS_PAGE,
    NO_MESSAGE,
    PAGES,
    PORTAL,
    ROUTE_PAGE,
    SUPERVISION_PAGE,
    Event,
    Move,
    check,
    guard_failures,
    table,
)
from .vocabulary import (
    ANSWERED,
    AT_CO_HANDLER,
    AT_HOLDER,
    AT_OFFICE,
    AT_SENDER,
    BODY_STAFF,
    CHANNELS,
    CONSULTATION,
    CONTENT_TYPES,
    DECISIONS,
    GRID,
    HANDLER,
    HANDLING,
    HEAD,
    IN_SCOPE,
    INTAKE,
    LEADER,
    LEADER_LEVELS,
    LEGAL_CHANNELS,
    OPEN,
    PETITIONER,
    RATINGS,
    RECEIVED,
    REGISTER_ROLES,
    ROUTING,
    STAFF_ROUTERS,
    STATE_LABELS,
    STATES,
    SUPERVISOR,
    SYSTEM,
    TERMINAL,
    S,
)

MOVES: dict[str, Move] = table(
    routing.MOVES,
    handling.MOVES,
    review.MOVES,
    oversight.MOVES,
    reception.MOVES,
    contact.MOVES,
    followups.MOVES,
)

# Timeline entries that are not moves.
REGISTER = "register"
REPEAT_MERGED = "repeat_merged"
UNMASK = "unmask"
OVERDUE_FLAGGED = "overdue_flagged"
# A case received from another level through an exchange file (cases/exchange).
HANDED_IN = "received"
# A case handed to another level in an exchange file (export_cases --hand-over).
HANDED_OVER = "handed_over"

RECEPTION_HELD = "reception_held"
LAWYER_ASSIGNED = "lawyer_assigned"
LAWYER_OPINION = "lawyer_opinion"
# The events the rows above cases may note on a timeline (services.note_on_timeline).
NOTED_EVENTS = frozenset({RECEPTION_HELD, LAWYER_ASSIGNED, LAWYER_OPINION})
EVENTS: dict[str, Event] = {
    e.name: e
    for e in [
        Event(
            REGISTER,
            _("Registration"),
            "W17/W21",
            citizen_visible=True,
            citizen_words=_("Your petition was received and registered."),
            message="registered",
        ),
        Event(REPEAT_MERGED, _("Merge as a repeat"), "W21/W22"),
        Event(UNMASK, _("Full personal data viewed")),
        Event(OVERDUE_FLAGGED, _("Flagged overdue"), "W40/X36"),
        Event(HANDED_IN, _("Received from another level")),
        Event(HANDED_OVER, _("Handed to another level")),
        # Reception days (reception app): written through services.note_on_timeline.
        Event(
            RECEPTION_HELD,
            _("Received at a reception day"),
            "W18",
            citizen_visible=True,
            citizen_words=_("You were received at a reception day; what was decided is recorded."),
        ),
        Event(LAWYER_ASSIGNED, _("Resident lawyer assigned")),
        Event(LAWYER_OPINION, _("Lawyer's opinion")),
    ]
}
TASK_PERIODS = reception.TASK_PERIODS
if set(MOVES) & set(EVENTS):
    raise ValueError("a timeline event may not share a move's name")


def moves_from(state: str) -> list[Move]:
    return [m for m in MOVES.values() if m.allowed_from(state)]


def moves_on(page: str) -> list[Move]:
    """The moves a page offers, in table order."""
    return [m for m in MOVES.values() if page in m.pages]


def get_move(name: str) -> Move:
    try:
        return MOVES[name]
    except KeyError:
        raise MoveNotAllowed(
            gettext("Unknown move: %(name)s") % {"name": name}, code="unknown_move"
        ) from None


def available(ctx: Context, roles: set[str] | frozenset[str]) -> list[Move]:
    """The moves these roles may make now: what the pages draw and the API lists."""
    return [m for m in moves_from(ctx.state) if roles & m.roles and not guard_failures(m, ctx)]


def entry(kind: str) -> Move | Event | None:
    """The declared row of a timeline entry: a move or another event."""
    return MOVES.get(kind) or EVENTS.get(kind)


def event_label(kind: str) -> str:
    row = entry(kind)
    return str(row.label) if row else kind


def citizen_words(kind: str) -> str:
    """What the petitioner's timeline says for this entry (the staff label if none declared)."""
    row = entry(kind)
    if row is None:
        return kind
    return str(row.citizen_words or row.label)


def message_keys() -> dict[str, str]:
    """Which message each timeline entry sends the petitioner, by entry name."""
    rows = [*MOVES.values(), *EVENTS.values()]
    return {row.name: row.sends for row in rows if row.sends}


__all__ = [
    "ANSWERED",
    "AT_CO_HANDLER",
    "AT_HOLDER",
    "AT_OFFICE",
    "AT_SENDER",
    "BODY_STAFF",
    "CASE_PAGE",
    "CHANNELS",
    "CONSULTATION",
    "CONTENT_TYPES",
    "DECISIONS",
    "EVENTS",
    "GRID",
    "HANDLER",
    "HANDLING",
    "HEAD",
    "IN_SCOPE",
    "INTAKE",
    "LEADER",
    "LEADERS_PAGE",
    "LAWYER_ASSIGNED",
    "LAWYER_OPINION",
    "LEADER_LEVELS",
    "LEGAL_CHANNELS",
    "MOVES",
    "NOTED_EVENTS",
    "NO_MESSAGE",
    "OPEN",
    "OVERDUE_FLAGGED",
    "HANDED_IN",
    "HANDED_OVER",
    "PAGES",
    "PETITIONER",
    "PORTAL",
    "RATINGS",
    "RECEIVED",
    "RECEPTION_HELD",
    "REGISTER",
    "REGISTER_ROLES",
    "REPEAT_MERGED",
    "ROUTE_PAGE",
    "ROUTING",
    "STAFF_ROUTERS",
    "STATES",
    "STATE_LABELS",
    "SUPERVISION_PAGE",
    "SUPERVISOR",
    "SYSTEM",
    "TERMINAL",
    "UNMASK",
    "Context",
    "Event",
    "Field",
    "Guard",
    "Input",
    "Move",
    "S",
    "available",
    "check",
    "citizen_words",
    "entry",
    "event_label",
    "get_move",
    "guard_failures",
    "message_keys",
    "moves_from",
    "moves_on",
]

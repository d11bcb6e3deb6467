"""What a move is, and how the table of moves is read. Pure: no database.

A move's row carries everything the rest of the system derives from it: who may make it and
where (roles, acting), when (sources, guards), what it does to the state and the clocks, the
notice it issues, its typed inputs, what the petitioner reads on the timeline, the message the
petitioner is sent, and the pages that offer it. The API offers every move.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from xinfang.core.errors import MoveNotAllowed, PermissionDenied

from .guards import Context, Guard
from .inputs import Field, NoInputs, fields_of
from .vocabulary import AT_HOLDER, STATE_LABELS

# Pages that offer a move (the API offers them all).
CASE_PAGE = "case"  # the desk's case page
ROUTE_PAGE = "route"  # the intake desk's sorting and routing step
SUPERVISION_PAGE = "supervision"  # the supervision page of a case
LEADERS_PAGE = "leaders"  # the leaders' page (包案)
PORTAL = "portal"  # the citizen's tracking page
MEETING_PAGE = "meeting"  # a joint meeting's page (its decisions)
TASKS_PAGE = "tasks"  # the inbox's tasks from instructions and meetings
PAGES = frozenset(
    {CASE_PAGE, ROUTE_PAGE, SUPERVISION_PAGE, LEADERS_PAGE, PORTAL, MEETING_PAGE, TASKS_PAGE}
)

# A citizen-visible move sends a message (a notify template key) or says it sends none.
NO_MESSAGE = "-"


@dataclass(frozen=True)
class Move:
    name: str
    label: Any  # lazy text
    sources: frozenset[str]
    target: str | None  # None: an overlay that leaves the state as it is
    roles: frozenset[str]
    article: str
    acting: str = AT_HOLDER
    starts: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()
    # Clocks started only when the case's decision is 支持: it must then be carried out (W32).
    starts_if_supported: tuple[str, ...] = ()
    notice: str | None = None
    citizen_visible: bool = True
    guards: tuple[Guard, ...] = ()
    inputs: type = NoInputs
    # What the petitioner's timeline says; every citizen-visible move has words.
    citizen_words: Any = None
    # The notify template sent to the petitioner, or NO_MESSAGE.
    message: str | None = None
    pages: frozenset[str] = frozenset({CASE_PAGE})

    def allowed_from(self, state: str) -> bool:
        return state in self.sources

    @property
    def fields(self) -> tuple[Field, ...]:
        return fields_of(self.inputs)

    @property
    def sends(self) -> str | None:
        """The message key this move sends the petitioner, if any."""
        return None if self.message in (None, NO_MESSAGE) else self.message


@dataclass(frozen=True)
class Event:
    """A timeline entry that is not a move (registration, marks, logged views)."""

    name: str
    label: Any
    article: str = ""
    citizen_visible: bool = False
    citizen_words: Any = None
    message: str | None = None

    @property
    def sends(self) -> str | None:
        return None if self.message in (None, NO_MESSAGE) else self.message


def table(*areas: tuple[Move, ...]) -> dict[str, Move]:
    out: dict[str, Move] = {}
    for area in areas:
        for move in area:
            if move.name in out:
                raise ValueError(f"move {move.name!r} declared twice")
            out[move.name] = move
    return out


def guard_failures(move: Move, ctx: Context) -> list[str]:
    return [msg for g in move.guards if (msg := g(ctx))]


def check(move: Move, ctx: Context, roles: set[str] | frozenset[str]) -> None:
    """Raise unless `roles` may make `move` now. Roles are those the actor holds for this case."""
    if not roles & move.roles:
        raise PermissionDenied(gettext("You may not do “%(move)s”") % {"move": move.label})
    if not move.allowed_from(ctx.state):
        raise MoveNotAllowed(
            gettext("The case is “%(state)s”, so “%(move)s” is not possible now")
            % {"state": STATE_LABELS.get(ctx.state, ctx.state), "move": move.label}
        )
    failures = guard_failures(move, ctx)
    if failures:
        raise MoveNotAllowed(failures[0], code="guard_failed")

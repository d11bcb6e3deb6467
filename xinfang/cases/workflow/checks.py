"""What a move's row must declare, checked for every row by the test suite (and by anyone
adding a move: `problems(move)` says what is missing)."""

from __future__ import annotations

from ..deadlines import DEFAULT_PERIODS
from .inputs import BODY, PERSON, fields_of
from .moves import PAGES, PORTAL, Move
from .vocabulary import PETITIONER


def problems(move: Move) -> list[str]:
    out = []
    if move.citizen_visible:
        if not move.citizen_words:
            out.append("citizen-visible but no citizen_words for the petitioner's timeline")
        if move.message is None:
            out.append("citizen-visible but no message key (or NO_MESSAGE)")
    elif move.message is not None:
        out.append("a staff-only move sends the petitioner a message")
    if not move.pages:
        out.append("offered on no page")
    if not move.pages <= PAGES:
        out.append(f"unknown pages {sorted(move.pages - PAGES)}")
    if (PORTAL in move.pages) != (PETITIONER in move.roles):
        out.append("the portal offers exactly the moves a petitioner may make")
    for key in (*move.starts, *move.stops, *move.starts_if_supported):
        if key not in DEFAULT_PERIODS:
            out.append(f"unknown period {key!r}")
    try:
        fields = fields_of(move.inputs)
    except TypeError as e:
        out.append(str(e))
        fields = ()
    if PORTAL in move.pages and any(f.spec.kind in (BODY, PERSON) for f in fields):
        out.append("the portal asks a citizen to choose a body or a member of staff")
    return out

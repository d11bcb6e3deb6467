"""Overlays and escalation: supervision, listed supervision, leader ownership, grid reports going
up (W17, W18, W39, W40, X36), with their inputs."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..deadlines import SUPERVISION_GROUNDS
from . import guards as g
from . import inputs as i
from .moves import CASE_PAGE, LEADERS_PAGE, NO_MESSAGE, SUPERVISION_PAGE, Move
from .routing import Reason
from .vocabulary import (
    BODY_STAFF,
    GRID,
    HANDLER,
    HEAD,
    IN_SCOPE,
    LEADER,
    LEADER_LEVELS,
    OPEN,
    ROUTING,
    SUPERVISOR,
)

OVERSIGHT_PAGES = frozenset({CASE_PAGE, SUPERVISION_PAGE})


@dataclass(frozen=True)
class Supervise:
    grounds: str = i.text(_("Grounds for supervision"))
    ground: str = i.choice(
        _("Kind of ground"),
        SUPERVISION_GROUNDS,
        required=False,
        help=_("Named at the head of the grounds on the supervision notice."),
    )
    due_on: str = i.date(
        _("Reply due"),
        required=False,
        help=_("Leave empty for the default of 10 working days."),
    )


@dataclass(frozen=True)
class AnswerSupervision:
    answer: str = i.text(_("Reply to the supervision notice"), rows=4)


@dataclass(frozen=True)
class AssignLeader:
    level: str = i.choice(_("Ownership level"), LEADER_LEVELS)
    leader: int = i.person(_("Owning leader"), LEADER)
    body: int = i.body(_("Responsible body"))
    plan: str = i.text(_("Resolution plan"))
    deadline: str = i.date(_("Time limit"))


MOVES = (
    Move(
        "supervise",
        _("Issue a supervision notice"),
        OPEN,
        None,
        frozenset({SUPERVISOR}),
        "W40/X36",
        IN_SCOPE,
        starts=("supervision",),
        notice="supervision_notice",
        citizen_visible=False,
        inputs=Supervise,
        pages=OVERSIGHT_PAGES,
    ),
    Move(
        "answer_supervision",
        _("Answer the supervision notice"),
        OPEN,
        None,
        BODY_STAFF,
        "W40",
        stops=("supervision",),
        citizen_visible=False,
        guards=(g.supervision_open,),
        inputs=AnswerSupervision,
        pages=OVERSIGHT_PAGES,
    ),
    Move(
        "list_supervision",
        _("List for supervision"),
        OPEN,
        None,
        frozenset({SUPERVISOR, LEADER}),
        "W39",
        IN_SCOPE,
        citizen_visible=False,
        inputs=Reason,
        pages=OVERSIGHT_PAGES,
    ),
    Move(
        "assign_leader",
        _("Leader ownership"),
        OPEN,
        None,
        frozenset({SUPERVISOR, LEADER}),
        "W18",
        IN_SCOPE,
        citizen_visible=False,
        inputs=AssignLeader,
        pages=frozenset({CASE_PAGE, LEADERS_PAGE}),
    ),
    Move(
        "escalate",
        _("Escalate to a leader"),
        OPEN,
        None,
        frozenset({SUPERVISOR}),
        "W40",
        IN_SCOPE,
        citizen_visible=False,
        inputs=Reason,
        pages=OVERSIGHT_PAGES,
    ),
    Move(
        "escalate_grid",
        _("Report up a level"),
        ROUTING,
        None,
        frozenset({GRID, HANDLER, HEAD}),
        "W17 (grid)",
        guards=(g.grid_case,),
        inputs=Reason,
        citizen_words=_("Passed up to the next level, which can settle it."),
        message=NO_MESSAGE,
    ),
)

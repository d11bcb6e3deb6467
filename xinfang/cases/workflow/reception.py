"""Leaders' letters (阅批, W18) and the case side of joint-meeting decisions (W39), with their
inputs. Hearings are in review.py beside the stages they may be held in."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import guards as g
from . import inputs as i
from .moves import MEETING_PAGE, TASKS_PAGE, Move
from .vocabulary import AT_OFFICE, IN_SCOPE, INTAKE, LEADER, OPEN, SUPERVISOR, SYSTEM

# Tasks a case-bound instruction or meeting decision starts, by the clock it runs on.
TASK_PERIODS = {
    "instruction": _("Carrying out a leader's instruction"),
    "meeting_task": _("Carrying out a joint meeting decision"),
}


@dataclass(frozen=True)
class AddressLeader:
    leader: int = i.person(_("Leader the letter is addressed to"), LEADER)
    note: str = i.text(_("Note"), required=False, rows=2)


@dataclass(frozen=True)
class Instruct:
    instruction: str = i.text(_("Instruction"), rows=4)
    body: int = i.body(_("Body to carry it out"))
    deadline: str = i.date(
        _("Time limit"), required=False, help=_("Leave empty for the default of 15 working days.")
    )


@dataclass(frozen=True)
class MeetingDecision:
    decision: str = i.text(_("Decision of the joint meeting"))
    body: int = i.body(_("Body to carry it out"))
    due_on: str = i.date(
        _("Due"), required=False, help=_("Leave empty for the default of 15 working days.")
    )


@dataclass(frozen=True)
class TaskDone:
    task: str = i.choice(_("Task"), TASK_PERIODS)
    report: str = i.text(_("Report"), rows=3)


MOVES = (
    Move(
        "address_leader",
        _("Pass to a leader for instruction"),
        OPEN,
        None,
        frozenset({INTAKE}),
        "W18",
        AT_OFFICE,
        citizen_visible=False,
        inputs=AddressLeader,
    ),
    Move(
        "instruct",
        _("Leader's instruction"),
        OPEN,
        None,
        frozenset({LEADER}),
        "W18",
        IN_SCOPE,
        starts=("instruction",),
        citizen_visible=False,
        guards=(g.letter_pending,),
        inputs=Instruct,
    ),
    Move(
        "meeting_decision",
        _("Joint meeting decision"),
        OPEN,
        None,
        frozenset({SUPERVISOR, LEADER}),
        "W39",
        IN_SCOPE,
        starts=("meeting_task",),
        citizen_visible=False,
        inputs=MeetingDecision,
        pages=frozenset({MEETING_PAGE}),
    ),
    Move(
        "task_done",
        _("Task reported done"),
        OPEN,
        None,
        frozenset({SYSTEM}),
        "W18/W39",
        citizen_visible=False,
        inputs=TaskDone,
        pages=frozenset({TASKS_PAGE}),
    ),
)

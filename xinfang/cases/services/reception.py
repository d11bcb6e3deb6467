"""Leaders' letters (阅批, W18) and the case side of joint-meeting decisions (W39)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from xinfang.core.errors import InvalidInput, PermissionDenied
from xinfang.orgs.models import Body

from ..access import is_leader, is_protected_from
from ..models import Case
from ..workflow.reception import TASK_PERIODS
from .clocks import running_clock, stop_clock
from .engine import performs, require_text, transition


def _not_accused(c: Case, body: Body) -> None:
    # W30, W46: a report is never given to the body it accuses.
    if c.accused_body_id and body.pk == c.accused_body_id:
        raise InvalidInput(
            _("A report may not be handled by the body it accuses"),
            code="protected_target",
            fields={"body": [_("The accused body may not be chosen")]},
        )


def _due_field(due: dt.date | None, day: dt.date, field: str) -> None:
    if due is not None and due < day:
        message = _("The date may not be before today")
        raise InvalidInput(message, fields={field: [message]})


@performs("address_leader")
def address_leader(
    *, case, actor, leader, note: str = "", expected_version: int | None = None
) -> Case:
    """A letter addressed to a leader goes to that leader's queue for an instruction (W18)."""
    if leader is None or not is_leader(leader):
        raise InvalidInput(_("Choose the leader"), fields={"leader": [_("Choose the leader")]})

    def apply(c: Case, day):
        if is_protected_from(leader, c):
            raise InvalidInput(
                _("The leader may not belong to the accused body"),
                code="protected_target",
                fields={"leader": [_("The leader may not belong to the accused body")]},
            )
        c.letter_leader = leader
        return {"leader": leader.pk, "leader_name": leader.get_full_name(), "note": note.strip()}

    return transition(
        "address_leader", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("instruct")
def instruct(
    *,
    case,
    actor,
    instruction: str,
    body: Body,
    deadline: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """The leader's instruction (批示): kept on the case, assigned to a body with a time limit
    that runs as a staff deadline (W18)."""
    instruction = require_text(instruction, "instruction", _("Enter the instruction"))
    if body is None:
        raise InvalidInput(_("Choose the body"), fields={"body": [_("Choose the body")]})

    def apply(c: Case, day):
        if c.letter_leader_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("The letter is addressed to another leader"))
        _due_field(deadline, day, "deadline")
        _not_accused(c, body)
        c.letter_leader = None
        c.decision_detail = {
            **c.decision_detail,
            "instruction": {
                "text": instruction,
                "by": actor.get_full_name() or actor.get_username(),
                "body": body.pk,
                "body_name": body.name,
                "on": day.isoformat(),
            },
        }
        return {"instruction": instruction, "body": body.pk, "body_name": body.name}

    return _with_due("instruct", case, actor, apply, "instruction", deadline, expected_version)


@performs("meeting_decision")
def meeting_decision(
    *,
    case,
    actor,
    decision: str,
    body: Body,
    due_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """A joint meeting's decision on this case: a task for a body on the case's own clocks (W39)."""
    decision = require_text(decision, "decision", _("Enter the decision"))
    if body is None:
        raise InvalidInput(_("Choose the body"), fields={"body": [_("Choose the body")]})

    def apply(c: Case, day):
        _due_field(due_on, day, "due_on")
        _not_accused(c, body)
        return {"decision": decision, "body": body.pk, "body_name": body.name}

    return _with_due(
        "meeting_decision", case, actor, apply, "meeting_task", due_on, expected_version
    )


@performs("task_done")
def task_done(*, case, actor, task: str, report: str, expected_version: int | None = None) -> Case:
    """The body reported the instruction or decision carried out: its clock stops."""
    if task not in TASK_PERIODS:
        message = _("Invalid value; choose one of the options")
        raise InvalidInput(message, fields={"task": [message]})
    report = require_text(report, "report", _("Enter the report"))

    def apply(c: Case, day):
        clock = running_clock(c, task)
        stop_clock(c, task, day)
        return {"task": task, "report": report, "met": day <= clock.due_on}

    return transition(
        "task_done", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def _with_due(name, case, actor, apply, period, due, expected_version) -> Case:
    return transition(
        name,
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        clock_due={period: due} if due else None,
    )

"""Supervision, listed supervision, leader ownership, escalation and overdue flags (W18, W39, W40)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from xinfang.core.errors import (
    InvalidInput,
    MoveNotAllowed,
)
from xinfang.core.selectors import work_calendar
from xinfang.core.timeutil import now, today
from xinfang.orgs.models import Body

from .. import deadlines, workflow
from ..access import body_acting_as, is_protected_from
from ..deadlines import SUPERVISION_GROUNDS
from ..models import Case, CaseEvent, Clock
from ..selectors import periods
from .clocks import running_clock
from .engine import performs, record_entry, require_text, transition


@performs("supervise")
def supervise(
    *,
    case,
    actor,
    grounds: str,
    ground: str = "",
    due_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Issue a supervision notice (督办单) with its own reply date (W40, X36); `ground` names
    the kind of ground (not carrying out a supported decision, say) ahead of the text."""
    grounds = require_text(grounds, "grounds", _("Enter the grounds for supervision"))
    if ground:
        if ground not in SUPERVISION_GROUNDS:
            message = _("Invalid value; choose one of the options")
            raise InvalidInput(message, fields={"ground": [message]})
        with translation.override("zh-hans"):
            grounds = f"{SUPERVISION_GROUNDS[ground]}：{grounds}"

    def apply(c: Case, day):
        c.supervised = True
        notice = _supervision_notice(c, actor, grounds, due_on, day)
        out = {"grounds": grounds, "due_on": notice.due_on.isoformat(), "notice_id": notice.pk}
        if ground:
            out["ground"] = ground
        return out

    return transition(
        "supervise",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        clock_due={"supervision": due_on} if due_on else None,
    )


@performs("answer_supervision")
def answer_supervision(*, case, actor, answer: str, expected_version: int | None = None) -> Case:
    answer = require_text(answer, "answer", _("Enter the answer to the supervision notice"))

    def apply(c: Case, day):
        from ..models import SupervisionNotice

        running_clock(c, "supervision")
        c.supervised = False
        # The reply answers every notice still open on the case (one supervision clock runs).
        answered = SupervisionNotice.objects.filter(case=c, answered_at__isnull=True).update(
            answer=answer, answered_at=now()
        )
        return {"answer": answer, "notices": answered}

    return transition(
        "answer_supervision", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("list_supervision")
def list_supervision(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    reason = require_text(reason, "reason", _("Enter the grounds for listed supervision"))

    def apply(c: Case, day):
        if c.listed_supervision:
            raise MoveNotAllowed(_("This case is already under listed supervision"))
        c.listed_supervision = True
        c.supervised = True
        return {"reason": reason}

    return transition(
        "list_supervision", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("assign_leader")
def assign_leader(
    *,
    case,
    actor,
    level: str,
    leader,
    body: Body,
    plan: str,
    deadline: dt.date,
    expected_version: int | None = None,
) -> Case:
    """Leader ownership (包案) with the four fixed: leader, body, plan and time limit (W18)."""
    errors = {}
    if level not in workflow.LEADER_LEVELS:
        errors["level"] = [_("Choose ownership level A, B or C")]
    if leader is None:
        errors["leader"] = [_("Choose the owning leader")]
    if body is None:
        errors["body"] = [_("Choose the responsible body")]
    if not (plan or "").strip():
        errors["plan"] = [_("Enter the resolution plan")]
    if deadline is None:
        errors["deadline"] = [_("Enter the time limit for resolution")]
    if errors:
        raise InvalidInput(
            _("Ownership is incomplete (leader, body, plan and time limit)"), fields=errors
        )
    if deadline < today():
        raise InvalidInput(
            _("The time limit for resolution may not be before today"),
            fields={"deadline": [_("The time limit for resolution may not be before today")]},
        )

    def apply(c: Case, day):
        _check_leader_protection(c, leader, body)
        c.leader_level = level
        c.leader = leader
        c.leader_body = body
        c.leader_plan = plan.strip()
        c.leader_deadline = deadline
        return {
            "level": level,
            "leader": leader.pk,
            "body": body.name,
            "deadline": deadline.isoformat(),
        }

    return transition(
        "assign_leader", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("escalate")
def escalate(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    reason = require_text(reason, "reason", _("Enter the grounds for escalation"))

    def apply(c: Case, day):
        c.escalated = True
        return {"reason": reason, "leader": c.leader_id}

    return transition(
        "escalate", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def _supervision_notice(case: Case, actor, grounds: str, due_on: dt.date | None, day: dt.date):
    """The 督办单 row beside the supervision clock, with the same due date the clock gets."""
    from ..models import SupervisionNotice

    cal = work_calendar()
    if due_on is not None and due_on < day:
        raise InvalidInput(
            _("The date may not be before today"),
            fields={"due_on": [_("The date may not be before today")]},
        )
    due = (
        cal.next_workday(due_on)
        if due_on
        else deadlines.due_date(periods()["supervision"], day, cal)
    )
    issuing = body_acting_as(actor, workflow.SUPERVISOR, case) or case.holder_body
    return SupervisionNotice.objects.create(
        case=case,
        issued_by=actor,
        issuing_body=issuing,
        issued_at=now(),
        grounds=grounds,
        due_on=due,
    )


def _check_leader_protection(case: Case, leader, body: Body) -> None:
    # W30, W46: nobody of the accused body owns or leads the handling of the report against it.
    if not case.accused_body_id:
        return
    if body.pk == case.accused_body_id:
        raise InvalidInput(
            _("A report may not be handled by the body it accuses"),
            code="protected_target",
            fields={"body": [_("The accused body may not be chosen")]},
        )
    if is_protected_from(leader, case):
        raise InvalidInput(
            _("The owning leader may not belong to the accused body"),
            code="protected_target",
            fields={"leader": [_("The owning leader may not belong to the accused body")]},
        )


OVERDUE_FLAGGED = "overdue_flagged"


def flag_overdue(*, on: dt.date | None = None, batch: int = 500) -> int:
    """Record once per clock that a staff deadline has passed (W40/X36: overdue without cause is
    a ground for supervision). Marks only; nothing is escalated. Returns how many were flagged.

    The citizen's own windows (rating, review and re-review requests) and the body's option to
    object to the remit (W23) are never overdue.
    """
    from ..selectors import staff_clocks

    day = on or today()
    overdue = staff_clocks().filter(due_on__lt=day, case__state__in=workflow.OPEN).order_by("pk")
    flagged = 0
    last = 0
    while True:
        rows = list(overdue.filter(pk__gt=last).values_list("pk", "case_id")[:batch])
        if not rows:
            return flagged
        last = rows[-1][0]
        done = flagged_clocks({case_id for _, case_id in rows})
        for clock_id, case_id in rows:
            if clock_id not in done and _flag_one(case_id, clock_id, day):
                flagged += 1


def flagged_clocks(case_ids) -> set[int]:
    extras = CaseEvent.objects.filter(kind=OVERDUE_FLAGGED, case_id__in=case_ids).values_list(
        "extra", flat=True
    )
    return {e.get("clock") for e in extras}


def _flag_one(case_id: int, clock_id: int, day: dt.date) -> bool:
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        clock = Clock.objects.filter(pk=clock_id, status=Clock.RUNNING, due_on__lt=day).first()
        if case is None or clock is None or clock_id in flagged_clocks([case_id]):
            return False
        record_entry(
            case,
            kind=OVERDUE_FLAGGED,
            actor=None,
            extra={
                "clock": clock.pk,
                "period": clock.period,
                "due_on": clock.due_on.isoformat(),
                "holder": case.holder_body.name,
                "article": "W40/X36",
            },
            citizen_visible=False,
        )
    return True

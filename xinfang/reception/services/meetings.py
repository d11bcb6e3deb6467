"""Joint meetings (W39) and the tasks of leaders' instructions (W18) and meeting decisions.

A task's due date is computed by the same period machinery as a case's (cases/deadlines.py over
the working-day calendar). A task about one case runs on that case's clocks through a move
(`meeting_decision`, `instruct`, or the oversight moves for the W39 measures), so the overdue
flag, the supervision lists and the backlog ledger see it as they see any deadline.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.cases import access, deadlines, services, workflow
from xinfang.cases.models import Case, CaseEvent, Clock
from xinfang.cases.selectors import periods
from xinfang.core.errors import InvalidInput, NotFound, PermissionDenied
from xinfang.core.selectors import work_calendar
from xinfang.core.timeutil import today
from xinfang.orgs.models import Body

from ..models import (
    AGENDA_KINDS,
    CORRECTION,
    INSTRUCTION,
    LISTED,
    MEASURES,
    MEETING,
    AgendaItem,
    Meeting,
    Task,
)


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def may_convene(user, body: Body) -> bool:
    """Supervisors and leaders of the convening body or of a body above it."""
    return any(
        m.role in access.OVERSIGHT_ROLES and (m.body_id == body.pk or access.covers(m.body, body))
        for m in access.memberships_of(user)
    )


def create_meeting(
    *,
    actor,
    held_on: dt.date,
    title: str,
    convenor: Body,
    bodies: list[Body],
    place: str = "",
    summary: str = "",
) -> Meeting:
    if not (title or "").strip():
        raise _invalid("title", _("Enter the title of the meeting"))
    if held_on is None:
        raise _invalid("held_on", _("Enter the meeting date"))
    if convenor is None or not may_convene(actor, convenor):
        raise PermissionDenied(_("Only supervisors and leaders convene a joint meeting"))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            held_on=held_on,
            title=title.strip(),
            convenor=convenor,
            place=place.strip(),
            summary=summary.strip(),
            created_by=actor,
        )
        meeting.bodies.set(bodies)
    return meeting


def update_summary(*, actor, meeting: Meeting, summary: str) -> Meeting:
    _check_convenor(actor, meeting)
    meeting.summary = summary.strip()
    meeting.save(update_fields=["summary"])
    return meeting


def _check_convenor(actor, meeting: Meeting) -> None:
    if not may_convene(actor, meeting.convenor):
        raise PermissionDenied(_("Only supervisors and leaders convene a joint meeting"))


def _visible_case(actor, number: str) -> Case:
    try:
        return access.case_get_for_user(actor, number)
    except NotFound:
        raise _invalid("case", _("No case with this number is visible to you")) from None


def add_agenda_item(
    *, actor, meeting: Meeting, kind: str, case_number: str = "", topic: str = ""
) -> AgendaItem:
    _check_convenor(actor, meeting)
    if kind not in AGENDA_KINDS:
        raise _invalid("kind", _("Invalid value; choose one of the options"))
    case = _visible_case(actor, case_number.strip()) if case_number.strip() else None
    topic = (topic or "").strip() or (f"{case.number} {case.title}" if case else "")
    if not topic:
        raise _invalid("topic", _("Enter the topic or a case number"))
    return AgendaItem.objects.create(meeting=meeting, kind=kind, case=case, topic=topic[:200])


def record_decision(
    *,
    actor,
    meeting: Meeting,
    body: Body,
    text: str,
    due_on: dt.date | None = None,
    measure: str = "",
    agenda_item: AgendaItem | None = None,
) -> Task:
    """One decision of the meeting: a task for `body` due on `due_on` (else the default period).
    On an agenda item about a case it runs on that case's clocks: correction by a date is a
    supervision notice with that date, listed supervision lists the case (W39), any other decision
    starts the case's meeting-task clock."""
    _check_convenor(actor, meeting)
    text = (text or "").strip()
    if not text:
        raise _invalid("text", _("Enter the decision"))
    if body is None:
        raise _invalid("body", _("Choose the body"))
    if measure and measure not in MEASURES:
        raise _invalid("measure", _("Invalid value; choose one of the options"))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise _invalid("agenda_item", _("Invalid value; choose one of the options"))
    case = agenda_item.case if agenda_item else None
    if measure in (LISTED, CORRECTION) and case is None:
        raise _invalid("measure", _("Listed supervision and correction by a date need a case"))
    day = today()
    if due_on is not None and due_on < day:
        raise _invalid("due_on", _("The date may not be before today"))
    with transaction.atomic(durable=True):
        period = ""
        if case is None:
            cal = work_calendar()
            due = (
                cal.next_workday(due_on)
                if due_on
                else deadlines.due_date(periods()["meeting_task"], day, cal)
            )
        elif measure == CORRECTION:
            if body.pk != case.holder_body_id:
                raise _invalid("body", _("Correction is ordered of the body holding the case"))
            case = services.supervise(case=case, actor=actor, grounds=text, due_on=due_on)
            period = "supervision"
            due = _clock_due(case, period)
        else:
            if measure == LISTED and not case.listed_supervision:
                case = services.list_supervision(case=case, actor=actor, reason=text)
            case = services.meeting_decision(
                case=case, actor=actor, decision=text, body=body, due_on=due_on
            )
            period = "meeting_task"
            due = _clock_due(case, period)
        return Task.objects.create(
            source=MEETING,
            meeting=meeting,
            agenda_item=agenda_item,
            case=case,
            body=body,
            text=text,
            measure=measure,
            period=period,
            issued_on=day,
            due_on=due,
            created_by=actor,
        )


def _clock_due(case: Case, period: str) -> dt.date:
    clock = Clock.objects.filter(case=case, period=period, status=Clock.RUNNING).latest("pk")
    return clock.due_on


def may_report(user, task: Task) -> bool:
    return task.body_id in access.bodies_where(user, workflow.BODY_STAFF | {workflow.INTAKE})


def complete_task(*, actor, task: Task, report: str) -> Task:
    """The body reports the task done; a task on a case stops its clock there."""
    report = (report or "").strip()
    if not report:
        raise _invalid("report", _("Enter the report"))
    if not may_report(actor, task):
        raise PermissionDenied(_("Only the responsible body reports the task done"))
    with transaction.atomic(durable=True):
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.done_on is not None:
            raise InvalidInput(_("This task has already been reported done"))
        running = (
            locked.case_id
            and locked.period
            and Clock.objects.filter(
                case_id=locked.case_id, period=locked.period, status=Clock.RUNNING
            ).exists()
        )
        if running and locked.period == "supervision":
            services.answer_supervision(case=locked.case, actor=actor, answer=report)
        elif running:
            services.task_done(case=locked.case, actor=None, task=locked.period, report=report)
        locked.done_on = today()
        locked.report = report
        locked.save(update_fields=["done_on", "report"])
    return locked


def record_instruction(event: CaseEvent) -> None:
    """In-transaction subscriber: a leader's instruction becomes a task for its body (W18)."""
    if event.kind != "instruct":
        return
    extra = event.extra or {}
    clock = (
        Clock.objects.filter(case_id=event.case_id, period="instruction", status=Clock.RUNNING)
        .order_by("-pk")
        .first()
    )
    if clock is None:
        return
    Task.objects.create(
        source=INSTRUCTION,
        case_id=event.case_id,
        body_id=extra["body"],
        text=extra.get("instruction", ""),
        period="instruction",
        issued_on=clock.started_on,
        due_on=clock.due_on,
        created_by=event.actor,
    )

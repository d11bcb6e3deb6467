"""Reads of the reception app that authorise: meetings, tasks, leaders' letters."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from xinfang.cases import access, workflow
from xinfang.cases.models import Case
from xinfang.core.errors import NotFound
from xinfang.orgs.selectors import within_q

from .models import AgendaItem, Meeting, Task

LIST_LIMIT = 200


def _scope_q(user, field: str) -> Q:
    """Rows whose body (`field`) is one of the user's overseeing bodies or lies below one."""
    q = Q(pk__in=[])
    for m in access.memberships_of(user):
        if m.role in access.OVERSIGHT_ROLES:
            q |= Q(**{f"{field}_id": m.body_id}) | within_q(f"{field}__division", m.body.division)
    return q


def meetings_for(user) -> QuerySet[Meeting]:
    """Meetings convened within the user's oversight, or attended by one of the user's bodies."""
    mine = [m.body_id for m in access.memberships_of(user)]
    return (
        Meeting.objects.filter(_scope_q(user, "convenor") | Q(bodies__in=mine))
        .distinct()
        .select_related("convenor")
    )


def meeting_get_for_user(user, pk: int) -> Meeting:
    meeting = meetings_for(user).filter(pk=pk).first()
    if meeting is None:
        raise NotFound("meeting")
    return meeting


def agenda_of(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda.select_related("case"))


def decisions_of(meeting: Meeting) -> list[Task]:
    return list(meeting.decisions.select_related("body", "case").order_by("pk"))


def open_tasks_for(user) -> list[Task]:
    """Open tasks of the user's bodies, soonest first: what the inbox shows above the cases."""
    bodies = access.bodies_where(user, workflow.BODY_STAFF | {workflow.INTAKE})
    if not bodies:
        return []
    return list(
        Task.objects.filter(body_id__in=bodies, done_on__isnull=True)
        .select_related("body", "case", "meeting")
        .order_by("due_on", "pk")[:LIST_LIMIT]
    )


def task_for_body_staff(user, pk: int) -> Task:
    bodies = access.bodies_where(user, workflow.BODY_STAFF | {workflow.INTAKE})
    task = Task.objects.filter(pk=pk, body_id__in=bodies).select_related("case").first()
    if task is None:
        raise NotFound("task")
    return task


def late_tasks(user, day: dt.date) -> list[Task]:
    """Tasks past their date and not reported done, of bodies within the user's oversight."""
    return list(
        Task.objects.filter(_scope_q(user, "body"), done_on__isnull=True, due_on__lt=day)
        .select_related("body", "case", "meeting")
        .order_by("due_on", "pk")[:LIST_LIMIT]
    )


def letters_for(leader) -> QuerySet[Case]:
    """Letters addressed to this leader that await the instruction (W18)."""
    return (
        access.cases_visible_to(leader)
        .filter(letter_leader=leader, state__in=workflow.OPEN)
        .select_related("holder_body")
        .order_by("registered_at", "pk")
    )


def agenda_cases(user) -> dict[str, list[Case]]:
    """Cases a meeting may take up from this app's row: 包案 cases and jurisdiction disputes
    (W24). The desk adds the backlog ledger and the matters many people raise."""
    visible = access.cases_visible_to(user).filter(state__in=workflow.OPEN)
    return {
        "leader_case": list(visible.exclude(leader_level="").order_by("pk")[:50]),
        "jurisdiction": list(visible.filter(state=workflow.S.REMIT_OBJECTED).order_by("pk")[:50]),
    }

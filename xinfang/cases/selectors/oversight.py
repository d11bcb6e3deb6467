"""Oversight reads: supervision, listed supervision, leaders' cases, the grid ledger."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from xinfang.core.timeutil import today
from xinfang.orgs.selectors import memberships_of

from ..access import (
    ScopeColumns,
    bodies_where,
    cases_visible_to,
    grid_scope_q,
    protection_q,
    visible_q,
)
from ..deadlines import CITIZEN_WINDOWS, OPTION_WINDOWS
from ..models import Case, CaseEvent, Clock, CoHandler

SUPERVISION_LIST_LIMIT = 200


# The visibility rule read on a clock's case through the join, so that a list of clocks in
# due order walks the clocks' (status, due_on, id) index and looks each case up, stopping at a
# page. Asked as "case in (the cases the user sees)", PostgreSQL gathered every visible open
# case first (at 10,000,000 cases, a third of a second for each list).
CLOCK_CASE_COLUMNS = ScopeColumns(
    pk="case",
    holder_body="case__holder_body",
    registering_body="case__registering_body",
    sender_body="case__sender_body",
    accused_body="case__accused_body",
    filed_by="case__filed_by",
)


def _staff_deadlines(user, day: dt.date) -> QuerySet[Clock]:
    from ..workflow import OPEN

    if user is None or not getattr(user, "is_authenticated", False):
        return Clock.objects.none()
    return (
        Clock.objects.filter(
            visible_q(user, CLOCK_CASE_COLUMNS), status=Clock.RUNNING, case__state__in=OPEN
        )
        .exclude(period__in=CITIZEN_WINDOWS)
        .select_related("case", "case__holder_body")
    )


def overdue_for_user(
    user, on: dt.date | None = None, *, offset: int = 0, limit: int = SUPERVISION_LIST_LIMIT
) -> list[Clock]:
    """Running staff deadlines already past, in this user's scope, most overdue first
    (`limit` of them from `offset`: the supervision page shows them a page at a time)."""
    day = on or today()
    qs = (
        _staff_deadlines(user, day)
        .filter(due_on__lt=day)
        .exclude(period__in=OPTION_WINDOWS)
        .order_by("due_on", "pk")
    )
    return list(qs[offset : offset + limit])


def due_soon_for_user(
    user,
    on: dt.date | None = None,
    within_days: int | None = None,
    *,
    offset: int = 0,
    limit: int = SUPERVISION_LIST_LIMIT,
) -> list[Clock]:
    from django.conf import settings

    day = on or today()
    days = settings.XINFANG["DUE_SOON_DAYS"] if within_days is None else within_days
    qs = _staff_deadlines(user, day).filter(
        due_on__gte=day, due_on__lte=day + dt.timedelta(days=days)
    )
    return list(qs.order_by("due_on", "pk")[offset : offset + limit])


def supervision_notices_visible_to(user) -> QuerySet:
    from ..models import SupervisionNotice

    return (
        SupervisionNotice.objects.filter(case_id__in=cases_visible_to(user).values("pk"))
        .select_related("case", "case__holder_body", "issuing_body", "issued_by")
        .order_by("answered_at", "due_on", "-pk")
    )


def notices_to_answer(user) -> QuerySet:
    """Open supervision notices on cases the user's own body holds (handlers and heads)."""
    from ..workflow import BODY_STAFF

    own = bodies_where(user, BODY_STAFF)
    return supervision_notices_visible_to(user).filter(
        case__holder_body__in=own, answered_at__isnull=True
    )


def listed_for_user(user) -> QuerySet[Case]:
    """Open cases under listed supervision (挂牌督办) that concern one of the user's bodies:
    as holder, co-handler or registering office (W39). Never shown to an accused body."""
    from ..workflow import OPEN

    if user is None or not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    own = [m.body_id for m in memberships_of(user)]
    concerned = (
        Q(holder_body__in=own)
        | Q(registering_body__in=own)
        | Q(pk__in=CoHandler.objects.filter(body__in=own).values("case_id"))
    )
    return (
        Case.objects.filter(concerned & protection_q(user), listed_supervision=True, state__in=OPEN)
        .select_related("holder_body")
        .order_by("-registered_at", "-pk")
    )


def leader_cases(user) -> QuerySet[Case]:
    """The open cases this leader owns (包案, W18), nearest time limit first."""
    from ..workflow import OPEN

    if user is None or not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return (
        Case.objects.filter(protection_q(user), leader=user, state__in=OPEN)
        .select_related("holder_body", "leader_body")
        .order_by("leader_deadline", "pk")
    )


def leader_assignments_visible_to(user) -> QuerySet[Case]:
    from ..workflow import OPEN

    return (
        cases_visible_to(user)
        .filter(state__in=OPEN)
        .exclude(leader_level="")
        .select_related("holder_body", "leader_body", "leader")
        .order_by("leader_deadline", "pk")
    )


def escalations_of(cases) -> dict[int, list[CaseEvent]]:
    """The escalation events (提请领导协调) of these cases, oldest first, by case id."""
    out: dict[int, list[CaseEvent]] = {}
    rows = CaseEvent.objects.filter(kind="escalate", case_id__in=[c.pk for c in cases])
    for e in rows.order_by("case_id", "seq"):
        out.setdefault(e.case_id, []).append(e)
    return out


def grid_items_visible_to(user) -> QuerySet:
    """Ledger rows held by the user's bodies, plus those in the area of a township or county
    body the user belongs to (they follow up what the villages below record)."""
    from ..models import GridItem

    if user is None or not getattr(user, "is_authenticated", False):
        return GridItem.objects.none()
    return GridItem.objects.filter(grid_scope_q(user)).select_related(
        "holder_body", "holder_body__division", "place", "case"
    )

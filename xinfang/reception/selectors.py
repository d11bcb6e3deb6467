"""Reads about reception days. Staff reads authorise (cases/access.py); the portal's read only
what is published."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet

from xinfang.cases.access import RECEPTION_ROLES, cases_visible_to, reception_scope_q
from xinfang.cases.models import Clock
from xinfang.cases.selectors import timeline_entries
from xinfang.core.errors import NotFound
from xinfang.core.timeutil import today
from xinfang.orgs.models import Body
from xinfang.orgs.selectors import memberships_of, within_q

from .models import Appointment, Lawyer, ReceptionDay, SessionRecord


def published_days(*, start: dt.date | None = None, days: int = 60) -> QuerySet[ReceptionDay]:
    """The days citizens see: published, not called off, from today on."""
    first = start or today()
    return (
        ReceptionDay.objects.filter(
            published=True, cancelled=False, day__gte=first, day__lte=first + dt.timedelta(days)
        )
        .select_related("host", "office", "host__division")
        .prefetch_related("stations")
        .order_by("day", "starts_at")
    )


def published_day(day_id: int) -> ReceptionDay:
    day = published_days().filter(pk=day_id).first()
    if day is None:
        raise NotFound("reception day")
    return day


def reception_phones() -> list[Body]:
    """The bodies' published reception numbers, for the portal's reception page."""
    return list(
        Body.objects.filter(is_active=True)
        .exclude(reception_phone="")
        .select_related("division")
        .order_by("division_id", "name")
    )


def days_for(user, *, start: dt.date, end: dt.date) -> QuerySet[ReceptionDay]:
    return (
        ReceptionDay.objects.filter(reception_scope_q(user), day__gte=start, day__lte=end)
        .select_related("host", "office", "leader")
        .prefetch_related("stations", "lawyers")
        .order_by("day", "starts_at")
    )


def day_for(user, day_id: int) -> ReceptionDay:
    day = (
        ReceptionDay.objects.filter(reception_scope_q(user), pk=day_id)
        .select_related("host", "office", "leader")
        .prefetch_related("stations", "lawyers")
        .first()
    )
    if day is None:
        raise NotFound("reception day")
    return day


def day_list(user, day: ReceptionDay) -> list[dict]:
    """The day's appointments, each with its case's history and open deadlines. A case the
    user may not see (a report kept from them) shows as booked, without its content."""
    appointments = list(
        day.appointments.exclude(status=Appointment.Status.CANCELLED)
        .select_related("case", "case__holder_body", "station")
        .prefetch_related(
            Prefetch("case__clocks", queryset=Clock.objects.exclude(status=Clock.STOPPED))
        )
    )
    visible = set(
        cases_visible_to(user)
        .filter(pk__in=[a.case_id for a in appointments])
        .values_list("pk", flat=True)
    )
    records = {
        r.appointment_id: r
        for r in SessionRecord.objects.filter(appointment__in=[a.pk for a in appointments])
    }
    out = []
    for a in appointments:
        shown = a.case_id in visible
        out.append(
            {
                "appointment": a,
                "case": a.case if shown else None,
                "history": timeline_entries(a.case, for_citizen=False)[-5:] if shown else [],
                "clocks": sorted(a.case.clocks.all(), key=lambda c: c.due_on) if shown else [],
                "record": records.get(a.pk),
            }
        )
    return out


def appointment_for(user, appointment_id: int) -> Appointment:
    a = (
        Appointment.objects.filter(pk=appointment_id)
        .select_related("day", "day__office", "day__leader", "case", "station")
        .first()
    )
    if a is None or not ReceptionDay.objects.filter(reception_scope_q(user), pk=a.day_id).exists():
        raise NotFound("appointment")
    if not cases_visible_to(user).filter(pk=a.case_id).exists():
        raise NotFound("appointment")
    return a


def appointments_of_case(case_id: int) -> QuerySet[Appointment]:
    """A case's appointments, for the petitioner who proved access to it."""
    return (
        Appointment.objects.filter(case_id=case_id)
        .select_related("day", "station")
        .order_by("-day__day", "-pk")
    )


def station_sessions(body: Body, *, start: dt.date, end: dt.date) -> QuerySet[ReceptionDay]:
    """The video sessions a township or village station joins."""
    return (
        ReceptionDay.objects.filter(stations=body, cancelled=False, day__gte=start, day__lte=end)
        .select_related("host")
        .order_by("day", "starts_at")
    )


def lawyers_for(user) -> QuerySet[Lawyer]:
    """The resident lawyers of the offices where the user keeps reception days."""
    q = Q(pk__in=[])
    for m in memberships_of(user):
        if m.role in RECEPTION_ROLES:
            q |= within_q("office__division", m.body.division)
    return Lawyer.objects.filter(q).select_related("office").order_by("-is_active", "name")


def sessions_held_per_body(*, start: dt.date, end: dt.date) -> dict[int, int]:
    """Sessions held per receiving body in a period (both days included): the reception line of
    a body's scorecard. A session is an appointment recorded as received."""
    rows = (
        Appointment.objects.filter(
            status=Appointment.Status.HELD, day__day__gte=start, day__day__lte=end
        )
        .values("day__host_id")
        .annotate(n=Count("pk"))
    )
    return {r["day__host_id"]: r["n"] for r in rows}

"""Requesting a report and who may read it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.cases.access import STATISTICS_ROLES
from xinfang.core import events
from xinfang.core.errors import InvalidInput
from xinfang.core.timeutil import today
from xinfang.insights.models import MonthlyReport
from xinfang.orgs.selectors import memberships_of


def divisions_of(user) -> list:
    """The widest divisions of the user's statistics roles (none inside another)."""
    divisions = {m.body.division for m in memberships_of(user) if m.role in STATISTICS_ROLES}
    ordered = sorted(divisions, key=lambda d: len(d.path))
    out: list = []
    for d in ordered:
        if not any(d.path.startswith(o.path) for o in out):
            out.append(d)
    return out


def covers(user, report: MonthlyReport) -> bool:
    paths = [d.path for d in divisions_of(user)]
    return bool(report.scope) and all(
        any(p.startswith(mine) for mine in paths) for p in report.scope
    )


def reports_visible_to(user):
    """The reports whose every division lies within the user's (newest first)."""
    paths = [d.path for d in divisions_of(user)]
    if not paths:
        return MonthlyReport.objects.none()
    ids = [
        r.pk
        for r in MonthlyReport.objects.only("pk", "scope")
        if r.scope and all(any(p.startswith(m) for m in paths) for p in r.scope)
    ]
    return MonthlyReport.objects.filter(pk__in=ids).select_related("requested_by")


def request_report(*, user, year: int, month: int, on: dt.date | None = None) -> MonthlyReport:
    """Queue a report of a finished or current month over the requester's divisions."""
    day = on or today()
    divisions = divisions_of(user)
    if not divisions:
        raise InvalidInput(_("Monthly reports are for analysts, supervisors and leaders."))
    try:
        first = dt.date(year, month, 1)
    except ValueError:
        raise InvalidInput(_("Choose a month."), fields={"month": [_("Choose a month.")]}) from None
    if first > day:
        raise InvalidInput(
            _("A report covers a month that has begun."),
            fields={"month": [_("A report covers a month that has begun.")]},
        )
    from .tasks import build_report_task

    with transaction.atomic(durable=True):
        report = MonthlyReport.objects.create(
            month=first,
            scope=[d.path for d in divisions],
            scope_label="、".join(d.name for d in divisions),
            as_of=day,
            requested_by=user,
        )
        if settings.TASKS["default"]["BACKEND"].startswith(events.DATABASE_BACKEND.split(".")[0]):
            build_report_task.enqueue(report.pk)  # the task row commits with the request
        else:
            transaction.on_commit(lambda: build_report_task.enqueue(report.pk), robust=True)
    return report

"""The scheduled warning job (`manage.py warn_issues`): both tests, from their watermarks up to
the last complete week, then the messages they queued are sent."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from xinfang.core.timeutil import today as local_today
from xinfang.notify import services as notify_services

from . import clusters, surge
from .settings import thresholds


def warn_issues(*, today: dt.date | None = None, send: bool = True) -> dict:
    day = today or local_today()
    t = thresholds()
    a = surge.run(today=day, t=t)
    b = clusters.run(today=day, t=t)
    ids = a["messages"] + b["messages"]
    out = {
        "surge_weeks": a["weeks"],
        "surge_alerts": a["alerts"],
        "cluster_weeks": b["weeks"],
        "cluster_alerts": b["alerts"],
        "queued": len(ids),
        "sent": 0,
    }
    if ids and send:
        out["sent"] = notify_services.deliver(ids=ids).sent
    return out


@task()
def warn_issues_task() -> dict:
    return warn_issues()

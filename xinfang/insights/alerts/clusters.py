"""Look-alike clusters: petitions on one matter (the hot-issue grouping of the look-alike index,
triage.selectors.hot_issues) counted over the weeks ending with the tested week. A group is an
alert in the week it reaches the size threshold, or when its petitions that week are at least
`cluster_growth_min` and `cluster_growth` times its earlier weekly average."""

from __future__ import annotations

import datetime as dt
import math

from django.db import transaction
from django.utils import timezone

from xinfang.cases.models import Case
from xinfang.orgs.models import Level
from xinfang.triage.selectors import hot_issues

from ..models import Alert
from . import notice
from .settings import Thresholds
from .weeks import WEEK, advance, recent, weeks_to_test

JOB = "cluster"


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def words(t: Thresholds) -> str:
    return (
        f"Look-alike petitions (text similarity) over {t.cluster_weeks} weeks: the group reached "
        f"{t.cluster_size}, or grew to {t.cluster_growth:g} times its earlier weekly average "
        f"with at least {t.cluster_growth_min} that week"
    )


def growth_limit(earlier_mean: float, t: Thresholds) -> int:
    return max(t.cluster_growth_min, math.ceil(t.cluster_growth * earlier_mean - 1e-9))


def test_week(week: dt.date, t: Thresholds) -> list[tuple]:
    """[(group, this week's petitions, earlier weekly mean)] of the groups flagged in `week`."""
    since = _start(week - WEEK * (t.cluster_weeks - 1))
    week_start, until = _start(week), _start(week + WEEK)
    groups = hot_issues(
        since=since,
        until=until,
        min_cases=min(t.cluster_size, t.cluster_growth_min),
        limit=10_000,
    )
    found = []
    for g in groups:
        this_week = Case.objects.filter(pk__in=g.case_ids, registered_at__gte=week_start).count()
        earlier = g.cases - this_week
        mean = earlier / max(t.cluster_weeks - 1, 1)
        crossed = g.cases >= t.cluster_size > earlier
        grew = this_week >= growth_limit(mean, t)
        if this_week and (crossed or grew):
            found.append((g, this_week, mean))
    return found


def _cell(case: Case, level: int) -> tuple[str, int]:
    """The category (at the level) and division the group is filed under: its leading case's."""
    code = case.category.code[: 2 * level] if case.category_id else ""
    township = next((d for d in case.place.ancestors() if d.level == Level.TOWNSHIP), None)
    return code, (township or case.place).pk


def run(*, today: dt.date, t: Thresholds) -> dict:
    """Test every week after the watermark; returns {"weeks": n, "alerts": n, "messages": ids}."""
    weeks = weeks_to_test(JOB, today, t.cluster_weeks - 1)
    out = {"weeks": len(weeks), "alerts": 0, "messages": []}
    text = words(t)
    for week in weeks:
        with transaction.atomic():
            for g, this_week, mean in test_week(week, t):
                leader = g.example
                code, div = _cell(leader, t.level)
                alert, created = Alert.objects.get_or_create(
                    key=f"{JOB}:{week:%Y%m%d}:{leader.pk}",
                    defaults=dict(
                        kind=Alert.CLUSTER,
                        week=week,
                        category_code=code,
                        division_id=div,
                        observed=this_week,
                        expected=round(mean, 2),
                        limit=growth_limit(mean, t),
                        method=text,
                        params={
                            "weeks": t.cluster_weeks,
                            "size": t.cluster_size,
                            "growth": t.cluster_growth,
                            "growth_min": t.cluster_growth_min,
                        },
                    ),
                )
                if created:
                    out["alerts"] += 1
                    newest = sorted(g.case_ids, reverse=True)
                    out["messages"] += notice.attach(alert, newest, message=recent(week, today))
            advance(JOB, week)
    return out

"""The weekly surge test: each (category at a level, division) cell's weekly intake against its
own baseline weeks (method.py), read from the folded facts (insights.CaseFact), never from cases.

A cell's division is the township the case's place lies in, or the place itself when it is above
township level. Intake is as on the statistics page: cases registered in the week, without those
merged into another as a repeat."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Substr, TruncWeek

from xinfang.cases.workflow import S

from ..models import Alert, CaseFact
from . import method, notice
from .settings import Thresholds
from .weeks import WEEK, advance, recent, weeks_to_test

JOB = "surge"


def _intake(start: dt.date, end: dt.date, level: int):
    return (
        CaseFact.objects.filter(registered_on__gte=start, registered_on__lt=end)
        .exclude(state=S.MERGED)
        .exclude(category_code="")
    )


def weekly_counts(start: dt.date, end: dt.date, level: int) -> dict[tuple[str, int], dict]:
    """{(category code prefix, division id): {Monday: intake}} for weeks in [start, end)."""
    rows = (
        _intake(start, end, level)
        .annotate(
            code=Substr("category_code", 1, 2 * level),
            div=Coalesce("township_id", "place_id"),
            wk=TruncWeek("registered_on"),
        )
        .values("code", "div", "wk")
        .annotate(n=Count("pk"))
        .values_list("code", "div", "wk", "n")
    )
    out: dict[tuple[str, int], dict] = defaultdict(dict)
    for code, div, wk, n in rows:
        wk = wk.date() if isinstance(wk, dt.datetime) else wk
        out[(code, div)][wk] = n
    return out


def cell_case_ids(code: str, division_id: int, week: dt.date, level: int) -> list[int]:
    """The cases behind a cell-week's count (the list an alert opens)."""
    return list(
        _intake(week, week + WEEK, level)
        .filter(category_code__startswith=code)
        .filter(Q(township_id=division_id) | Q(township__isnull=True, place_id=division_id))
        .order_by("-registered_on", "-case_id")
        .values_list("case_id", flat=True)
    )


def test_week(counts, week: dt.date, t: Thresholds) -> list[tuple]:
    """[(code, division id, observed, baseline sum)] of the cells flagged in `week`."""
    b = t.rule.baseline_weeks
    base_weeks = [week - WEEK * i for i in range(1, b + 1)]
    found = []
    for (code, div), by_week in counts.items():
        observed = by_week.get(week, 0)
        if observed < t.rule.min_count:
            continue
        base = sum(by_week.get(w, 0) for w in base_weeks)
        if method.flagged(observed, base, t.rule):
            found.append((code, div, observed, base))
    return found


def run(*, today: dt.date, t: Thresholds) -> dict:
    """Test every week after the watermark; returns {"weeks": n, "alerts": n, "messages": ids}."""
    weeks = weeks_to_test(JOB, today, t.rule.baseline_weeks)
    out = {"weeks": len(weeks), "alerts": 0, "messages": []}
    if not weeks:
        return out
    counts = weekly_counts(weeks[0] - WEEK * t.rule.baseline_weeks, weeks[-1] + WEEK, t.level)
    words = t.rule.words()
    for week in weeks:
        with transaction.atomic():
            for code, div, observed, base in test_week(counts, week, t):
                alert, created = Alert.objects.get_or_create(
                    key=f"{JOB}:{week:%Y%m%d}:{code}:{div}",
                    defaults=dict(
                        kind=Alert.SURGE,
                        week=week,
                        category_code=code,
                        division_id=div,
                        observed=observed,
                        expected=round(base / t.rule.baseline_weeks, 2),
                        limit=method.limit(base, t.rule),
                        method=words,
                        params=t.rule.params(),
                    ),
                )
                if created:
                    out["alerts"] += 1
                    out["messages"] += notice.attach(
                        alert,
                        cell_case_ids(code, div, week, t.level),
                        message=recent(week, today),
                    )
            advance(JOB, week)
    return out

"""The figures of the statistics page, counted over the folded facts (docs/metrics.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from xinfang.cases.deadlines import DEFAULT_PERIODS
from xinfang.cases.models import GridItem
from xinfang.cases.selectors import grid_items_visible_to
from xinfang.cases.selectors.ratings import (
    AWAITING,
    LAPSED,
    RATED,
    RATING_STATUS_LABELS,
    SATISFIED_RATINGS,
)
from xinfang.cases.workflow import CHANNELS
from xinfang.orgs.models import Body, Division
from xinfang.taxonomy.models import Category

from .scope import (
    StatFilters,
    category_prefix,
    figure_facts,
    overdue_clocks,
    scoped_facts,
    staff_clocks_stopped,
    with_rating_status,
)
from .windows import Window


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal; None ("—") when there is nothing to divide by."""
    return round(100.0 * part / whole, 1) if whole else None


def change(now: int, before: int) -> float | None:
    """Relative change in percent (同比 / 环比); None when the earlier count is zero."""
    return round(100.0 * (now - before) / before, 1) if before else None


@dataclass
class Row:
    key: str  # the segment, e.g. "channel:web"
    label: str
    count: int
    previous: int = 0
    year_before: int = 0

    @property
    def mom(self) -> float | None:
        return change(self.count, self.previous)

    @property
    def yoy(self) -> float | None:
        return change(self.count, self.year_before)


@dataclass
class Rate:
    key: str
    label: str
    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return rate(self.part, self.whole)

    @property
    def missed(self) -> int:
        return self.whole - self.part


@dataclass
class Statistics:
    window: Window
    previous: Window
    year_before: Window
    intake: Row
    online: int
    by_channel: list[Row]
    by_category: list[Row]
    by_township: list[Row]
    by_village: list[Row]
    on_time_by_period: list[Rate]
    on_time_by_body: list[Rate]
    on_time: Rate
    overdue_cases: int
    overdue_clocks: int
    average_handling_days: float | None
    answered: int
    rating_counts: dict[str, int]
    satisfied: int
    registered: int
    repeats: int
    resolved: int
    grid_found: int
    grid_settled: int
    backlog_found: int = 0
    backlog_cleared: int = 0
    consultations: int = 0
    trend: list[tuple[str, int]] = field(default_factory=list)

    @property
    def online_share(self) -> float | None:
        return rate(self.online, self.intake.count)

    @property
    def rated(self) -> int:
        return self.rating_counts[RATED]

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied, self.rated)

    @property
    def rating_rate(self) -> float | None:
        return rate(self.rated, self.answered)

    @property
    def repeat_rate(self) -> float | None:
        return rate(self.repeats, self.registered)

    @property
    def clearance_rate(self) -> float | None:
        return rate(self.backlog_cleared, self.backlog_found)

    @property
    def resolution_rate(self) -> float | None:
        return rate(self.resolved, self.answered)

    def rating_rows(self) -> list[tuple[str, str, int]]:
        return [
            (k, str(RATING_STATUS_LABELS[k]), self.rating_counts[k])
            for k in (AWAITING, RATED, LAPSED)
        ]


def _grouped(user, f, column, windows, day) -> dict[str, list[int]]:
    """{value: [count in each window]} of intake grouped by a fact column or expression."""
    out: dict = {}
    for i, w in enumerate(windows):
        qs = figure_facts(user, f, "intake", day=day, window=w)
        if not isinstance(column, str):
            qs = qs.annotate(group=column)
            name = "group"
        else:
            name = column
        for r in qs.values(name).annotate(n=Count("pk")).order_by():
            out.setdefault(r[name], [0] * len(windows))[i] = r["n"]
    return out


def _rows(dim: str, grouped: dict, labels: dict) -> list[Row]:
    rows = [
        Row(
            f"{dim}:{'' if value is None else value}",
            str(labels.get(value, _("Not recorded") if value in (None, "") else value)),
            *counts,
        )
        for value, counts in grouped.items()
        if counts[0]
    ]
    return sorted(rows, key=lambda r: (-r.count, r.key))


def statistics(user, f: StatFilters, *, day: dt.date) -> Statistics:
    w = f.window
    windows = (w, w.previous(), w.year_before())
    counts = [figure_facts(user, f, "intake", day=day, window=x).count() for x in windows]
    channel = _grouped(user, f, "channel", windows, day)
    category = _grouped(user, f, category_prefix(f.level), windows, day)
    township = _grouped(user, f, "township_id", windows, day)
    village = _grouped(user, f, "village_id", windows, day)
    cat_names = dict(
        Category.objects.filter(code__in=[c for c in category if c]).values_list("code", "name")
    )
    places = dict(
        Division.objects.filter(code__in=[*township, *village]).values_list("code", "name")
    )

    facts = scoped_facts(user, f)
    clocks = staff_clocks_stopped(facts, w)
    by_period = [
        Rate(
            f"period:{r['period']}",
            str(DEFAULT_PERIODS[r["period"]].label) if r["period"] in DEFAULT_PERIODS else "",
            r["met"],
            r["n"],
        )
        for r in clocks.values("period")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(met=True)))
        .order_by("period")
    ]
    body_rows = list(
        clocks.values("case__fact__holder_body")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(met=True)))
        .order_by()
    )
    body_names = dict(
        Body.objects.filter(pk__in=[r["case__fact__holder_body"] for r in body_rows]).values_list(
            "pk", "name"
        )
    )
    by_body = sorted(
        (
            Rate(
                f"body:{r['case__fact__holder_body']}",
                body_names.get(r["case__fact__holder_body"], ""),
                r["met"],
                r["n"],
            )
            for r in body_rows
        ),
        key=lambda r: (-(r.value or 0), r.label),
    )
    total = clocks.aggregate(n=Count("pk"), met=Count("pk", filter=Q(met=True)))
    overdue = overdue_clocks(facts, day)

    answered = figure_facts(user, f, "answered", day=day)
    statuses = dict(
        with_rating_status(answered, day)
        .values("rating_status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("rating_status", "n")
    )
    grid = _grid(user, f)
    return Statistics(
        window=w,
        previous=windows[1],
        year_before=windows[2],
        intake=Row("", _("All"), *counts),
        online=figure_facts(user, f, "online", day=day).count(),
        by_channel=_rows("channel", channel, CHANNELS),
        by_category=_rows("category", category, cat_names),
        by_township=_rows("township", township, places),
        by_village=_rows("village", village, places),
        on_time_by_period=by_period,
        on_time_by_body=by_body,
        on_time=Rate("", _("All deadlines"), total["met"], total["n"]),
        overdue_cases=overdue.values("case_id").distinct().count(),
        overdue_clocks=overdue.count(),
        average_handling_days=_round(answered.aggregate(a=Avg("handling_days"))["a"]),
        answered=answered.count(),
        rating_counts={k: statuses.get(k, 0) for k in (AWAITING, RATED, LAPSED)},
        satisfied=answered.filter(rating__in=SATISFIED_RATINGS).count(),
        registered=figure_facts(user, f, "registered", day=day).count(),
        repeats=figure_facts(user, f, "repeat", day=day).count(),
        resolved=figure_facts(user, f, "resolved", day=day).count(),
        grid_found=grid.count(),
        grid_settled=grid.filter(status=GridItem.SETTLED).count(),
        backlog_found=figure_facts(user, f, "backlog", day=day).count(),
        backlog_cleared=figure_facts(user, f, "backlog_cleared", day=day).count(),
        consultations=figure_facts(user, f, "consultations", day=day).count(),
    )


def _round(x) -> float | None:
    return None if x is None else round(float(x), 1)


def grid_items(user, f: StatFilters):
    """Grid ledger items found in the window in the user's area (the grid figures' list)."""
    return _grid(user, f).order_by("-reported_at")


def _grid(user, f: StatFilters):
    qs = grid_items_visible_to(user).filter(
        reported_at__date__gte=f.window.start, reported_at__date__lte=f.window.end
    )
    if f.division is not None:
        qs = qs.filter(place__path__startswith=f.division.path)
    if f.body:
        qs = qs.filter(holder_body_id=f.body)
    return qs

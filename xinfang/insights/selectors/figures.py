"""The figures of the statistics page, counted over the folded facts (docs/metrics.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from xinfang.cases.deadlines import DEFAULT_PERIODS
from xinfang.cases.models import GridItem
from xinfang.cases.selectors import grid_items_visible_to
from xinfang.cases.selectors.ratings import (
    AWAITING,
    LAPSED,
    RATED,
    RATING_STATUS_LABELS,
)
from xinfang.cases.workflow import CHANNELS
from xinfang.orgs.models import Body, Division
from xinfang.taxonomy.models import Category

from .scope import (
    ANSWERED_FIGURES,
    REGISTERED_FIGURES,
    StatFilters,
    category_prefix,
    clock_cells,
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


# The dimensions intake is broken down by, as columns of a fact row ("group": the category at
# the filters' level).
INTAKE_DIMENSIONS = ("channel", "group", "township_id", "village_id")


def _registered_cells(user, f: StatFilters, w: Window, day) -> list[dict]:
    """Each registered-axis figure (scope.REGISTERED_FIGURES) counted per combination of the
    intake dimensions, in one pass over the window's facts."""
    return list(
        figure_facts(user, f, "registered", day=day, window=w)
        .annotate(group=category_prefix(f.level))
        .values(*INTAKE_DIMENSIONS)
        .annotate(**{name: Count("pk", filter=q) for name, q in REGISTERED_FIGURES.items()})
        .order_by()
    )


def _total(cells: list[dict], figure: str) -> int:
    return sum(c[figure] for c in cells)


def _by(cells_per_window: list[list[dict]], dimension: str) -> dict:
    """{value: [intake in each window]} of one dimension."""
    out: dict = {}
    for i, cells in enumerate(cells_per_window):
        for c in cells:
            counts = out.setdefault(c[dimension], [0] * len(cells_per_window))
            counts[i] += c["intake"]
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


def _on_time(facts, w: Window) -> tuple[list[Rate], list[Rate], Rate]:
    """Body deadlines stopped in the window, met or not: by period, by holder body and in all,
    from one grouped count."""
    cells = clock_cells(facts, staff_clocks_stopped(None, w), "holder_body_id")
    periods: dict[str, list[int]] = {}
    bodies: dict[int, list[int]] = {}
    for period, body, n, met in cells:
        for key, table in ((period, periods), (body, bodies)):
            met_n = table.setdefault(key, [0, 0])
            met_n[0] += met
            met_n[1] += n
    by_period = [
        Rate(
            f"period:{period}",
            str(DEFAULT_PERIODS[period].label) if period in DEFAULT_PERIODS else "",
            met,
            n,
        )
        for period, (met, n) in sorted(periods.items())
    ]
    names = dict(Body.objects.filter(pk__in=list(bodies)).values_list("pk", "name"))
    by_body = sorted(
        (Rate(f"body:{body}", names.get(body, ""), met, n) for body, (met, n) in bodies.items()),
        key=lambda r: (-(r.value or 0), r.label),
    )
    total = Rate("", _("All deadlines"), sum(c[3] for c in cells), sum(c[2] for c in cells))
    return by_period, by_body, total


def statistics(user, f: StatFilters, *, day: dt.date) -> Statistics:
    w = f.window
    windows = (w, w.previous(), w.year_before())
    # A year's "previous period" is the year before: count each distinct window once.
    by_window: dict[tuple, list[dict]] = {}
    for x in windows:
        if (x.start, x.end) not in by_window:
            by_window[(x.start, x.end)] = _registered_cells(user, f, x, day)
    cells = [by_window[(x.start, x.end)] for x in windows]
    current = cells[0]
    category = _by(cells, "group")
    township = _by(cells, "township_id")
    village = _by(cells, "village_id")
    cat_names = dict(
        Category.objects.filter(code__in=[c for c in category if c]).values_list("code", "name")
    )
    places = dict(
        Division.objects.filter(code__in=[*township, *village]).values_list("code", "name")
    )

    facts = scoped_facts(user, f)
    by_period, by_body, on_time = _on_time(facts, w)
    overdue = overdue_clocks(facts, day).aggregate(
        clocks=Count("pk"), cases=Count("case_id", distinct=True)
    )
    answered = list(
        with_rating_status(figure_facts(user, f, "answered", day=day), day)
        .values("rating_status")
        .annotate(
            days=Sum("handling_days"),
            timed=Count("handling_days"),
            **{name: Count("pk", filter=q) for name, q in ANSWERED_FIGURES.items()},
        )
        .order_by()
    )
    statuses = {r["rating_status"]: r["answered"] for r in answered}
    timed = _total(answered, "timed")
    grid = _grid(user, f)
    return Statistics(
        window=w,
        previous=windows[1],
        year_before=windows[2],
        intake=Row("", _("All"), *(_total(c, "intake") for c in cells)),
        online=_total(current, "online"),
        by_channel=_rows("channel", _by(cells, "channel"), CHANNELS),
        by_category=_rows("category", category, cat_names),
        by_township=_rows("township", township, places),
        by_village=_rows("village", village, places),
        on_time_by_period=by_period,
        on_time_by_body=by_body,
        on_time=on_time,
        overdue_cases=overdue["cases"],
        overdue_clocks=overdue["clocks"],
        average_handling_days=_round(sum(r["days"] or 0 for r in answered) / timed)
        if timed
        else None,
        answered=_total(answered, "answered"),
        rating_counts={k: statuses.get(k, 0) for k in (AWAITING, RATED, LAPSED)},
        satisfied=_total(answered, "satisfied"),
        registered=_total(current, "registered"),
        repeats=_total(current, "repeat"),
        resolved=_total(answered, "resolved"),
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

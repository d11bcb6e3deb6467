"""The figures of the statistics page, counted over the folded facts (docs/metrics.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q
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
from xinfang.cases.workflow import CHANNELS, OPEN
from xinfang.orgs.models import Body, Division
from xinfang.taxonomy.models import Category

from .scope import (
    ANSWERED_FIGURES,
    REGISTERED_FIGURES,
    StatFilters,
    figure_rows,
    overdue_clocks_q,
    stopped_clocks_q,
)
from .tally import Tally
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


def _registered_cells(t: Tally, f: StatFilters, w: Window, day) -> dict:
    """Each registered-axis figure (scope.REGISTERED_FIGURES) counted in all, and intake by
    each dimension, over the window's facts."""
    registered = t.mask(figure_rows(f, "registered", day=day, window=w))
    intake = t.also(registered, REGISTERED_FIGURES["intake"])
    prefix = 2 * f.level
    out = {
        name: int(np.count_nonzero(t.also(registered, q))) for name, q in REGISTERED_FIGURES.items()
    }
    for dim in INTAKE_DIMENSIONS:
        if dim == "group":
            out[dim] = t.counts(intake, "category_code", key=lambda code: (code or "")[:prefix])
        else:
            out[dim] = t.counts(intake, dim)
    return out


def _by(cells_per_window: list[dict], dimension: str) -> dict:
    """{value: [intake in each window]} of one dimension."""
    out: dict = {}
    for i, cells in enumerate(cells_per_window):
        for value, n in cells[dimension].items():
            counts = out.setdefault(value, [0] * len(cells_per_window))
            counts[i] += n
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


def _on_time(t: Tally, scope, w: Window) -> tuple[list[Rate], list[Rate], Rate]:
    """Body deadlines stopped in the window, met or not: by period, by holder body and in all,
    from one grouped count."""
    cells = t.clock_cells(scope, stopped_clocks_q(w), "holder_body_id")
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
    t = Tally(user)
    w = f.window
    windows = (w, w.previous(), w.year_before())
    # A year's "previous period" is the year before: count each distinct window once.
    by_window: dict[tuple, dict] = {}
    for x in windows:
        if (x.start, x.end) not in by_window:
            by_window[(x.start, x.end)] = _registered_cells(t, f, x, day)
    cells = [by_window[(x.start, x.end)] for x in windows]
    current = cells[0]
    category = _by(cells, "group")
    township = _by(cells, "township_id")
    village = _by(cells, "village_id")
    cat_names = dict(
        Category.objects.filter(code__in=[c for c in category if c]).values_list("code", "name")
    )
    places = dict(
        Division.objects.filter(code__in=[c for c in [*township, *village] if c]).values_list(
            "code", "name"
        )
    )

    scope = t.scope(f)
    by_period, by_body, on_time = _on_time(t, scope, w)
    open_cases = t.also(scope, Q(state__in=OPEN))
    overdue = t.clock_mask(open_cases, overdue_clocks_q(day))
    answered = t.mask(figure_rows(f, "answered", day=day))
    timed = t.also(answered, Q(handling_days__isnull=False))
    days = t.facts.column("handling_days").data[timed]

    def n(m) -> int:
        return int(np.count_nonzero(m))

    grid = _grid(user, f)
    return Statistics(
        window=w,
        previous=windows[1],
        year_before=windows[2],
        intake=Row("", _("All"), *(c["intake"] for c in cells)),
        online=current["online"],
        by_channel=_rows("channel", _by(cells, "channel"), CHANNELS),
        by_category=_rows("category", category, cat_names),
        by_township=_rows("township", township, places),
        by_village=_rows("village", village, places),
        on_time_by_period=by_period,
        on_time_by_body=by_body,
        on_time=on_time,
        overdue_cases=len(np.unique(t.data.clock_row[overdue])),
        overdue_clocks=n(overdue),
        average_handling_days=_round(days.sum() / len(days)) if len(days) else None,
        answered=n(answered),
        rating_counts={k: t.count(figure_rows(f, k, day=day)) for k in (AWAITING, RATED, LAPSED)},
        satisfied=n(t.also(answered, ANSWERED_FIGURES["satisfied"])),
        registered=current["registered"],
        repeats=current["repeat"],
        resolved=n(t.also(answered, ANSWERED_FIGURES["resolved"])),
        grid_found=grid.count(),
        grid_settled=grid.filter(status=GridItem.SETTLED).count(),
        backlog_found=t.count(figure_rows(f, "backlog", day=day)),
        backlog_cleared=t.count(figure_rows(f, "backlog_cleared", day=day)),
        consultations=t.count(figure_rows(f, "consultations", day=day)),
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

"""The map's figures (docs/map.md): one measure counted for each division one level below a
region, over the same filters and the same sets as the statistics (scope.py), so a region's
number and the list of cases behind it agree.

Measures are pluggable: `MEASURES` holds each one's label, its counter and the statistics figure
its drill-down opens. Another line of work adds one with `register_measure`; the early-warning
measure is registered only when the alerts selector exists (see `_register_alerts`).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import CODE_LENGTH, Division

from .figures import grid_items
from .scope import StatFilters, figure_rows
from .tally import Tally

# A counter: (user, filters with the region as division, day, the child code of a path)
# -> {child code or "": count}. "" gathers rows placed at the region itself.
Counter = Callable[[object, StatFilters, dt.date, Callable[[str], str]], dict[str, int]]


@dataclass(frozen=True)
class MapMeasure:
    key: str
    label: object
    count: Counter
    # The statistics figure whose case list a region's number opens ("" when the measure is not
    # a set of cases), or the name of another list ("grid").
    figure: str = ""
    help: object = ""


MEASURES: dict[str, MapMeasure] = {}


def register_measure(measure: MapMeasure) -> None:
    MEASURES[measure.key] = measure


def _grouped(qs: QuerySet, path_field: str, child: Callable[[str], str]) -> dict[str, int]:
    """Rows of a (small) table counted by the child region their path lies in."""
    out: dict[str, int] = {}
    for r in qs.values(path_field).annotate(n=Count("pk")).order_by():
        key = child(r[path_field])
        out[key] = out.get(key, 0) + r["n"]
    return out


def _facts_counter(figure: str) -> Counter:
    def count(user, f, day, child):
        t = Tally(user)
        counts = t.counts(t.mask(figure_rows(f, figure, day=day)), "place_path", key=child)
        return {k: v for k, v in counts.items() if v}

    return count


def _grid_counter(user, f, day, child):
    return _grouped(grid_items(user, f).order_by(), "place__path", child)


register_measure(
    MapMeasure(
        "intake",
        _("Petitions registered"),
        _facts_counter("intake"),
        figure="intake",
        help=_("Petitions registered in the period, by the place the matter is about."),
    )
)
register_measure(
    MapMeasure(
        "overdue",
        _("Cases overdue now"),
        _facts_counter("overdue"),
        figure="overdue",
        help=_("Open cases with a body's deadline past due today."),
    )
)
register_measure(
    MapMeasure(
        "grid",
        _("Grid items found"),
        _grid_counter,
        figure="grid",
        help=_("Grid ledger items recorded in the period."),
    )
)


def _register_alerts() -> bool:
    """The early-warning measure, when the alerts selector is installed: alerts of the period's
    weeks about the region's divisions (issues, never persons)."""
    try:
        services = importlib.import_module("xinfang.insights.alerts.services")
    except ImportError:
        return False
    visible = getattr(services, "alerts_visible_to", None)
    if visible is None:
        return False

    def count(user, f, day, child):
        qs = visible(user).filter(week__gte=f.window.start, week__lte=f.window.end)
        if f.division is not None:
            qs = qs.filter(division__path__startswith=f.division.path)
        return _grouped(qs.order_by(), "division__path", child)

    register_measure(
        MapMeasure(
            "alerts",
            _("Early warnings"),
            count,
            help=_("Early warnings about issues in the period's weeks."),
        )
    )
    return True


_register_alerts()


@dataclass
class Region:
    division: Division
    count: int = 0

    @property
    def code(self) -> str:
        return self.division.code

    @property
    def name(self) -> str:
        return self.division.name


@dataclass
class RegionFigures:
    parent: Division
    measure: MapMeasure
    regions: list[Region] = field(default_factory=list)
    at_parent: int = 0  # rows placed at the region itself, not in one of its parts

    @property
    def total(self) -> int:
        return self.at_parent + sum(r.count for r in self.regions)

    @property
    def highest(self) -> int:
        return max((r.count for r in self.regions), default=0)


def child_of(parent: Division) -> Callable[[str], str]:
    """The code of the child division a path lies in, one level below `parent` ("" for the
    parent itself)."""
    length = CODE_LENGTH.get(parent.level + 1, 6)
    start = len(parent.path)

    def child(path: str) -> str:
        return (path or "")[start : start + length]

    return child


def region_figures(
    user, f: StatFilters, measure: str, *, parent: Division, day: dt.date
) -> RegionFigures:
    """One measure for every division directly below `parent`, within the user's visibility and
    the filters (the filters' own division is replaced by `parent`)."""
    m = MEASURES[measure]
    scoped = StatFilters(
        window=f.window,
        division=parent,
        body=f.body,
        channel=f.channel,
        content_type=f.content_type,
        category=f.category,
        level=f.level,
    )
    counts = m.count(user, scoped, day, child_of(parent))
    children = list(Division.objects.filter(parent=parent).order_by("code"))
    regions = [Region(d, counts.pop(d.code, 0)) for d in children]
    # Anything left was placed at the parent itself (or under a code no longer a child).
    return RegionFigures(parent, m, regions, at_parent=sum(counts.values()))

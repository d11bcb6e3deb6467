"""The early-warning settings (docs/configuration.md, Early warning), read when a job runs."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from .method import Rule


@dataclass(frozen=True)
class Thresholds:
    level: int  # the category level cells are counted at (1-3)
    rule: Rule
    cluster_size: int  # a look-alike group reaching this many petitions in its window
    cluster_growth: float  # or this many times its earlier weekly average in one week ...
    cluster_growth_min: int  # ... with at least this many petitions that week
    cluster_weeks: int  # the window a look-alike group is counted over, ending with the week


def thresholds() -> Thresholds:
    c = settings.XINFANG["ALERTS"]
    return Thresholds(
        level=int(c["CATEGORY_LEVEL"]),
        rule=Rule(
            alpha=float(c["ALPHA"]),
            baseline_weeks=int(c["BASELINE_WEEKS"]),
            min_count=int(c["MIN_COUNT"]),
        ),
        cluster_size=int(c["CLUSTER_SIZE"]),
        cluster_growth=float(c["CLUSTER_GROWTH"]),
        cluster_growth_min=int(c["CLUSTER_GROWTH_MIN"]),
        cluster_weeks=int(c["CLUSTER_WEEKS"]),
    )

"""The weekly control limit on simulated counts: Poisson weeks from a seeded generator, tens of
thousands of cell-weeks for each of a few means. Without a change, the share of weeks flagged
stays within the documented bound (alpha); a week at three or four times the usual level is
flagged as often as docs/metrics.md says."""

from __future__ import annotations

import numpy as np
import pytest

from xinfang.insights.alerts.method import Rule, flagged, limit

RULE = Rule(alpha=0.002, baseline_weeks=12, min_count=5)  # the shipped defaults
CELL_WEEKS = 40_000


def simulate(mean: float, factor: float, seed: int) -> float:
    rng = np.random.default_rng(seed)
    base = rng.poisson(mean, (CELL_WEEKS, RULE.baseline_weeks)).sum(axis=1)
    week = rng.poisson(mean * factor, CELL_WEEKS)
    return float(flagged(week, base, RULE).mean())


@pytest.mark.parametrize("mean", [0.5, 2, 5, 10, 30])
def test_false_alarms_stay_within_alpha(mean):
    assert simulate(mean, 1, seed=int(mean * 10)) <= RULE.alpha


@pytest.mark.parametrize(
    ("mean", "factor", "at_least"),
    [(5, 4, 0.85), (10, 3, 0.9), (10, 4, 0.99), (30, 3, 0.99)],
)
def test_a_surge_is_caught(mean, factor, at_least):
    assert simulate(mean, factor, seed=7) >= at_least


def test_the_limit_is_the_first_flagged_count():
    for base in (0, 3, 24, 60, 120, 360):
        x = limit(base, RULE)
        assert flagged(x, base, RULE) and not flagged(x - 1, base, RULE)
    assert limit(0, RULE) == RULE.min_count  # a quiet cell: the minimum count decides
    assert limit(120, RULE) == 22  # ten a week on average

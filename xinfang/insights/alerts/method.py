"""The weekly test of one cell against its own baseline (pure: no database).

Under "no change", a cell's weekly counts are Poisson with one rate, so given the total n of the
tested week and its B baseline weeks, the tested week's count is Binomial(n, 1/(B+1)) whatever
that rate is. The week is flagged when its count is at least `min_count` and the chance of a count
that high is at most `alpha`: the false-alarm rate of a cell-week is then at most `alpha`, exactly,
without estimating the rate (docs/metrics.md, Early warning; tests/insights/test_alert_method.py
measures it on simulated weeks)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import binom


@dataclass(frozen=True)
class Rule:
    alpha: float = 0.001  # bound on the false-alarm rate of one cell-week
    baseline_weeks: int = 8  # the weeks before the tested one
    min_count: int = 5  # fewer petitions in a week never raise an alert

    def params(self) -> dict:
        return {
            "alpha": self.alpha,
            "baseline_weeks": self.baseline_weeks,
            "min_count": self.min_count,
        }

    def words(self) -> str:
        """The method in words, stored on each alert."""
        return (
            f"Poisson conditional test: week vs. its {self.baseline_weeks} previous weeks, "
            f"one-sided alpha {self.alpha:g}, at least {self.min_count} petitions"
        )


def p_value(observed, baseline_sum, weeks: int):
    """P(X >= observed) for X ~ Binomial(observed + baseline_sum, 1/(weeks+1)); arrays welcome."""
    observed = np.asarray(observed)
    n = observed + np.asarray(baseline_sum)
    return binom.sf(observed - 1, n, 1.0 / (weeks + 1))


def flagged(observed, baseline_sum, rule: Rule):
    """Which cell-weeks are alerts (a boolean array, or a bool for scalars)."""
    observed = np.asarray(observed)
    out = (observed >= rule.min_count) & (
        p_value(observed, baseline_sum, rule.baseline_weeks) <= rule.alpha
    )
    return bool(out) if out.ndim == 0 else out


def limit(baseline_sum: int, rule: Rule) -> int:
    """The smallest weekly count that is an alert, given the baseline weeks' total: the control
    limit shown beside the observed count (P(X >= x) falls as x grows, so bisect)."""
    lo = rule.min_count
    if flagged(lo, baseline_sum, rule):
        return lo
    hi = max(lo * 2, baseline_sum + 10)
    while not flagged(hi, baseline_sum, rule):
        hi *= 2
    while hi - lo > 1:  # flagged(hi) and not flagged(lo)
        mid = (lo + hi) // 2
        if flagged(mid, baseline_sum, rule):
            hi = mid
        else:
            lo = mid
    return hi

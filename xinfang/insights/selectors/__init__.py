"""Reads of the statistics (docs/metrics.md). Callers import from this package."""

from . import windows
from .figures import Rate, Row, Statistics, grid_items, rate, statistics
from .scope import FIGURES, StatFilters, figure_cases, figure_facts, scoped_facts
from .tally import Tally, figure_count

__all__ = [
    "FIGURES",
    "Rate",
    "Row",
    "StatFilters",
    "Statistics",
    "Tally",
    "figure_cases",
    "figure_count",
    "figure_facts",
    "grid_items",
    "rate",
    "scoped_facts",
    "statistics",
    "windows",
]

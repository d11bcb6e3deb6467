"""Reads of the statistics (docs/metrics.md). Callers import from this package."""

from . import windows
from .figures import Rate, Row, Statistics, grid_items, rate, statistics
from .scope import FIGURES, StatFilters, figure_cases, figure_facts, scoped_facts

__all__ = [
    "FIGURES",
    "Rate",
    "Row",
    "StatFilters",
    "Statistics",
    "figure_cases",
    "figure_facts",
    "grid_items",
    "rate",
    "scoped_facts",
    "statistics",
    "windows",
]

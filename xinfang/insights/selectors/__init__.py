"""Reads of the statistics (docs/metrics.md). Callers import from this package."""

from . import windows
from .figures import Rate, Row, Statistics, grid_items, rate, statistics
from .scope import FIGURES, StatFilters, figure_cases, figure_facts, figure_rows, scoped_facts
from .tally import CaseList, Tally, figure_count

__all__ = [
    "CaseList",
    "FIGURES",
    "Rate",
    "Row",
    "StatFilters",
    "Statistics",
    "Tally",
    "figure_cases",
    "figure_count",
    "figure_facts",
    "figure_rows",
    "grid_items",
    "rate",
    "scoped_facts",
    "statistics",
    "windows",
]

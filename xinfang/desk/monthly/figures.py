"""The figures of a monthly report: the statistics selectors over the month, as the requester
sees them on the day counted, and a twelve-month trend of intake."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from xinfang.insights import selectors as stats
from xinfang.insights.selectors import windows


@dataclass
class ReportFigures:
    s: stats.Statistics
    trend: list[tuple[str, int]]  # (month, petitions registered), the last twelve, oldest first


def month_window(first: dt.date) -> windows.Window:
    return windows.month(first.year, first.month)


def trend(user, f: stats.StatFilters, *, day: dt.date, months: int = 12) -> list[tuple[str, int]]:
    w = f.window
    tally = stats.Tally(user)
    out = []
    for back in range(months - 1, -1, -1):
        y, m = w.start.year, w.start.month - back
        while m < 1:
            y, m = y - 1, m + 12
        mw = windows.month(y, m)
        n = stats.figure_count(tally, f, "intake", day=day, window=mw)
        out.append((_("month %(m)s") % {"m": m}, n))
    return out


def compute(user, first: dt.date, *, day: dt.date) -> ReportFigures:
    f = stats.StatFilters(window=month_window(first))
    return ReportFigures(s=stats.statistics(user, f, day=day), trend=trend(user, f, day=day))

"""Reporting windows: a month, a quarter, a year or custom dates, with the window before it
(环比) and the same window a year earlier (同比)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
KINDS = (MONTH, QUARTER, YEAR, CUSTOM)


@dataclass(frozen=True)
class Window:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        if self.kind == MONTH:
            return _("%(y)s-%(m)s") % {"y": self.start.year, "m": f"{self.start.month:02d}"}
        if self.kind == QUARTER:
            return _("%(y)s Q%(q)s") % {"y": self.start.year, "q": (self.start.month - 1) // 3 + 1}
        if self.kind == YEAR:
            return str(self.start.year)
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def previous(self) -> Window:
        """The window just before (环比): the previous month, quarter or year, or as many days."""
        if self.kind == MONTH:
            return month(*_add_months(self.start.year, self.start.month, -1))
        if self.kind == QUARTER:
            y, m = _add_months(self.start.year, self.start.month, -3)
            return quarter(y, (m - 1) // 3 + 1)
        if self.kind == YEAR:
            return year(self.start.year - 1)
        return Window(
            CUSTOM, self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(1)
        )

    def year_before(self) -> Window:
        """The same window a year earlier (同比); 29 February falls back to the 28th."""
        return Window(self.kind, _year_back(self.start), _year_back(self.end))


def _year_back(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def month(y: int, m: int) -> Window:
    return Window(MONTH, dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1]))


def quarter(y: int, q: int) -> Window:
    first = 3 * (q - 1) + 1
    return Window(
        QUARTER, dt.date(y, first, 1), dt.date(y, first + 2, calendar.monthrange(y, first + 2)[1])
    )


def year(y: int) -> Window:
    return Window(YEAR, dt.date(y, 1, 1), dt.date(y, 12, 31))


def custom(start: dt.date, end: dt.date) -> Window:
    if end < start:
        start, end = end, start
    return Window(CUSTOM, start, end)


def months_of(w: Window) -> list[Window]:
    """The calendar months the window touches (for trend charts)."""
    out, (y, m) = [], (w.start.year, w.start.month)
    while dt.date(y, m, 1) <= w.end:
        out.append(month(y, m))
        y, m = _add_months(y, m, 1)
    return out

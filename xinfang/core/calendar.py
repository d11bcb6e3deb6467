"""Working-day calendar: chinese-calendar for the years it knows, an edited table on top.

Pure: the table is passed in as a mapping, so deadline arithmetic can be tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=4096)
def _library_is_workday(day: dt.date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def library_knows(year: int) -> bool:
    return _library_is_workday(dt.date(year, 6, 1)) is not None


class WorkCalendar:
    """`overrides` maps a date to True (a working day, e.g. a swapped Saturday) or False (rest day).

    The table wins over the library, so a deployment can also correct a year the library knows.
    For a year known to neither, only weekends rest and the year is reported as provisional.
    """

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None):
        self.overrides = dict(overrides or {})
        self._table_years = {d.year for d in self.overrides}

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        known = _library_is_workday(day)
        if known is not None:
            return known
        return day.weekday() < 5

    def is_rest_day(self, day: dt.date) -> bool:
        return not self.is_workday(day)

    def year_is_known(self, year: int) -> bool:
        return year in self._table_years or library_knows(year)

    def next_workday(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start` (counting starts the day after)."""
        day = start
        remaining = count
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in the half-open interval (start, end]."""
        n = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                n += 1
        return n

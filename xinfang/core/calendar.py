"""Working-day calendar: chinese-calendar for the years it knows, an edited table on top, and the
statutory rest days (holidays.py) with weekends for the years it does not know.

Pure: the table is passed in as a mapping, so deadline arithmetic can be tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import chinese_calendar

from .holidays import is_statutory_rest_day

# The library's own rule (chinese_calendar.is_workday), read from its exported tables once:
# calling it per day recomputes the covered range every time, and deadlines walk day by day.
_LIB_HOLIDAYS = frozenset(chinese_calendar.holidays)
_LIB_WORKDAYS = frozenset(chinese_calendar.workdays)
LIBRARY_FIRST_YEAR = min(_LIB_HOLIDAYS).year
LIBRARY_LAST_YEAR = max(_LIB_HOLIDAYS).year

# No official schedule rests this long; a longer run means a mistyped table, not a long holiday.
MAX_REST_RUN_DAYS = 366

ONE_DAY = dt.timedelta(days=1)


def library_knows(year: int) -> bool:
    return LIBRARY_FIRST_YEAR <= year <= LIBRARY_LAST_YEAR


def _library_is_workday(day: dt.date) -> bool | None:
    """chinese-calendar's answer, or None for a year it has no schedule for."""
    if not library_knows(day.year):
        return None
    return day in _LIB_WORKDAYS or (day.weekday() < 5 and day not in _LIB_HOLIDAYS)


class WorkCalendar:
    """`overrides` maps a date to True (a working day, e.g. a swapped Saturday) or False (rest day).

    The table wins over the library, so a deployment can also correct a year the library knows.
    A year with at least one table row counts as entered (the State Council publishes a whole
    year at once). Past the library's last year the statutory rest days (元旦, 春节, 清明, 劳动节,
    端午, 中秋, 国庆) and weekends rest, the table on top; a year known to neither is provisional:
    its bridging days and swapped working days are not known yet.
    """

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None):
        self.overrides = dict(overrides or {})
        self._table_years = frozenset(d.year for d in self.overrides)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        known = _library_is_workday(day)
        if known is not None:
            return known
        return day.weekday() < 5 and not is_statutory_rest_day(day)

    def is_rest_day(self, day: dt.date) -> bool:
        return not self.is_workday(day)

    def year_is_known(self, year: int) -> bool:
        return year in self._table_years or library_knows(year)

    def unknown_years(self, first: dt.date, last: dt.date) -> tuple[int, ...]:
        """Years in [first, last] counted on statutory days and weekends alone (no schedule)."""
        return tuple(y for y in range(first.year, last.year + 1) if not self.year_is_known(y))

    def next_workday(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first working day after it."""
        limit = day + dt.timedelta(days=MAX_REST_RUN_DAYS)
        while not self.is_workday(day):
            day += ONE_DAY
            if day > limit:
                raise ValueError(f"no working day within {MAX_REST_RUN_DAYS} days of {day}")
        return day

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start` (counting starts the day after)."""
        day = start
        for _ in range(count):
            day = self.next_workday(day + ONE_DAY)
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in the half-open interval (start, end]."""
        n = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_workday(day):
                n += 1
        return n

"""The statutory rest days of a year, computable without the yearly schedule. Pure: no database.

《全国年节及纪念日放假办法》 (2024 revision, in force from 2025-01-01), article 2, fixes the days
on which every citizen rests: 元旦 January 1; 春节 4 days (农历除夕 and 正月初一 to 初三); 清明 the day of
the solar term 清明; 劳动节 May 1 and 2; 端午 农历五月初五; 中秋 农历八月十五; 国庆 October 1 to 3.
What the State Council's yearly schedule adds on top (bridging days, the swapped working days 调休,
and the make-up day 补假 of a holiday that falls on a weekend, whose date the law leaves open) is
not computable: until a year's schedule is known, its due dates are provisional (calendar.py).

Lunar dates come from `lunardate` (tables for 1900-2099); the day of 清明 from chinese-calendar's
solar-term formula (1900-2100). Both agree, for every year from 2004 to 2099, with an astronomical
computation and with a second, independent lunar calendar library (tests/core/test_holidays.py).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import chinese_calendar
from lunardate import LunarDate

# The revision whose days are counted here; older years are all in chinese-calendar's tables.
RULE_FIRST_YEAR = 2025


@dataclass(frozen=True)
class RestDay:
    date: dt.date
    name: str


def _lunar(year: int, month: int, day: int) -> dt.date | None:
    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError:  # outside the library's tables
        return None


def _qingming(year: int) -> dt.date | None:
    try:
        terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 30))
    except NotImplementedError:  # outside 1900-2100
        return None
    return next((day for day, name in terms if name == "清明"), None)


def festival_days(year: int) -> dict[str, dt.date]:
    """The days of the movable festivals in `year`: 春节 (正月初一), 清明, 端午, 中秋 (whichever the
    tables cover), whatever the rule of rest in force that year."""
    found = {
        "春节": _lunar(year, 1, 1),
        "清明节": _qingming(year),
        "端午节": _lunar(year, 5, 5),
        "中秋节": _lunar(year, 8, 15),
    }
    return {name: day for name, day in found.items() if day is not None}


@functools.cache
def statutory_rest_days(year: int) -> tuple[RestDay, ...]:
    """Every day of `year` on which all citizens rest by law, in date order.

    Years before 2025 used the previous revision (3 days of 春节, 1 of 劳动节) and are not
    computed here. Past 2099 only the days of fixed Gregorian date are known.
    """
    if year < RULE_FIRST_YEAR:
        return ()
    days = [
        RestDay(dt.date(year, 1, 1), "元旦"),
        RestDay(dt.date(year, 5, 1), "劳动节"),
        RestDay(dt.date(year, 5, 2), "劳动节"),
        *(RestDay(dt.date(year, 10, d), "国庆节") for d in (1, 2, 3)),
    ]
    for name, day in festival_days(year).items():
        # 春节: 除夕 (the day before 正月初一, 腊月廿九 in a short 腊月) to 初三.
        offsets = (-1, 0, 1, 2) if name == "春节" else (0,)
        days += [RestDay(day + dt.timedelta(days=i), name) for i in offsets]
    # 中秋 may fall on a day of 国庆 (2031-10-01): one day, both names.
    merged: dict[dt.date, str] = {}
    for d in sorted(days, key=lambda r: r.date):
        merged[d.date] = f"{merged[d.date]}、{d.name}" if d.date in merged else d.name
    return tuple(RestDay(d, n) for d, n in merged.items())


@functools.cache
def statutory_dates(year: int) -> frozenset[dt.date]:
    return frozenset(r.date for r in statutory_rest_days(year))


def is_statutory_rest_day(day: dt.date) -> bool:
    return day in statutory_dates(day.year)

"""Statutory rest days in every year (STATUTE.md, "Counting periods";《全国年节及纪念日放假办法》
2024 revision, article 2), also past the last year chinese-calendar has a schedule for.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from xinfang.core.calendar import LIBRARY_LAST_YEAR, WorkCalendar
from xinfang.core.holidays import festival_days, statutory_dates, statutory_rest_days

D = dt.date


def _days(*spec: tuple[int, int, int]) -> set[dt.date]:
    return {D(*s) for s in spec}


def test_2031_statutory_days():
    """2031, checked against sources independent of the code's two libraries:
    - 中秋 2031-10-01, the same day as 国庆: announced by 天津市天文学会 (赵志恒) in 2020, widely
      reported then ("本世纪中秋国庆同日共四次：2001、2020、2031、2077年").
    - 正月初一 2031-01-23 (除夕 01-22), 端午 06-24: lunar-python 1.4.8 (6tail, 寿星天文历 tables).
    - 清明 2031-04-05: the Sun reaches ecliptic longitude 15° at 07:25 Beijing time that day
      (PyEphem 4.2.1, apparent geocentric position).
    """
    assert statutory_dates(2031) == _days(
        (2031, 1, 1),
        (2031, 1, 22),
        (2031, 1, 23),
        (2031, 1, 24),
        (2031, 1, 25),
        (2031, 4, 5),
        (2031, 5, 1),
        (2031, 5, 2),
        (2031, 6, 24),
        (2031, 10, 1),
        (2031, 10, 2),
        (2031, 10, 3),
    )
    names = {r.date: r.name for r in statutory_rest_days(2031)}
    assert names[D(2031, 10, 1)] == "国庆节、中秋节"
    assert names[D(2031, 1, 22)] == "春节"  # 除夕 rests since the 2024 revision


def test_2040_statutory_days():
    """2040, checked against lunar-python 1.4.8 (正月初一 02-12, so 除夕 02-11; 端午 06-14;
    中秋 09-20) and PyEphem 4.2.1 (the Sun at 15° on 2040-04-04 11:50 Beijing time: 清明)."""
    assert statutory_dates(2040) == _days(
        (2040, 1, 1),
        (2040, 2, 11),
        (2040, 2, 12),
        (2040, 2, 13),
        (2040, 2, 14),
        (2040, 4, 4),
        (2040, 5, 1),
        (2040, 5, 2),
        (2040, 6, 14),
        (2040, 9, 20),
        (2040, 10, 1),
        (2040, 10, 2),
        (2040, 10, 3),
    )


LIBRARY_NAMES = {
    "春节": chinese_calendar.Holiday.spring_festival,
    "清明节": chinese_calendar.Holiday.tomb_sweeping_day,
    "端午节": chinese_calendar.Holiday.dragon_boat_festival,
    "中秋节": chinese_calendar.Holiday.mid_autumn_festival,
}


@pytest.mark.parametrize("year", range(2008, LIBRARY_LAST_YEAR + 1))
def test_computed_festivals_are_the_published_ones(year):
    """Since 2008 春节, 清明, 端午 and 中秋 are rest days; the computed day of each is the day the
    State Council's schedule (as chinese-calendar ships it) names for that festival."""
    found = festival_days(year)
    assert set(found) == set(LIBRARY_NAMES)
    for name, day in found.items():
        is_holiday, holiday = chinese_calendar.get_holiday_detail(day)
        assert is_holiday, (name, day)
        # 2020: 中秋 fell on 10-01, which the schedule names 国庆; 2012: 端午 on a Saturday.
        assert holiday in (LIBRARY_NAMES[name].value, "National Day", None), (name, day)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_rule_matches_the_published_schedules_under_the_2024_revision(year):
    """Every statutory day of 2025 and 2026 (除夕 and May 2 included) rests in the schedule."""
    schedule = WorkCalendar()
    assert all(schedule.is_rest_day(day) for day in statutory_dates(year))


def test_years_under_the_old_rule_are_left_to_the_library():
    assert statutory_rest_days(2024) == ()


def test_past_the_tables_the_fixed_days_still_rest():
    assert statutory_dates(2101) == _days(
        (2101, 1, 1), (2101, 5, 1), (2101, 5, 2), (2101, 10, 1), (2101, 10, 2), (2101, 10, 3)
    )


def test_calendar_rests_on_statutory_days_of_a_year_without_schedule():
    """2031-01-22 (除夕) is a Wednesday; the Monday after 春节 (01-27) is a working day, and the
    year is still provisional: its bridging and swapped days are not known."""
    cal = WorkCalendar()
    assert D(2031, 1, 22).weekday() == 2
    assert cal.is_rest_day(D(2031, 1, 22))
    assert cal.is_workday(D(2031, 1, 27))
    assert cal.next_workday(D(2031, 9, 30)) == D(2031, 9, 30)
    assert cal.next_workday(D(2031, 10, 1)) == D(2031, 10, 6)  # Oct 4-5 is a weekend
    assert cal.unknown_years(D(2031, 1, 1), D(2031, 12, 31)) == (2031,)
    # The entered schedule's rows win (here a swapped working Sunday).
    entered = WorkCalendar({D(2031, 1, 26): True})
    assert entered.is_workday(D(2031, 1, 26)) and entered.is_rest_day(D(2031, 1, 23))
    assert entered.unknown_years(D(2031, 1, 1), D(2031, 12, 31)) == ()

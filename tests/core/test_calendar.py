"""The working-day calendar (STATUTE.md, "Counting periods"): chinese-calendar up to the last
year it knows, the administrator's holiday table on top and after it, the statutory rest days and
weekends beyond both (tests/core/test_holidays.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from xinfang.core import selectors as core_selectors
from xinfang.core.calendar import LIBRARY_LAST_YEAR, WorkCalendar
from xinfang.core.models import Holiday
from xinfang.core.selectors import forget_cached_calendars, work_calendar

D = dt.date
LIB = WorkCalendar()


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Tests simulate commits of holiday rows that the test database then rolls back.
    yield
    forget_cached_calendars()


# ---------------------------------------------------------------------------------------------
# The 2026 schedule as chinese-calendar 1.11 ships it


@pytest.mark.parametrize(
    "day",
    [D(2026, 10, d) for d in range(1, 8)] + [D(2026, 1, 1), D(2026, 2, 16), D(2026, 5, 5)],
)
def test_official_2026_holidays_are_rest_days(day):
    assert LIB.is_rest_day(day)


@pytest.mark.parametrize(
    "day",
    # Swapped working days (调休上班) of 2026, all on a Saturday or Sunday.
    [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)],
)
def test_swapped_weekend_days_of_2026_are_working_days(day):
    assert day.weekday() >= 5
    assert LIB.is_workday(day)


def test_day_after_golden_week_is_a_working_day_and_the_sunday_after_it_rests():
    assert LIB.is_workday(D(2026, 10, 8))
    assert LIB.is_rest_day(D(2026, 10, 11))


def test_library_covers_2026_and_not_2027():
    assert LIBRARY_LAST_YEAR == 2026
    assert LIB.year_is_known(2026)
    assert not LIB.year_is_known(2027)


def test_unknown_year_rests_on_statutory_days_and_weekends_only():
    # 2027-01-01 (New Year's Day) rests by law; a bridging Monday waits for the schedule.
    assert LIB.is_rest_day(D(2027, 1, 1))
    assert LIB.is_rest_day(D(2027, 1, 2))
    assert LIB.is_workday(D(2027, 1, 4))
    # 春节 2027: 除夕 Feb 5 to 初三 Feb 8; Tuesday Feb 9 is a working day until the schedule says.
    assert all(LIB.is_rest_day(D(2027, 2, d)) for d in range(5, 9))
    assert LIB.is_workday(D(2027, 2, 9))
    assert LIB.unknown_years(D(2026, 12, 1), D(2027, 2, 1)) == (2027,)


def test_table_row_makes_its_year_known_and_wins_over_weekday_rule():
    cal = WorkCalendar({D(2027, 1, 1): False, D(2027, 1, 30): True})
    assert cal.year_is_known(2027)
    assert cal.is_rest_day(D(2027, 1, 1))
    assert cal.is_workday(D(2027, 1, 30))  # a Saturday entered as 调休上班
    assert cal.unknown_years(D(2026, 12, 1), D(2027, 2, 1)) == ()


def test_table_can_correct_a_year_the_library_knows():
    cal = WorkCalendar({D(2026, 10, 10): False, D(2026, 10, 9): False})
    assert cal.is_rest_day(D(2026, 10, 10))
    assert cal.is_rest_day(D(2026, 10, 9))
    assert cal.next_workday(D(2026, 10, 9)) == D(2026, 10, 12)


def test_a_table_that_never_works_again_is_an_error_not_a_hang():
    never = {D(2027, 1, 1) + dt.timedelta(days=i): False for i in range(400)}
    with pytest.raises(ValueError):
        WorkCalendar(never).next_workday(D(2027, 1, 1))


def test_add_workdays_across_golden_week_uses_the_swapped_saturday():
    # Received Wed 2026-09-30: Oct 1-7 rest, then Oct 8, 9, 10 (Sat, swapped), 12, 13.
    assert LIB.add_workdays(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert WorkCalendar({D(2026, 10, 10): False}).add_workdays(D(2026, 9, 30), 5) == D(2026, 10, 14)


starts = st.dates(min_value=D(2004, 1, 1), max_value=D(2028, 12, 31))


@given(start=starts, count=st.integers(min_value=1, max_value=40))
def test_add_workdays_lands_on_a_workday_exactly_count_workdays_later(start, count):
    end = LIB.add_workdays(start, count)
    assert LIB.is_workday(end)
    assert LIB.workdays_between(start, end) == count
    assert LIB.workdays_between(start, end - dt.timedelta(days=1)) == count - 1


# ---------------------------------------------------------------------------------------------
# The deployment's table, cached per process and refreshed on every edit


def _committed_holiday(capture, **fields) -> Holiday:
    with capture(execute=True):
        return Holiday.objects.create(**fields)


@pytest.mark.django_db
def test_new_holiday_row_is_seen_at_once(django_capture_on_commit_callbacks):
    assert work_calendar().is_workday(D(2027, 2, 9))
    _committed_holiday(django_capture_on_commit_callbacks, date=D(2027, 2, 9), name="春节")
    cal = work_calendar()
    assert cal.is_rest_day(D(2027, 2, 9))
    assert cal.year_is_known(2027)


@pytest.mark.django_db
def test_calendar_is_cached_until_the_table_changes(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    row = _committed_holiday(django_capture_on_commit_callbacks, date=D(2027, 2, 6), name="春节")
    work_calendar()
    with django_assert_num_queries(0):
        assert work_calendar().is_rest_day(D(2027, 2, 6))
    # An edit (the admin ticks 调休上班) and a delete are both picked up.
    row.is_workday = True
    with django_capture_on_commit_callbacks(execute=True):
        row.save()
    assert work_calendar().is_workday(D(2027, 2, 6))
    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.create(date=D(2027, 2, 10), name="春节")
    assert work_calendar().is_rest_day(D(2027, 2, 10))
    with django_capture_on_commit_callbacks(execute=True):
        row.delete()
    cal = work_calendar()
    assert D(2027, 2, 6) not in cal.overrides
    assert cal.is_rest_day(D(2027, 2, 6))  # a Saturday again


@pytest.mark.django_db
def test_edit_made_elsewhere_is_seen_after_the_ttl(monkeypatch, django_capture_on_commit_callbacks):
    _committed_holiday(django_capture_on_commit_callbacks, date=D(2027, 2, 9), name="春节")
    assert work_calendar().is_rest_day(D(2027, 2, 9))
    # Another process's edit sends no signal here.
    Holiday.objects.filter(date=D(2027, 2, 9)).update(is_workday=True)
    assert work_calendar().is_rest_day(D(2027, 2, 9))
    real = core_selectors.time.monotonic
    ttl = core_selectors.CALENDAR_TTL_SECONDS
    monkeypatch.setattr(core_selectors.time, "monotonic", lambda: real() + ttl + 1)
    assert work_calendar().is_workday(D(2027, 2, 9))


@pytest.mark.django_db
def test_rolled_back_holiday_is_forgotten():
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        Holiday.objects.create(date=D(2027, 1, 4), name="误录")
        assert work_calendar().is_rest_day(D(2027, 1, 4))
        raise Abort
    assert work_calendar().is_workday(D(2027, 1, 4))

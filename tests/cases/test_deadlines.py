"""Statutory periods (STATUTE.md, "Counting periods"; W22, W23, W34, W35, W36).

Pure properties first (no database), then the 2026-12-01 registration whose periods run into
2027, a year chinese-calendar does not know, and the `due_dates` command a clerk reads.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import assume, given
from hypothesis import strategies as st

from xinfang.cases import deadlines, selectors, services
from xinfang.cases.deadlines import CALENDAR, DEFAULT_PERIODS, WORKING, Period, due_date
from xinfang.cases.models import Clock, PeriodSetting
from xinfang.core.calendar import WorkCalendar
from xinfang.core.errors import InvalidInput
from xinfang.core.models import Holiday
from xinfang.core.selectors import forget_cached_calendars

from ..conftest import register_appeal

D = dt.date
DAY = dt.timedelta(days=1)
LIB = WorkCalendar()
P = DEFAULT_PERIODS


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Tests simulate commits of holiday rows that the test database then rolls back.
    yield
    forget_cached_calendars()


starts = st.dates(min_value=D(2004, 1, 1), max_value=D(2028, 12, 31))


@st.composite
def calendars(draw, start: dt.date):
    """The library plus a random holiday table around `start` (rest days and swapped workdays)."""
    rows = draw(
        st.dictionaries(st.integers(min_value=-5, max_value=260), st.booleans(), max_size=40)
    )
    return WorkCalendar({start + dt.timedelta(days=k): v for k, v in rows.items()})


def periods(units=(CALENDAR, WORKING)):
    return st.builds(
        Period,
        key=st.just("p"),
        label=st.just("测试期限"),
        article=st.just("W"),
        days=st.integers(min_value=0, max_value=90),
        unit=st.sampled_from(units),
        max_extension=st.integers(min_value=0, max_value=365),
    )


# ---------------------------------------------------------------------------------------------
# Properties


@given(data=st.data(), start=starts, period=periods())
def test_due_date_is_never_a_rest_day_and_never_early(data, start, period):
    """A due date is a working day, no earlier than start + length (民法典 201, 203)."""
    cal = data.draw(calendars(start))
    due = due_date(period, start, cal)
    assert cal.is_workday(due)
    assert due >= start + dt.timedelta(days=period.days)


@given(data=st.data(), start=starts, period=periods((CALENDAR,)))
def test_calendar_period_ends_on_first_working_day_from_its_last_day(data, start, period):
    """Calendar days: the last day is start + length; a rest day there rolls over, and only then."""
    cal = data.draw(calendars(start))
    last = start + dt.timedelta(days=period.days)
    due = due_date(period, start, cal)
    skipped = [last + dt.timedelta(days=i) for i in range((due - last).days)]
    assert all(cal.is_rest_day(d) for d in skipped)


@given(data=st.data(), start=starts, period=periods((WORKING,)))
def test_working_period_counts_exactly_its_working_days(data, start, period):
    """工作日 (W23): exactly `days` working days after the event, the last of them the due date."""
    assume(period.days > 0)
    cal = data.draw(calendars(start))
    due = due_date(period, start, cal)
    assert cal.workdays_between(start, due) == period.days
    assert cal.workdays_between(start, due - DAY) == period.days - 1


@given(period=periods(), days=st.integers(min_value=-5, max_value=400), extended=st.booleans())
def test_w34_extension_is_one_and_at_most_30_days(period, days, extended):
    """W34: one extension, 1 to 30 days, even when a deployment configures a longer one."""
    allowed = min(period.max_extension, 30)
    if not extended and 1 <= days <= allowed:
        deadlines.check_extension(period, days, already_extended=False)
    else:
        with pytest.raises(InvalidInput):
            deadlines.check_extension(period, days, already_extended=extended)


def test_w34_extension_messages_say_why():
    handle = P["handle"]
    with pytest.raises(InvalidInput) as too_long:
        deadlines.check_extension(
            handle.with_settings(max_extension=60), 31, already_extended=False
        )
    assert too_long.value.code == "extension_too_long"
    assert "1至30天" in too_long.value.message
    with pytest.raises(InvalidInput) as second:
        deadlines.check_extension(handle, 10, already_extended=True)
    assert second.value.code == "already_extended"
    with pytest.raises(InvalidInput) as none:
        deadlines.check_extension(P["route"], 5, already_extended=False)
    assert none.value.code == "not_extendable"


@given(data=st.data(), start=starts, ext=st.integers(min_value=1, max_value=30))
def test_w34_extension_pushes_the_handling_due_date_by_at_most_its_days(data, start, ext):
    """W34: the extended due date is the 60+ext-day due date, never before the original one."""
    cal = data.draw(calendars(start))
    handle = P["handle"]
    extended = due_date(handle, start, cal, extension_days=ext)
    assert extended == due_date(handle.with_settings(days=60 + ext), start, cal)
    assert extended >= due_date(handle, start, cal)
    assert cal.is_workday(extended)


@given(
    data=st.data(),
    start=starts,
    period=periods((CALENDAR,)),
    pause=st.integers(min_value=0, max_value=60),
)
def test_w36_paused_calendar_period_ends_as_if_it_started_later(data, start, period, pause):
    """W36 (hearing time not counted): k paused days give the due date of a start k days later."""
    cal = data.draw(calendars(start))
    paused = due_date(period, start, cal, paused_days=pause)
    assert paused == due_date(period, start + dt.timedelta(days=pause), cal)
    assert paused >= due_date(period, start, cal)
    assert cal.is_workday(paused)


@given(
    data=st.data(),
    start=starts,
    days=st.integers(min_value=1, max_value=60),
    hearing_from=st.integers(min_value=0, max_value=59),
    hearing_length=st.integers(min_value=1, max_value=40),
)
def test_w36_hearing_time_is_excluded_from_the_rereview_period(
    data, start, days, hearing_from, hearing_length
):
    """W36: a hearing (a, b] that begins while the clock runs adds b - a days, so the days
    outside the hearing up to the due date are at least the period, and exactly the period
    up to the last counted day when the hearing ends within the extended period."""
    cal = data.draw(calendars(start))
    period = P["rereview_decide"].with_settings(days=days)
    a = start + dt.timedelta(days=min(hearing_from, days - 1))
    b = a + dt.timedelta(days=hearing_length)
    added = deadlines.paused_units(period, a, b, cal)
    assert added == hearing_length
    due = due_date(period, start, cal, paused_days=added)
    last = start + dt.timedelta(days=days + added)

    def counted(until):
        return sum(
            1
            for i in range(1, (until - start).days + 1)
            if not a < start + dt.timedelta(days=i) <= b
        )

    assert counted(last) == days
    assert counted(due) >= days
    assert cal.is_workday(due)


@given(
    data=st.data(),
    start=starts,
    days=st.integers(min_value=1, max_value=20),
    pause=st.integers(min_value=0, max_value=20),
)
def test_paused_working_period_counts_the_pause_in_working_days(data, start, days, pause):
    cal = data.draw(calendars(start))
    period = P["supervision"].with_settings(days=days)
    due = due_date(period, start, cal, paused_days=pause)
    assert cal.workdays_between(start, due) == days + pause
    assert due >= due_date(period, start, cal)


def test_negative_extension_or_pause_is_a_programming_error():
    with pytest.raises(ValueError):
        due_date(P["handle"], D(2026, 3, 2), LIB, extension_days=-1)
    with pytest.raises(ValueError):
        due_date(P["handle"], D(2026, 3, 2), LIB, paused_days=-1)


# ---------------------------------------------------------------------------------------------
# Fixed examples on the 2026 schedule (chinese-calendar 1.11)


def test_w23_remit_objection_5_working_days_across_golden_week():
    """W23: 5 working days; Oct 1-7 rest, Sat Oct 10 is a swapped working day."""
    assert due_date(P["remit_objection"], D(2026, 9, 30), LIB) == D(2026, 10, 13)
    # Received on Friday Sep 18: Sunday Sep 20 is a swapped working day and counts.
    assert due_date(P["remit_objection"], D(2026, 9, 18), LIB) == D(2026, 9, 24)
    assert LIB.add_workdays(D(2026, 9, 18), 1) == D(2026, 9, 20)


def test_w22_route_period_ending_in_golden_week_rolls_to_october_8():
    """W22, 15 days from Sep 16 ends on Oct 1 (National Day): due Thursday Oct 8."""
    assert due_date(P["route"], D(2026, 9, 16), LIB) == D(2026, 10, 8)


def test_w22_route_period_ending_on_a_saturday_rolls_to_monday():
    assert due_date(P["route"], D(2026, 11, 6), LIB) == D(2026, 11, 23)  # Sat Nov 21 → Mon


def test_w22_route_period_ending_on_a_swapped_working_saturday_does_not_roll():
    assert due_date(P["route"], D(2026, 9, 25), LIB) == D(2026, 10, 10)


def test_w34_handling_period_over_spring_festival_2026():
    """60 days from 2025-12-18 is Mon 2026-02-16, inside Spring Festival (Feb 15-23)."""
    assert due_date(P["handle"], D(2025, 12, 18), LIB) == D(2026, 2, 24)


def test_w40_supervision_10_working_days_across_golden_week():
    assert due_date(P["supervision"], D(2026, 9, 30), LIB) == D(2026, 10, 20)


# ---------------------------------------------------------------------------------------------
# A case registered on 2026-12-01: periods that run into 2027

REGISTERED = dt.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# The real 2027 New Year's Day, and two rest days constructed for the test on the Monday and
# Tuesday the weekend rule would pick (the 2027 Spring Festival schedule is not published yet).
TABLE_2027 = [
    (D(2027, 1, 1), False, "元旦"),
    (D(2027, 2, 1), False, "春节（测试）"),
    (D(2027, 2, 2), False, "春节（测试）"),
]


def _enter(rows, capture):
    with capture(execute=True):
        for day, work, name in rows:
            Holiday.objects.create(date=day, is_workday=work, name=name)


def _accepted_on_registration_day(county):
    with time_machine.travel(REGISTERED, tick=False):
        case = register_appeal(county).case
        services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
        services.accept(case=case, actor=county.users["handler"])
    return case


def _due(case, period):
    return Clock.objects.get(case=case, period=period, status=Clock.RUNNING).due_on


def _clock_entry(case, period) -> dict:
    with time_machine.travel(REGISTERED, tick=False):
        return next(c for c in selectors.clock_entries(case) if c["period"] == period)


def test_w34_handling_clock_into_2027_is_provisional_until_the_table_is_entered(
    county, django_capture_on_commit_callbacks
):
    """W34, 60 days from 2026-12-01 end on Sat 2027-01-30: Monday Feb 1 by the statutory days
    and weekends, marked provisional; the entered schedule moves it and makes it final."""
    case = _accepted_on_registration_day(county)
    assert _due(case, "handle") == D(2027, 2, 1)
    assert _clock_entry(case, "handle")["provisional"] is True
    with time_machine.travel(REGISTERED, tick=False):
        registered = register_appeal(county).case
    # Routing ends on 2026-12-16, in a year whose schedule is known.
    assert _clock_entry(registered, "route")["provisional"] is False

    _enter(TABLE_2027, django_capture_on_commit_callbacks)
    later = _accepted_on_registration_day(county)
    assert _due(later, "handle") == D(2027, 2, 3)
    assert _clock_entry(later, "handle")["provisional"] is False


def test_w34_case_page_marks_the_provisional_due_date(county, client):
    """The handler reads “暂定” beside a due date that waits for the 2027 schedule, and only there."""
    case = _accepted_on_registration_day(county)
    client.force_login(county.users["handler"])
    with time_machine.travel(REGISTERED, tick=False):
        page = client.get(reverse("desk:case", args=[case.number])).content.decode()
    clocks = page[page.index('id="clocks"') :]
    clocks = clocks[: clocks.index("</section>")]
    handle = clocks[clocks.index('data-period="handle"') :]
    handle = handle[: handle.index("</li>")]
    assert "2027-02-01" in handle and "暂定" in handle
    assert clocks.count("暂定</span>") == 1


def test_w34_swapped_working_saturday_in_the_table_ends_the_period_on_it(
    county, django_capture_on_commit_callbacks
):
    _enter([(D(2027, 1, 30), True, "调休上班（测试）")], django_capture_on_commit_callbacks)
    case = _accepted_on_registration_day(county)
    assert _due(case, "handle") == D(2027, 1, 30)


def _command(*args) -> str:
    out = io.StringIO()
    call_command("due_dates", *args, stdout=out)
    return out.getvalue()


def _line(output: str, label: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(label))


MARKER = "暂定：按法定节假日和周末计算，请录入2027年放假安排"


@pytest.mark.django_db
def test_due_dates_command_marks_2027_dates_as_provisional_until_the_table_is_entered(
    django_capture_on_commit_callbacks,
):
    before = _command("2026-12-01")
    handle = _line(before, "办理期限")
    assert "《信访工作条例》第三十四条" in handle and "60日" in handle and "受理" in handle
    assert "2027-02-01 星期一（暂定）" in handle
    assert "2027-03-01 星期一" in handle  # with the 30-day extension
    assert MARKER in handle
    route = _line(before, "登记后转送、交办期限")
    assert "2026-12-16 星期三" in route and "不可延期" in route
    assert MARKER not in route  # ends in December 2026, a year the library knows
    remit = _line(before, "管辖异议期限")
    assert "5个工作日" in remit and "2026-12-08 星期二" in remit

    _enter(TABLE_2027, django_capture_on_commit_callbacks)
    after = _command("2026-12-01")
    assert "暂定" not in after
    assert "2027-02-03 星期三" in _line(after, "办理期限")


@pytest.mark.django_db
def test_due_dates_command_uses_the_configured_periods():
    PeriodSetting.objects.create(key="handle", days=30, unit=WORKING, max_extension=0)
    handle = _line(_command("2026-09-30"), "办理期限")
    assert "30个工作日" in handle
    assert "不可延期" in handle


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "12/01/2026", "明天"])
def test_due_dates_command_refuses_a_bad_date_in_chinese(bad):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _command(bad)

"""Statutory periods and their arithmetic (STATUTE.md, "Counting periods"). Pure: no database.

A period starts counting the day after its triggering event. Calendar-day periods whose last day is
an official rest day end on the next working day; working-day periods count working days only.
An extension (where the law allows one) and paused days (hearings) push the end further.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from xinfang.core.calendar import WorkCalendar
from xinfang.core.errors import InvalidInput

CALENDAR = "calendar"
WORKING = "working"


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    article: str
    days: int
    unit: str = CALENDAR
    start_event: str = ""
    max_extension: int = 0
    pausable: bool = False

    def with_settings(self, *, days: int | None = None, unit: str | None = None,
                      max_extension: int | None = None) -> Period:
        return replace(
            self,
            days=self.days if days is None else days,
            unit=self.unit if unit is None else unit,
            max_extension=self.max_extension if max_extension is None else max_extension,
        )


# Defaults; a deployment edits them in the admin (PeriodSetting).
DEFAULT_PERIODS: dict[str, Period] = {
    p.key: p
    for p in [
        Period("route", "登记后转送、交办期限", "W22", 15, CALENDAR, "registration"),
        Period("accept_notice", "书面告知是否受理期限", "W23", 15, CALENDAR, "receipt by the body"),
        Period("remit_objection", "管辖异议期限", "W23", 5, WORKING, "receipt by the body"),
        Period("handle", "办理期限", "W34", 60, CALENDAR, "acceptance", max_extension=30),
        Period("review_request", "申请复查期限", "W35", 30, CALENDAR, "reply"),
        Period("review_decide", "复查期限", "W35", 30, CALENDAR, "review request"),
        Period("rereview_request", "申请复核期限", "W36", 30, CALENDAR, "review decision"),
        Period("rereview_decide", "复核期限（听证时间不计）", "W36", 30, CALENDAR,
               "re-review request", pausable=True),
        Period("rating", "评价期限", "W22 (configurable default)", 30, CALENDAR, "reply"),
        Period("result_report", "办结报告期限（交办单可另定）", "W22", 60, CALENDAR, "assignment"),
        Period("supervision", "督办回复期限（督办单可另定）", "W40", 10, WORKING, "supervision notice"),
        Period("proposal_feedback", "建议意见反馈期限", "X36 (configurable default)", 30, CALENDAR,
               "registration of a suggestion"),
    ]
}


def due_date(period: Period, start: dt.date, calendar: WorkCalendar, *, extension_days: int = 0,
             paused_days: int = 0) -> dt.date:
    """Last day (ending at 24:00) of `period` triggered on `start`.

    `paused_days` are counted in the period's own unit (calendar days, or working days).
    """
    if extension_days < 0 or paused_days < 0:
        raise ValueError("extension and pause cannot be negative")
    total = period.days + extension_days + paused_days
    if period.unit == WORKING:
        return calendar.add_workdays(start, total)
    return calendar.next_workday(start + dt.timedelta(days=total))


def check_extension(period: Period, days: int, *, already_extended: bool) -> None:
    """W34: one extension only, of at most `max_extension` days, where the law allows one."""
    if period.max_extension <= 0:
        raise InvalidInput(f"{period.label}不能延期", code="not_extendable")
    if already_extended:
        raise InvalidInput("该期限已经延期一次，不能再次延期", code="already_extended")
    if days < 1 or days > period.max_extension:
        raise InvalidInput(
            f"延期天数须在1至{period.max_extension}天之间", code="extension_too_long",
            fields={"days": [f"延期天数须在1至{period.max_extension}天之间"]},
        )


def paused_units(period: Period, start: dt.date, end: dt.date, calendar: WorkCalendar) -> int:
    """How much a pause from `start` to `end` (e.g. a hearing) adds to `period`."""
    if end <= start:
        return 0
    if period.unit == WORKING:
        return calendar.workdays_between(start, end)
    return (end - start).days


def days_left(due: dt.date, today: dt.date) -> int:
    """Negative once overdue; 0 on the last day."""
    return (due - today).days


def schedule(start: dt.date, calendar: WorkCalendar, periods: dict[str, Period] | None = None
             ) -> list[tuple[Period, dt.date, bool]]:
    """Every period's due date when its triggering event falls on `start`.

    The flag says whether the due date depends on a year the calendar does not know yet.
    """
    out = []
    for period in (periods or DEFAULT_PERIODS).values():
        due = due_date(period, start, calendar)
        extended = (
            due_date(period, start, calendar, extension_days=period.max_extension)
            if period.max_extension else due
        )
        provisional = any(
            not calendar.year_is_known(y) for y in range(start.year, extended.year + 1)
        )
        out.append((period, due, provisional))
    return out

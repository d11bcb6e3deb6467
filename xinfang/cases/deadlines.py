"""Statutory periods and their arithmetic (STATUTE.md, "Counting periods"). Pure: no database.

A period starts counting the day after its triggering event. Calendar-day periods whose last day is
an official rest day end on the next working day; working-day periods count working days only.
An extension (where the law allows one) and paused days (hearings) push the end further.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.utils.translation import gettext, gettext_lazy

from xinfang.core.calendar import WorkCalendar
from xinfang.core.errors import InvalidInput

CALENDAR = "calendar"
WORKING = "working"

# W34: one extension of at most 30 days. No period may be configured to stretch further.
STATUTORY_MAX_EXTENSION = 30

_ = gettext_lazy

# What starts each period, as a clerk would say it.
START_EVENT_LABELS = {
    "registration": _("registration"),
    "receipt by the body": _("receipt by the body"),
    "acceptance": _("acceptance"),
    "reply": _("receipt of the reply"),
    "review request": _("review request"),
    "review decision": _("review decision"),
    "re-review request": _("re-review request"),
    "assignment": _("assignment"),
    "supervision notice": _("issue of the supervision notice"),
    "registration of a suggestion": _("registration of a suggestion"),
    "supported decision": _("a decision supporting the request"),
    "leader's instruction": _("a leader's instruction"),
    "joint meeting decision": _("a joint meeting decision"),
}

# The grounds for supervision (W40; X36). The last three are what a staff deadline's passing is.
OVERDUE = "overdue"
NOT_CARRIED_OUT = "not_carried_out"
NOT_REPORTED = "not_reported"
SUPERVISION_GROUNDS = {
    "irregular": _("Rules broken in acceptance or handling"),
    "shirking": _("Shirking, delay or falsification"),
    OVERDUE: _("Overdue without good cause"),
    NOT_CARRIED_OUT: _("A supported decision not carried out"),
    NOT_REPORTED: _("Result not reported to the assigning office"),
}


# Whose period it is. A staff deadline runs late when it passes (due soon, overdue, supervision);
# a citizen's window (to rate, to ask for review) and an option window (a body may object to a
# transfer, W23) simply close.
STAFF = "staff"
CITIZEN = "citizen"
OPTION = "option"
OWNERS = (STAFF, CITIZEN, OPTION)


@dataclass(frozen=True)
class Period:
    key: str
    label: str  # lazy: read in the language of whoever looks
    article: str
    days: int
    unit: str = CALENDAR
    start_event: str = ""
    max_extension: int = 0
    pausable: bool = False
    owner: str = STAFF
    # What the petitioner's page says before the date; None: not shown to the petitioner.
    citizen_words: str | None = None
    # The supervision ground a staff deadline's passing becomes.
    ground: str = OVERDUE

    def __post_init__(self):
        if self.owner not in OWNERS:
            raise ValueError(f"unknown owner {self.owner!r} of period {self.key!r}")
        if self.ground not in SUPERVISION_GROUNDS:
            raise ValueError(f"unknown supervision ground {self.ground!r} of period {self.key!r}")

    @property
    def ground_label(self) -> str:
        return SUPERVISION_GROUNDS[self.ground]

    @property
    def runs_late(self) -> bool:
        """Whether passing the date makes something overdue (only staff deadlines do)."""
        return self.owner == STAFF

    @property
    def extension_limit(self) -> int:
        """Longest extension allowed: the configured one, never beyond W34's 30 days."""
        return max(0, min(self.max_extension, STATUTORY_MAX_EXTENSION))

    @property
    def length_label(self) -> str:
        if self.unit == WORKING:
            return gettext("%(n)s working days") % {"n": self.days}
        return gettext("%(n)s days") % {"n": self.days}

    @property
    def start_label(self) -> str:
        return START_EVENT_LABELS.get(self.start_event, self.start_event)

    def with_settings(
        self, *, days: int | None = None, unit: str | None = None, max_extension: int | None = None
    ) -> Period:
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
        Period(
            "route",
            _("Transfer or assignment after registration"),
            "W22",
            15,
            CALENDAR,
            "registration",
            citizen_words=_("Sorted and sent on by"),
        ),
        Period(
            "accept_notice",
            _("Written notice whether accepted"),
            "W23",
            15,
            CALENDAR,
            "receipt by the body",
            citizen_words=_("You are told whether it is accepted by"),
        ),
        Period(
            "remit_objection",
            _("Objection to jurisdiction"),
            "W23",
            5,
            WORKING,
            "receipt by the body",
            owner=OPTION,
        ),
        Period(
            "handle",
            _("Handling"),
            "W34",
            60,
            CALENDAR,
            "acceptance",
            max_extension=30,
            citizen_words=_("Handled and answered by"),
        ),
        Period(
            "review_request",
            _("Asking for review"),
            "W35",
            30,
            CALENDAR,
            "reply",
            owner=CITIZEN,
            citizen_words=_("You may ask for a review until"),
        ),
        Period(
            "review_decide",
            _("Review"),
            "W35",
            30,
            CALENDAR,
            "review request",
            citizen_words=_("Review decided by"),
        ),
        Period(
            "rereview_request",
            _("Asking for re-review"),
            "W36",
            30,
            CALENDAR,
            "review decision",
            owner=CITIZEN,
            citizen_words=_("You may ask for a re-review until"),
        ),
        Period(
            "rereview_decide",
            _("Re-review (hearing time not counted)"),
            "W36",
            30,
            CALENDAR,
            "re-review request",
            pausable=True,
            citizen_words=_("Re-review decided by"),
        ),
        Period(
            "rating",
            _("Rating window"),
            "W22 (configurable default)",
            30,
            CALENDAR,
            "reply",
            owner=CITIZEN,
            citizen_words=_("You may rate the answer until"),
        ),
        Period(
            "result_report",
            _("Result report (the assignment slip may set another date)"),
            "W22",
            60,
            CALENDAR,
            "assignment",
            ground=NOT_REPORTED,
        ),
        Period(
            "supervision",
            _("Supervision answer (the notice may set another date)"),
            "W40",
            10,
            WORKING,
            "supervision notice",
        ),
        Period(
            "proposal_feedback",
            _("Feedback on a suggestion"),
            "X36 (configurable default)",
            30,
            CALENDAR,
            "registration of a suggestion",
            citizen_words=_("Feedback on your suggestion by"),
        ),
        Period(
            "carry_out",
            _("Carrying out a supported decision"),
            "W32/W40 (configurable default)",
            30,
            CALENDAR,
            "supported decision",
            citizen_words=_("The supported decision is carried out by"),
            ground=NOT_CARRIED_OUT,
        ),
        # Leaders' letters and joint meetings (W18, W39): the instruction or decision sets its
        # own date; the length is the default when it sets none.
        Period(
            "instruction",
            _("Carrying out a leader's instruction"),
            "W18",
            15,
            WORKING,
            "leader's instruction",
            ground=NOT_REPORTED,
        ),
        Period(
            "meeting_task",
            _("Carrying out a joint meeting decision"),
            "W39",
            15,
            WORKING,
            "joint meeting decision",
            ground=NOT_CARRIED_OUT,
        ),
    ]
}

# Derived from the rows above: the periods that never run late, by owner.
CITIZEN_WINDOWS = tuple(k for k, p in DEFAULT_PERIODS.items() if p.owner == CITIZEN)
OPTION_WINDOWS = tuple(k for k, p in DEFAULT_PERIODS.items() if p.owner == OPTION)
NOT_STAFF_DEADLINES = tuple(k for k, p in DEFAULT_PERIODS.items() if not p.runs_late)


def due_date(
    period: Period,
    start: dt.date,
    calendar: WorkCalendar,
    *,
    extension_days: int = 0,
    paused_days: int = 0,
) -> dt.date:
    """Last day (ending at 24:00) of `period` triggered on `start`; never an official rest day.

    `paused_days` are counted in the period's own unit (calendar days, or working days), so a
    calendar period paused for k days ends where it would had it started k days later (W36).
    """
    if extension_days < 0 or paused_days < 0:
        raise ValueError("extension and pause cannot be negative")
    total = period.days + extension_days + paused_days
    if period.unit == WORKING:
        # A zero-length working period still ends on a working day.
        return calendar.next_workday(calendar.add_workdays(start, total))
    # 民法典 201, 203 by analogy: counting starts the next day; a last day that is a rest day
    # moves to the next working day.
    return calendar.next_workday(start + dt.timedelta(days=total))


def check_extension(period: Period, days: int, *, already_extended: bool) -> None:
    """W34: one extension only, of at most 30 days (or the shorter configured limit)."""
    limit = period.extension_limit
    if limit <= 0:
        raise InvalidInput(
            gettext("%(period)s cannot be extended") % {"period": period.label},
            code="not_extendable",
        )
    if already_extended:
        raise InvalidInput(
            gettext("This period has already been extended once and cannot be extended again"),
            code="already_extended",
        )
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
        message = gettext("The extension must be between 1 and %(limit)s days") % {"limit": limit}
        raise InvalidInput(message, code="extension_too_long", fields={"days": [message]})


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


@dataclass(frozen=True)
class ScheduleRow:
    """One period's due dates when its triggering event falls on `start`.

    `unknown_years` are the years the due dates depend on that neither chinese-calendar nor the
    holiday table knows: there only weekends rest, so the dates are provisional.
    """

    period: Period
    start: dt.date
    due: dt.date
    extended_due: dt.date | None
    unknown_years: tuple[int, ...]

    @property
    def provisional(self) -> bool:
        return bool(self.unknown_years)

    def __iter__(self):
        # Unpacks as (period, due, provisional).
        return iter((self.period, self.due, self.provisional))


def depends_on(
    period: Period,
    start: dt.date,
    due: dt.date,
    calendar: WorkCalendar,
) -> tuple[int, ...]:
    """Years without a known schedule whose rest days can change `due` (the due date is then
    provisional: STATUTE.md, Counting periods).

    A working-day period looks at every day it counts; a calendar period only at its last day
    and the rest days it rolls over.
    """
    return unknown_years(period.unit, period.days, start, due, calendar)


def unknown_years(
    unit: str, days: int, start: dt.date, due: dt.date, calendar: WorkCalendar
) -> tuple[int, ...]:
    """`depends_on` for a period of `days` in `unit` (extension and pause included)."""
    if unit == WORKING:
        first = start + dt.timedelta(days=1)
    else:
        first = min(due, start + dt.timedelta(days=days))
    return calendar.unknown_years(first, due)


def clock_unknown_years(clock, calendar: WorkCalendar) -> tuple[int, ...]:
    """The same for a running clock; a person-set date (交办单, 督办单) only moves off a rest day."""
    if clock.fixed_due:
        return calendar.unknown_years(clock.due_on, clock.due_on)
    days = clock.days + clock.extension_days + clock.paused_days
    return unknown_years(clock.unit, days, clock.started_on, clock.due_on, calendar)


def schedule(
    start: dt.date, calendar: WorkCalendar, periods: dict[str, Period] | None = None
) -> list[ScheduleRow]:
    """Every period's due date (and longest extended due date) when its event falls on `start`."""
    rows = []
    for period in (periods or DEFAULT_PERIODS).values():
        due = due_date(period, start, calendar)
        unknown = set(depends_on(period, start, due, calendar))
        extended = None
        if period.extension_limit:
            extended = due_date(period, start, calendar, extension_days=period.extension_limit)
            longer = period.with_settings(days=period.days + period.extension_limit)
            unknown.update(depends_on(longer, start, extended, calendar))
        rows.append(ScheduleRow(period, start, due, extended, tuple(sorted(unknown))))
    return rows

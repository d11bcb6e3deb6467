"""A case's timeline and running clocks, in the reader's words."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xinfang.core.selectors import work_calendar
from xinfang.core.timeutil import today

from .. import workflow
from ..deadlines import DEFAULT_PERIODS, clock_unknown_years
from ..models import Case, CaseEvent, Clock


def timeline(case: Case, *, for_citizen: bool) -> QuerySet[CaseEvent]:
    qs = case.events.order_by("seq")
    return qs.filter(citizen_visible=True) if for_citizen else qs


def running_clocks(case: Case) -> QuerySet[Clock]:
    return case.clocks.exclude(status=Clock.STOPPED).order_by("due_on")


def overdue_clocks(on: dt.date | None = None) -> QuerySet[Clock]:
    """Running clocks past their due date: one indexed range query (status, due_on)."""
    return Clock.objects.filter(status=Clock.RUNNING, due_on__lt=on or today())


def due_soon_clocks(on: dt.date | None = None, within_days: int | None = None) -> QuerySet[Clock]:
    from django.conf import settings

    start = on or today()
    if within_days is None:
        within_days = settings.XINFANG["DUE_SOON_DAYS"]
    return Clock.objects.filter(
        status=Clock.RUNNING, due_on__gte=start, due_on__lte=start + dt.timedelta(days=within_days)
    )


def note_text(msgid: str, values: dict[str, str]) -> str:
    """A fixed citizen note in the active language; a legal channel is named, not keyed."""
    from ..workflow import LEGAL_CHANNELS

    values = dict(values)
    if "route" in values:
        values["route"] = str(LEGAL_CHANNELS.get(values["route"], values["route"]))
    return _(msgid) % values


def citizen_note(extra: dict) -> str:
    """The note on a timeline event as the reader should see it: a fixed note in their language,
    a note typed by staff (a reason) as written."""
    msgid = extra.get("citizen_note_msgid")
    if msgid:
        return note_text(msgid, extra.get("citizen_note_values") or {})
    return extra.get("citizen_note", "")


def timeline_entries(case: Case, *, for_citizen: bool) -> list[dict]:
    """The timeline in plain words; the citizen sees only the events meant for them."""
    out = []
    for e in timeline(case, for_citizen=for_citizen).select_related("actor"):
        entry = {
            "seq": e.seq,
            "at": e.at,
            "kind": e.kind,
            "label": workflow.event_label(e.kind),
            "state": e.to_state,
            "note": citizen_note(e.extra),
            "notice": e.notice,
        }
        if for_citizen:
            entry["words"] = workflow.citizen_words(e.kind)
        else:
            entry["actor"] = e.actor_label
            entry["extra"] = e.extra
        out.append(entry)
    return out


def clock_entries(case: Case, on: dt.date | None = None) -> list[dict]:
    """The running clocks. `window`: the petitioner's or an option window, which closes when
    its date passes but never runs late. `provisional`: the due date depends on a year whose
    holiday schedule is not known yet (only its statutory rest days and weekends count)."""
    day = on or today()
    calendar = work_calendar()
    out = []
    for c in running_clocks(case):
        period = DEFAULT_PERIODS.get(c.period)
        out.append(
            {
                "period": c.period,
                "label": str(c.label),
                "due_on": c.due_on,
                "status": c.status,
                "days_left": (c.due_on - day).days,
                "overdue": c.status == Clock.RUNNING and c.due_on < day,
                "provisional": bool(clock_unknown_years(c, calendar)),
                "window": period is not None and not period.runs_late,
                "citizen_words": str(period.citizen_words)
                if period and period.citizen_words
                else "",
            }
        )
    return out


def citizen_clock_entries(case: Case, on: dt.date | None = None) -> list[dict]:
    """Only the dates that concern the petitioner, each in the words declared for them."""
    return [c for c in clock_entries(case, on) if c["citizen_words"]]

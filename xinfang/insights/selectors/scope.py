"""The filters of the statistics and the sets of cases each figure counts. A figure and the list
of cases behind it are the same set: `figure_facts` serves both."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from xinfang.cases.access import ScopeColumns, visible_q
from xinfang.cases.models import Case, Clock
from xinfang.cases.selectors import STAFF_DEADLINE
from xinfang.cases.selectors.ratings import REPLIED_STATUSES, SATISFIED_RATINGS, status_q
from xinfang.cases.workflow import CONSULTATION, OPEN, S
from xinfang.core.errors import InvalidInput
from xinfang.orgs.models import Division

from ..models import CaseFact
from .windows import Window


@dataclass
class StatFilters:
    window: Window
    division: Division | None = None
    body: int | None = None
    channel: str = ""
    content_type: str = ""
    category: str = ""  # a category code of any level
    level: int = 1  # the category level figures are grouped by
    extra: dict = field(default_factory=dict)


# The fact row carries the case's visibility columns under the same names; its key is case_id.
FACT_COLUMNS = ScopeColumns(pk="case_id")


def facts_visible_to(user) -> QuerySet[CaseFact]:
    """Fact rows of the cases the user may see (cases_visible_to's rule, on the fact columns)."""
    return CaseFact.objects.filter(visible_facts_q(user))


def visible_facts_q(user) -> Q:
    if user is None or not user.is_authenticated:
        return Q(case_id__in=[])
    return visible_q(user, FACT_COLUMNS)


def filters_q(f: StatFilters) -> Q:
    """The filters but the window and the visibility, over the fact rows."""
    q = Q()
    if f.division is not None:
        q &= Q(place_path__startswith=f.division.path)
    if f.body:
        q &= Q(holder_body_id=f.body)
    if f.channel:
        q &= Q(channel=f.channel)
    if f.content_type:
        q &= Q(content_type=f.content_type)
    else:
        # Consultations are counted on their own, never as petitions (docs/metrics.md).
        q &= ~Q(content_type=CONSULTATION)
    if f.category:
        q &= Q(category_code__startswith=f.category)
    return q


def scoped_facts(user, f: StatFilters) -> QuerySet[CaseFact]:
    """Fact rows of the cases the user may see, after every filter but the window."""
    return facts_visible_to(user).filter(filters_q(f))


def window_q(field_name: str, w: Window) -> Q:
    return Q(**{f"{field_name}__gte": w.start, f"{field_name}__lte": w.end})


def in_window(qs, field_name: str, w: Window):
    return qs.filter(window_q(field_name, w))


def rating_status_q(status: str, day: dt.date) -> Q:
    """Fact rows whose rating status is `status` on `day` (cases/selectors/ratings.py)."""
    return status_q(
        status,
        rating="rating",
        window_status="rating_window_status",
        window_due="rating_window_due",
        day=day,
    )


def stopped_clocks_q(w: Window) -> Q:
    """Body deadlines stopped in the window (docs/metrics.md, On-time rate)."""
    return Q(status=Clock.STOPPED) & window_q("stopped_on", w) & STAFF_DEADLINE


def overdue_clocks_q(day: dt.date) -> Q:
    """Body deadlines running past their due date on `day` (docs/metrics.md); the figure
    counts them of open cases only, read from the fact row as every other figure reads it."""
    return Q(status=Clock.RUNNING, due_on__lt=day) & STAFF_DEADLINE


# key prefix -> the fact column a segment filters on
SEGMENTS = {
    "channel": "channel",
    "township": "township_id",
    "village": "village_id",
    "body": "holder_body_id",
    "content_type": "content_type",
}


def _segment(key: str) -> Q:
    if not key:
        return Q()
    dim, _sep, value = key.partition(":")
    if dim == "category":
        return Q(category_code__startswith=value) if value else Q(category_code="")
    if dim in SEGMENTS:
        column = SEGMENTS[dim]
        return Q(**{f"{column}__isnull": True} if value == "" else {column: value})
    raise InvalidInput(_("Unknown figure"), fields={"key": [_("Unknown figure")]})


# Figures over the facts registered in the window, and over those answered in it: each one's
# rows as a filter, read by figure_facts (the list behind a number) and by the statistics,
# which count them all in one pass (figures.py).
REGISTERED_FIGURES = {
    "registered": Q(),
    "intake": ~Q(state=S.MERGED),
    "online": ~Q(state=S.MERGED) & Q(online=True),
    "repeat": Q(is_repeat=True),
}
ANSWERED_FIGURES = {
    "answered": Q(),
    "resolved": Q(resolved=True),
    "satisfied": Q(rating__in=SATISFIED_RATINGS),
}

FIGURES = (
    "intake",
    "online",
    "registered",
    "repeat",
    "answered",
    "resolved",
    "satisfied",
    "overdue",
    "stopped",
    "late",
    "backlog",
    "backlog_cleared",
    "consultations",
    *REPLIED_STATUSES,
)


@dataclass(frozen=True)
class FigureRows:
    """The fact rows a figure counts: those in the scope of `filters` (who sees them and the
    page's filters but the window) that `facts` keeps and, when `clocks` is given, that have
    a deadline it keeps. The lists read these through the database, the counts through the
    frame (insights/frame): one declaration for both."""

    filters: StatFilters
    facts: Q
    clocks: Q | None = None


def figure_rows(
    f: StatFilters, figure: str, key: str = "", *, day: dt.date, window: Window | None = None
) -> FigureRows:
    """The rows of a figure for its segment `key`, e.g. ("intake", "channel:web") or
    ("late", "period:handle")."""
    w = window or f.window
    if figure == "consultations":
        return FigureRows(
            replace(f, content_type=CONSULTATION), _segment(key) & window_q("registered_on", w)
        )
    period = ""
    if key.startswith("period:"):
        period, key = key.partition(":")[2], ""
    base = _segment(key)
    if figure in REGISTERED_FIGURES:
        return FigureRows(f, base & window_q("registered_on", w) & REGISTERED_FIGURES[figure])
    answered = base & window_q("answered_on", w)
    if figure in ANSWERED_FIGURES:
        return FigureRows(f, answered & ANSWERED_FIGURES[figure])
    if figure in REPLIED_STATUSES:
        return FigureRows(f, answered & rating_status_q(figure, day))
    if figure == "backlog":
        return FigureRows(f, base & Q(case__backlog__flagged_on__lte=w.end))
    if figure == "backlog_cleared":
        return FigureRows(
            f,
            base & Q(case__backlog__flagged_on__lte=w.end, case__backlog__cleared_on__lte=w.end),
        )
    if figure == "overdue":
        clocks = overdue_clocks_q(day)
        base &= Q(state__in=OPEN)
    elif figure in ("stopped", "late"):
        clocks = stopped_clocks_q(w)
        if figure == "late":
            clocks &= Q(met=False)
    else:
        raise InvalidInput(_("Unknown figure"), fields={"figure": [_("Unknown figure")]})
    if period:
        clocks &= Q(period=period)
    return FigureRows(f, base, clocks)


def rows_facts(user, rows: FigureRows) -> QuerySet[CaseFact]:
    """The fact rows of a figure, through the database."""
    qs = scoped_facts(user, rows.filters).filter(rows.facts)
    if rows.clocks is not None:
        qs = qs.filter(case_id__in=Clock.objects.filter(rows.clocks).values("case_id"))
    return qs


def figure_facts(
    user, f: StatFilters, figure: str, key: str = "", *, day: dt.date, window: Window | None = None
) -> QuerySet[CaseFact]:
    """The fact rows a figure counts (one case each), for its segment `key`."""
    return rows_facts(user, figure_rows(f, figure, key, day=day, window=window))


def newest_first(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The order and the columns of a figure's case list."""
    return cases.select_related("holder_body", "category", "place").order_by(
        "-registered_at", "-pk"
    )


def figure_cases(user, f: StatFilters, figure: str, key: str = "", *, day: dt.date):
    """The cases behind a figure, newest first, for the drill-down list."""
    facts = figure_facts(user, f, figure, key, day=day)
    return newest_first(Case.objects.filter(pk__in=facts.values("case_id")))

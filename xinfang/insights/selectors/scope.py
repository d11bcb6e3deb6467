"""The filters of the statistics and the sets of cases each figure counts. A figure and the list
of cases behind it are the same set: `figure_facts` serves both."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from xinfang.cases.access import ScopeColumns, visible_q
from xinfang.cases.deadlines import NOT_STAFF_DEADLINES
from xinfang.cases.models import Case, Clock
from xinfang.cases.selectors.ratings import (
    REPLIED_STATUSES,
    SATISFIED_RATINGS,
    status_expression,
)
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
    if user is None or not user.is_authenticated:
        return CaseFact.objects.none()
    return CaseFact.objects.filter(visible_q(user, FACT_COLUMNS))


def scoped_facts(user, f: StatFilters) -> QuerySet[CaseFact]:
    """Fact rows of the cases the user may see, after every filter but the window."""
    qs = facts_visible_to(user)
    if f.division is not None:
        qs = qs.filter(place_path__startswith=f.division.path)
    if f.body:
        qs = qs.filter(holder_body_id=f.body)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.content_type:
        qs = qs.filter(content_type=f.content_type)
    else:
        # Consultations are counted on their own, never as petitions (docs/metrics.md).
        qs = qs.exclude(content_type=CONSULTATION)
    if f.category:
        qs = qs.filter(category_code__startswith=f.category)
    return qs


def in_window(qs, field_name: str, w: Window):
    return qs.filter(**{f"{field_name}__gte": w.start, f"{field_name}__lte": w.end})


def with_rating_status(qs: QuerySet[CaseFact], day: dt.date) -> QuerySet[CaseFact]:
    return qs.annotate(
        rating_status=status_expression(
            rating="rating",
            window_status="rating_window_status",
            window_due="rating_window_due",
            day=day,
        )
    )


def staff_clocks_stopped(facts: QuerySet[CaseFact] | None, w: Window) -> QuerySet[Clock]:
    """Body deadlines stopped in the window (docs/metrics.md, On-time rate), of the facts'
    cases (None: of any case, for a caller that joins the facts itself)."""
    clocks = Clock.objects.filter(status=Clock.STOPPED)
    if facts is not None:
        clocks = clocks.filter(case_id__in=facts.values("case_id"))
    return in_window(clocks, "stopped_on", w).exclude(period__in=NOT_STAFF_DEADLINES)


# Fact columns clocks may be counted by (clock_cells).
CLOCK_UNITS = frozenset({"holder_body_id", "township_id"})


def clock_cells(
    facts: QuerySet[CaseFact], clocks: QuerySet[Clock], unit: str
) -> list[tuple[str, object, int, int]]:
    """(period, unit, clocks, met) of the given clocks of the given facts' cases, by period and
    by a column of the fact row. The clocks meet the fact rows on the case key, in one join that
    both keeps the facts' cases and reads the column (the ORM would go through the case table,
    the widest of all, and join the fact rows twice)."""
    if unit not in CLOCK_UNITS:
        raise ValueError(unit)
    c_sql, c_params = clocks.order_by().values("case_id", "period", "met").query.sql_with_params()
    f_sql, f_params = facts.order_by().values("case_id", unit).query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT c.period, f.{unit}, COUNT(*), SUM(CASE WHEN c.met THEN 1 ELSE 0 END) "
            f"FROM ({c_sql}) c JOIN ({f_sql}) f ON f.case_id = c.case_id "
            f"GROUP BY c.period, f.{unit}",
            (*c_params, *f_params),
        )
        return [(period, key, n, met or 0) for period, key, n, met in cur.fetchall()]


def overdue_clocks(facts: QuerySet[CaseFact] | None, day: dt.date) -> QuerySet[Clock]:
    """Body deadlines running past their due date now, of open cases (docs/metrics.md), of the
    given facts' cases (None: of any case, for a caller that keeps only open cases itself).
    Whether a case is open is read from its fact row, as every other figure reads it."""
    clocks = Clock.objects.filter(status=Clock.RUNNING, due_on__lt=day)
    if facts is not None:
        clocks = clocks.filter(case_id__in=facts.filter(state__in=OPEN).values("case_id"))
    return clocks.exclude(period__in=NOT_STAFF_DEADLINES)


def category_prefix(level: int):
    return Substr("category_code", 1, 2 * level)


# key prefix -> the fact column a segment filters on
SEGMENTS = {
    "channel": "channel",
    "township": "township_id",
    "village": "village_id",
    "body": "holder_body_id",
    "content_type": "content_type",
}


def _segment(qs: QuerySet[CaseFact], key: str) -> QuerySet[CaseFact]:
    if not key:
        return qs
    dim, _sep, value = key.partition(":")
    if dim == "category":
        return qs.filter(category_code__startswith=value) if value else qs.filter(category_code="")
    if dim in SEGMENTS:
        column = SEGMENTS[dim]
        return qs.filter(**{f"{column}__isnull": True} if value == "" else {column: value})
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


def figure_facts(
    user, f: StatFilters, figure: str, key: str = "", *, day: dt.date, window: Window | None = None
) -> QuerySet[CaseFact]:
    """The fact rows a figure counts (one case each), for its segment `key`, e.g.
    ("intake", "channel:web") or ("late", "period:handle")."""
    w = window or f.window
    if figure == "consultations":
        facts = scoped_facts(user, replace(f, content_type=CONSULTATION))
        return in_window(_segment(facts, key), "registered_on", w)
    base = scoped_facts(user, f)
    period = ""
    if key.startswith("period:"):
        period, key = key.partition(":")[2], ""
    base = _segment(base, key)
    if figure in REGISTERED_FIGURES:
        return in_window(base, "registered_on", w).filter(REGISTERED_FIGURES[figure])
    answered = in_window(base, "answered_on", w)
    if figure in ANSWERED_FIGURES:
        return answered.filter(ANSWERED_FIGURES[figure])
    if figure in REPLIED_STATUSES:
        return with_rating_status(answered, day).filter(rating_status=figure)
    if figure == "backlog":
        return base.filter(case__backlog__flagged_on__lte=w.end)
    if figure == "backlog_cleared":
        return base.filter(
            case__backlog__flagged_on__lte=w.end, case__backlog__cleared_on__lte=w.end
        )
    if figure == "overdue":
        # The facts are restricted below: the clocks need not repeat the visibility test.
        clocks = overdue_clocks(None, day)
        base = base.filter(state__in=OPEN)
    elif figure in ("stopped", "late"):
        clocks = staff_clocks_stopped(base, w)
        if figure == "late":
            clocks = clocks.filter(met=False)
    else:
        raise InvalidInput(_("Unknown figure"), fields={"figure": [_("Unknown figure")]})
    if period:
        clocks = clocks.filter(period=period)
    return base.filter(case_id__in=clocks.values("case_id"))


def figure_cases(user, f: StatFilters, figure: str, key: str = "", *, day: dt.date):
    """The cases behind a figure, newest first, for the drill-down list."""
    facts = figure_facts(user, f, figure, key, day=day)
    return (
        Case.objects.filter(pk__in=facts.values("case_id"))
        .select_related("holder_body", "category", "place")
        .order_by("-registered_at", "-pk")
    )

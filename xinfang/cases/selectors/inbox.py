"""The inbox: queues, filters, keyset pages and full-text search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.errors import InvalidInput
from xinfang.core.timeutil import today
from xinfang.orgs.selectors import memberships_of, within_q

from ..access import bodies_where, cases_visible_to, visible_arms
from ..deadlines import DEFAULT_PERIODS, NOT_STAFF_DEADLINES
from ..models import AWAITING_SIGNOFF, Case, Clock
from .arms import holding_arms, newest_of_arms
from .cursors import NEWEST_FIRST, after_due_cursor, before, decode_cursor, encode_cursor
from .due_runs import newest_of_due_runs
from .windows import newest_matches

QUEUES = {
    "all": gettext_lazy("All"),
    "new": gettext_lazy("New"),
    "due_soon": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Overdue"),
    "signoff": gettext_lazy("To sign off"),
    "supervised": gettext_lazy("Under supervision"),
    "leader": gettext_lazy("Leader ownership"),
}
INBOX_MAX_LIMIT = 200
# How a queue is ordered: newest registration first, or the nearest staff deadline first (cases
# with no running staff deadline last).
SORTS = {
    "registered": gettext_lazy("Newest registration first"),
    "due": gettext_lazy("Nearest deadline first"),
}
PAGE_RELATED = ("holder_body", "category", "place", "handler")


@dataclass
class InboxFilters:
    state: str = ""
    category: str = ""  # a category code of any level: "03" or "030207"
    division: str = ""  # a division code: the place is it or lies below it
    channel: str = ""
    content_type: str = ""
    holder: int | None = None
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    q: str = ""  # full-text search words
    sort: str = "registered"  # a key of SORTS


@dataclass
class InboxPage:
    items: list[Case]
    next_cursor: str | None


def inbox_queues(user) -> list[str]:
    """The queues that mean something for this user's roles, in display order."""
    from ..workflow import HEAD, LEADER

    out = ["all", "new", "due_soon", "overdue"]
    if bodies_where(user, {HEAD}):
        out.append("signoff")
    out.append("supervised")
    if bodies_where(user, {LEADER}):
        out.append("leader")
    return out


# A body's deadline, the only kind that runs late: not a citizen's window nor a body's option
# window (deadlines.NOT_STAFF_DEADLINES), as a filter over clocks.
STAFF_DEADLINE = ~Q(period__in=NOT_STAFF_DEADLINES)


def staff_clocks(status: str | None = Clock.RUNNING) -> QuerySet[Clock]:
    """The clocks of staff deadlines in `status` (None: in any status)."""
    clocks = Clock.objects.filter(STAFF_DEADLINE)
    return clocks if status is None else clocks.filter(status=status)


def _queue_q(user, queue: str, day: dt.date) -> Q:
    from ..workflow import HEAD, OPEN, S

    own = [m.body_id for m in memberships_of(user)]
    if queue == "all":
        return Q()
    if queue == "new":
        return Q(holder_body__in=own, state__in=[S.REGISTERED, S.TRANSFERRED])
    if queue in DUE_QUEUES:
        return due_range(queue, day).q
    if queue == "signoff":
        heads = bodies_where(user, {HEAD})
        return Q(holder_body__in=heads) & AWAITING_SIGNOFF
    if queue == "supervised":
        return Q(state__in=OPEN) & (Q(supervised=True) | Q(listed_supervision=True))
    if queue == "leader":
        return Q(leader=user)
    raise InvalidInput(_("Unknown queue"), fields={"queue": [_("Unknown queue")]})


@dataclass(frozen=True)
class DueRange:
    """A due queue: its filter, and the due dates its cases can have (first..last, both
    inclusive, first None for no bound; plus `extra_days`, the dates of a few cases it holds
    outside that range)."""

    q: Q
    first: dt.date | None
    last: dt.date
    extra_days: tuple[dt.date, ...] = ()


def due_range(queue: str, day: dt.date) -> DueRange:
    """The due-soon or overdue queue on `day`. Both read the case's nearest running staff
    deadline (Case.next_due_on), kept by the clock service, so a page walks the cases alone
    instead of asking each one's clocks."""
    from django.conf import settings

    from ..workflow import OPEN

    if queue == "overdue":
        last = day - dt.timedelta(days=1)
        return DueRange(Q(next_due_on__lte=last, state__in=OPEN), None, last)
    soon = day + dt.timedelta(days=settings.XINFANG["DUE_SOON_DAYS"])
    window = Q(state__in=OPEN, next_due_on__gte=day, next_due_on__lte=soon)
    # A case already overdue on one deadline may have another one due soon: only its clocks
    # tell, and only a case with several deadlines running can be one. Those few are found
    # first, so the queue itself stays a range of due dates.
    soon_cases = staff_clocks().filter(due_on__gte=day, due_on__lte=soon).values("case_id")
    late = dict(
        Case.objects.filter(
            several_deadlines=True, next_due_on__lt=day, state__in=OPEN, pk__in=soon_cases
        ).values_list("pk", "next_due_on")
    )
    if not late:
        return DueRange(window, day, soon)
    return DueRange(window | Q(pk__in=list(late)), day, soon, tuple(sorted(set(late.values()))))


def _search_q(query: str) -> Q | None:
    """Every jieba word of the query must be a word of the case (see cases/search.py)."""
    from django.db import connection
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    from .. import search

    words = search.words(query)
    if not words:
        return None
    if connection.vendor == "postgresql":
        # The stored column of migration 0009, with its GIN index and word statistics.
        match = RawSQL(
            "cases_case.search_vector @@ to_tsquery('simple', %s)",
            [search.tsquery(query)],
            output_field=BooleanField(),
        )
        return Q(match)
    q = Q()
    for w in words:
        q &= Q(search_text__contains=f" {w} ")
    return q


def _filtered(user, f: InboxFilters, visible: Q | None = None) -> QuerySet[Case]:
    """The cases visible to the user after the filters, before any queue (`visible`: one of
    the user's visible_arms instead of all of them)."""
    from xinfang.orgs.models import Division

    qs = cases_visible_to(user) if visible is None else Case.objects.filter(visible)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.category:
        qs = qs.filter(category__code__startswith=f.category)
    if f.division:
        division = Division.objects.filter(code=f.division).only("path").first()
        if division is None:
            return Case.objects.none()
        qs = qs.filter(within_q("place", division))
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.content_type:
        qs = qs.filter(content_type=f.content_type)
    if f.holder:
        qs = qs.filter(holder_body_id=f.holder)
    if f.registered_from:
        qs = qs.filter(registered_at__date__gte=f.registered_from)
    if f.registered_to:
        qs = qs.filter(registered_at__date__lte=f.registered_to)
    if f.q.strip():
        match = _search_q(f.q)
        if match is not None:
            qs = qs.filter(match)
    return qs


def _next_due() -> F:
    """The nearest running staff deadline of the case (None when no staff clock runs)."""
    return F("next_due_on")


def inbox_queryset(
    user,
    queue: str = "all",
    filters: InboxFilters | None = None,
    cursor: str | None = None,
    *,
    on: dt.date | None = None,
) -> QuerySet[Case]:
    """The cases of a queue after the filters and the cursor, in the filters' order (see
    inbox): newest registration first, or with `sort="due"` the nearest deadline first (cases
    due the same day newest first)."""
    f = _checked(filters)
    return _ordered(user, f, _queue_q(user, queue, on or today()), cursor)


def _checked(filters: InboxFilters | None) -> InboxFilters:
    f = filters or InboxFilters()
    if f.sort not in SORTS:
        raise InvalidInput(_("Unknown order"), fields={"sort": [_("Unknown order")]})
    return f


def _ordered(
    user, f: InboxFilters, queue_q: Q, cursor: str | None, visible: Q | None = None
) -> QuerySet[Case]:
    qs = _filtered(user, f, visible).filter(queue_q).select_related(*PAGE_RELATED)
    if f.sort == "due":
        qs = qs.annotate(next_due=_next_due())
        if cursor:
            qs = qs.filter(after_due_cursor(cursor))
        # The order of cases_case_due_runs, so a page is the start of a walk of it.
        return qs.order_by(F("next_due").asc(nulls_last=True), *NEWEST_FIRST)
    if cursor:
        qs = qs.filter(before(*decode_cursor(cursor)))
    return qs.order_by(*NEWEST_FIRST)


# Queues that are a range of due dates. Newest first, PostgreSQL would walk registered_at down
# from the newest case, expecting the range's share of cases at every step; cases not yet due
# are the newest ones, so it passed all of them first (at 10,000,000 cases in bench/scale.py,
# 2.8 million). A page of them is merged from each due date's newest cases instead (due_runs).
DUE_QUEUES = frozenset({"due_soon", "overdue"})


# A queue's tab counts its cases up to this many and then says "999+": an exact count of all of
# an office's cases would read every one of them on each page, and nobody works from that figure.
COUNT_CAP = 999


def queue_counts(
    user, filters: InboxFilters | None = None, *, on: dt.date | None = None
) -> dict[str, int]:
    """How many cases each of the user's queues holds under the same filters, each counted up
    to COUNT_CAP + 1 (more than COUNT_CAP reads as "999+"), so a count costs at most that many
    rows however many cases there are."""
    # One query per tab over all the reasons to see a case at once: read one reason at a time
    # (as a page is), counts at 10,000,000 cases took seconds where PostgreSQL would walk
    # several reasons' indexes in full.
    day = on or today()
    qs = _filtered(user, filters or InboxFilters()).order_by()
    return {
        q: qs.filter(_queue_q(user, q, day)).values("pk")[: COUNT_CAP + 1].count()
        for q in inbox_queues(user)
    }


def count_label(n: int) -> str:
    """A queue count as its tab shows it: "999+" past the cap."""
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


def inbox(
    user,
    queue: str = "all",
    filters: InboxFilters | None = None,
    cursor: str | None = None,
    limit: int = 50,
    *,
    on: dt.date | None = None,
) -> InboxPage:
    """One page of a queue, newest first, keyset-paginated on (registered_at, id).

    Always within cases_visible_to(user): nothing of another body's, never a report shown to the
    body it accuses. Used by the desk inbox and by GET /api/v1/cases.
    """
    limit = max(1, min(limit, INBOX_MAX_LIMIT))
    sort = filters.sort if filters else "registered"
    if sort == "due":
        # The due order's cursor needs each row's nearest deadline, picked with its id.
        qs = inbox_queryset(user, queue, filters, cursor, on=on).select_related(None)
        due = dict(qs.values_list("pk", "next_due")[: limit + 1])
        ids = list(due)
    else:
        ids = list(inbox_page_ids(user, queue, filters, cursor, limit + 1, on=on))
    by_pk = Case.objects.select_related(*PAGE_RELATED).in_bulk(ids)
    rows = [by_pk[pk] for pk in ids if pk in by_pk]
    for row in rows:
        if sort == "due":
            row.next_due = due[row.pk]
    more = len(rows) > limit
    rows = rows[:limit]
    return InboxPage(items=rows, next_cursor=encode_cursor(rows[-1], sort) if more else None)


def inbox_page_ids(
    user,
    queue: str = "all",
    filters: InboxFilters | None = None,
    cursor: str | None = None,
    limit: int = 51,
    *,
    on: dt.date | None = None,
) -> list[int]:
    """The ids of one page, in page order: the page's cases are picked on the case table alone
    and joined to their bodies, category and place afterwards, so a search that matches many
    thousand cases never drags every match through those joins before the top of the page.
    On PostgreSQL a due queue is merged from its due dates (due_runs), a list newest first is
    read one reason to see a case at a time (arms), and a search of several words looks among
    the newest cases first (windows)."""
    from django.db import connection

    from .. import search

    f = _checked(filters)
    day = on or today()
    if queue in DUE_QUEUES and f.sort == "registered" and connection.vendor == "postgresql":
        due = due_range(queue, day)
        return newest_of_due_runs(
            [_ordered(user, f, due.q, cursor, arm) for arm in _arms_or_all(user)],
            first=due.first,
            last=due.last,
            extra_days=due.extra_days,
            limit=limit,
        )
    queue_q = _queue_q(user, queue, day)
    if f.sort == "registered":
        arms = _arms_or_all(user)
        # Several words as the search asks for them (one word implies its parts, so 公积金
        # is one): only then does PostgreSQL misjudge how many cases hold them all.
        if len(arms) == 1 and len(search.required_words(f.q)) > 1:
            ids = _newest_in_window(user, f, queue_q, cursor, arms[0], limit)
            if len(ids) == limit:
                return ids
        parts = [_ordered(user, f, queue_q, cursor, arm) for arm in arms]
        return newest_of_arms(parts, limit=limit)
    qs = _ordered(user, f, queue_q, cursor).select_related(None)
    return list(qs.values_list("pk", flat=True)[:limit])


# How many of the newest cases a search of several words looks through first.
SEARCH_WINDOW = 5000


def _newest_in_window(user, f, queue_q, cursor, arm, limit: int) -> list[int]:
    """A search of several words among the newest SEARCH_WINDOW cases of the list (see
    selectors/windows.py). If that finds `limit` matches they are the page: no older case
    can come before them."""
    from dataclasses import replace

    from django.db import connection

    from .. import search

    newest = _ordered(user, replace(f, q=""), queue_q, cursor, arm).select_related(None)
    if connection.vendor == "postgresql":
        return newest_matches(
            newest, tsquery=search.tsquery(f.q), window=SEARCH_WINDOW, limit=limit
        )
    window = newest.values("pk")[:SEARCH_WINDOW]
    found = Case.objects.filter(pk__in=window).filter(_search_q(f.q))
    return list(found.order_by(*NEWEST_FIRST).values_list("pk", flat=True)[:limit])


def _arms_or_all(user) -> list[Q | None]:
    """The user's reasons to see a case that reach any case, one by one (selectors/arms.py),
    on PostgreSQL, where each has an index to walk; elsewhere [None]: all of them at once.
    So is an overseer's list: their division's bodies are no one body whose index gives the
    page order, and read one reason at a time, a rare word's search at 10,000,000 cases took
    318 ms instead of 126."""
    from django.db import connection

    from xinfang.orgs.models import WIDE_SCOPE_ROLES

    if connection.vendor != "postgresql" or any(
        m.role in WIDE_SCOPE_ROLES for m in memberships_of(user)
    ):
        return [None]
    arms = visible_arms(user)
    if len(arms) > 1:
        arms = holding_arms(arms) or arms[:1]
    return arms or [None]


def staff_clock_due(cases: list[Case]) -> dict[int, dict]:
    """For a page of cases: the nearest running staff deadline of each ({case_id: {...}})."""
    out: dict[int, dict] = {}
    rows = (
        staff_clocks()
        .filter(case_id__in=[c.pk for c in cases])
        .order_by("case_id", "due_on")
        .values("case_id", "period", "due_on")
    )
    day = today()
    for r in rows:
        if r["case_id"] not in out:
            r["days_left"] = (r["due_on"] - day).days
            period = DEFAULT_PERIODS.get(r["period"])
            r["label"] = str(period.label) if period else ""
            out[r["case_id"]] = r
    return out

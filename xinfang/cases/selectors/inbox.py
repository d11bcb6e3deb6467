"""The inbox: queues, filters, keyset pages and full-text search."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.errors import InvalidInput
from xinfang.core.timeutil import today
from xinfang.orgs.selectors import memberships_of, within_q

from ..access import bodies_where, cases_visible_to
from ..deadlines import DEFAULT_PERIODS, NOT_STAFF_DEADLINES
from ..models import Case, Clock

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


@dataclass
class InboxPage:
    items: list[Case]
    next_cursor: str | None


def encode_cursor(case: Case) -> str:
    raw = f"{case.registered_at.isoformat()}|{case.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        at, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return dt.datetime.fromisoformat(at), int(pk)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            _("Invalid page cursor"), fields={"cursor": [_("Invalid page cursor")]}
        ) from exc


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


def _staff_clocks(status: str = Clock.RUNNING) -> QuerySet[Clock]:
    return Clock.objects.filter(status=status).exclude(period__in=NOT_STAFF_DEADLINES)


def _queue_q(user, queue: str, day: dt.date) -> Q:
    from django.conf import settings

    from ..workflow import HEAD, OPEN, S

    own = [m.body_id for m in memberships_of(user)]
    if queue == "all":
        return Q()
    if queue == "new":
        return Q(holder_body__in=own, state__in=[S.REGISTERED, S.TRANSFERRED])
    if queue == "due_soon":
        soon = day + dt.timedelta(days=settings.XINFANG["DUE_SOON_DAYS"])
        clocks = _staff_clocks().filter(due_on__gte=day, due_on__lte=soon)
        return Q(pk__in=clocks.values("case_id"), state__in=OPEN)
    if queue == "overdue":
        clocks = _staff_clocks().filter(due_on__lt=day)
        return Q(pk__in=clocks.values("case_id"), state__in=OPEN)
    if queue == "signoff":
        heads = bodies_where(user, {HEAD})
        return Q(holder_body__in=heads) & (
            Q(state=S.DECIDED) | Q(state=S.ACCEPTED, extension_requested=True)
        )
    if queue == "supervised":
        return Q(state__in=OPEN) & (Q(supervised=True) | Q(listed_supervision=True))
    if queue == "leader":
        return Q(leader=user)
    raise InvalidInput(_("Unknown queue"), fields={"queue": [_("Unknown queue")]})


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


def inbox_queryset(
    user,
    queue: str = "all",
    filters: InboxFilters | None = None,
    cursor: str | None = None,
    *,
    on: dt.date | None = None,
) -> QuerySet[Case]:
    """The cases of a queue after the filters and the cursor, newest first (see inbox)."""
    from xinfang.orgs.models import Division

    f = filters or InboxFilters()
    day = on or today()
    qs = cases_visible_to(user).filter(_queue_q(user, queue, day))
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
    if cursor:
        at, pk = decode_cursor(cursor)
        qs = qs.filter(Q(registered_at__lt=at) | Q(registered_at=at, pk__lt=pk))
    return qs.select_related(*PAGE_RELATED).order_by("-registered_at", "-pk")


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
    ids = list(inbox_page_ids(user, queue, filters, cursor, limit + 1, on=on))
    by_pk = Case.objects.select_related(*PAGE_RELATED).in_bulk(ids)
    rows = [by_pk[pk] for pk in ids if pk in by_pk]
    more = len(rows) > limit
    rows = rows[:limit]
    return InboxPage(items=rows, next_cursor=encode_cursor(rows[-1]) if more else None)


def inbox_page_ids(
    user,
    queue: str = "all",
    filters: InboxFilters | None = None,
    cursor: str | None = None,
    limit: int = 51,
    *,
    on: dt.date | None = None,
) -> QuerySet:
    """The ids of one page, in page order: the page's cases are picked on the case table alone
    and joined to their bodies, category and place afterwards, so a search that matches many
    thousand cases never drags every match through those joins before the top of the page."""
    qs = inbox_queryset(user, queue, filters, cursor, on=on).select_related(None)
    return qs.values_list("pk", flat=True)[:limit]


def staff_clock_due(cases: list[Case]) -> dict[int, dict]:
    """For a page of cases: the nearest running staff deadline of each ({case_id: {...}})."""
    out: dict[int, dict] = {}
    rows = (
        _staff_clocks()
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

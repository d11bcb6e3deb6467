"""Reads of cases: every list and fetch authorises in the same call (DESIGN.md, Access)."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core import crypto
from xinfang.core.errors import InvalidInput, NotFound
from xinfang.core.timeutil import today
from xinfang.orgs.models import BodyKind
from xinfang.orgs.selectors import memberships_of, scope_q

from .deadlines import DEFAULT_PERIODS, Period
from .models import Case, CaseEvent, Clock, CoHandler, Party, PeriodSetting


def periods() -> dict[str, Period]:
    configured = {s.key: s for s in PeriodSetting.objects.all()}
    out = {}
    for key, period in DEFAULT_PERIODS.items():
        s = configured.get(key)
        out[key] = (
            period.with_settings(days=s.days, unit=s.unit, max_extension=s.max_extension)
            if s
            else period
        )
    return out


def _protection_q(user) -> Q:
    """Hide a report from the body it accuses and from that body's staff (W30, W46)."""
    own = [m.body_id for m in memberships_of(user)]
    return Q(accused_body__isnull=True) | ~Q(accused_body__in=own)


def _case_scope_q(user) -> Q:
    """Holder-based scope, plus the cases a body registered or sent on (it follows them up)."""
    own = [m.body_id for m in memberships_of(user)]
    return (
        scope_q(user)
        | Q(registering_body__in=own)
        | Q(sender_body__in=own)
        | Q(pk__in=CoHandler.objects.filter(body__in=own).values("case_id"))
    )


def cases_visible_to(user) -> QuerySet[Case]:
    if user is None or not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(_case_scope_q(user) & _protection_q(user))


def case_get_for_user(user, number: str) -> Case:
    """The case, or NotFound whether it is missing or not visible to this user."""
    case = (
        cases_visible_to(user)
        .filter(number=number)
        .select_related("holder_body", "holder_body__division", "category", "place")
        .first()
    )
    if case is None:
        raise NotFound(_("Case not found"))
    return case


def case_get_for_citizen(tracking_code: str, password: str) -> Case:
    """Same answer for a wrong code and a wrong password."""
    case = Case.objects.filter(tracking_code=tracking_code.strip().upper()).first()
    if case is None or not crypto.check_query_password(case, password):
        raise NotFound(_("The tracking code or query password is not right"))
    return case


def may_see_identity(user, case: Case) -> bool:
    """A reporter's identity is for discipline inspection bodies handling it, and nobody else."""
    if case.content_type != "report":
        return True
    return any(
        m.body.kind == BodyKind.DISCIPLINE and m.body_id == case.holder_body_id
        for m in memberships_of(user)
    )


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


def open_cases_of_petitioner(*, phone: str = "", id_number: str = "") -> QuerySet[Case]:
    from .workflow import OPEN

    q = Q(pk__in=[])
    if phone:
        q |= Q(parties__phone_index__in=crypto.blind_indexes(crypto.normalise_phone(phone)))
    if id_number:
        q |= Q(parties__id_index__in=crypto.blind_indexes(crypto.normalise_id(id_number)))
    return Case.objects.filter(q, state__in=OPEN).distinct()


EVENT_LABELS = {
    "register": gettext_lazy("Registration"),
    "repeat_merged": gettext_lazy("Merge as a repeat"),
}


def event_label(kind: str) -> str:
    from .workflow import MOVES

    move = MOVES.get(kind)
    return str(move.label if move else EVENT_LABELS.get(kind, kind))


def note_text(msgid: str, values: dict[str, str]) -> str:
    """A fixed citizen note in the active language; a legal channel is named, not keyed."""
    from .workflow import LEGAL_CHANNELS

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
            "label": event_label(e.kind),
            "state": e.to_state,
            "note": citizen_note(e.extra),
            "notice": e.notice,
        }
        if not for_citizen:
            entry["actor"] = e.actor_label
            entry["extra"] = e.extra
        out.append(entry)
    return out


def clock_entries(case: Case, on: dt.date | None = None) -> list[dict]:
    day = on or today()
    return [
        {
            "period": c.period,
            "label": str(c.label),
            "due_on": c.due_on,
            "status": c.status,
            "days_left": (c.due_on - day).days,
            "overdue": c.status == Clock.RUNNING and c.due_on < day,
        }
        for c in running_clocks(case)
    ]


# ---------------------------------------------------------------------------------------------
# Workbench: inbox queues, filters, keyset pages and full-text search


# The citizen's own periods (to rate, to ask for review or re-review): not staff deadlines, so
# they never make a case due soon or overdue in a staff queue.
CITIZEN_WINDOWS = ("rating", "review_request", "rereview_request")
# Windows in which a body may do something but need not (object to a transfer within 5 working
# days, W23): when one lapses nothing is late, so it is no staff deadline either.
OPTION_WINDOWS = ("remit_objection",)
NOT_STAFF_DEADLINES = CITIZEN_WINDOWS + OPTION_WINDOWS

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

EVENT_LABELS.setdefault("unmask", gettext_lazy("Full personal data viewed"))


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


def _bodies_with_role(user, roles) -> list[int]:
    return [m.body_id for m in memberships_of(user) if m.role in roles]


def inbox_queues(user) -> list[str]:
    """The queues that mean something for this user's roles, in display order."""
    from .workflow import HEAD, LEADER

    out = ["all", "new", "due_soon", "overdue"]
    if _bodies_with_role(user, {HEAD}):
        out.append("signoff")
    out.append("supervised")
    if _bodies_with_role(user, {LEADER}):
        out.append("leader")
    return out


def _staff_clocks(status: str = Clock.RUNNING) -> QuerySet[Clock]:
    return Clock.objects.filter(status=status).exclude(period__in=NOT_STAFF_DEADLINES)


def _queue_q(user, queue: str, day: dt.date) -> Q:
    from django.conf import settings

    from .workflow import HEAD, OPEN, S

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
        heads = _bodies_with_role(user, {HEAD})
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

    from . import search

    words = search.words(query)
    if not words:
        return None
    if connection.vendor == "postgresql":
        # Same expression as the GIN index of migration 0003, so the planner can use it.
        match = RawSQL(
            "to_tsvector('simple', cases_case.search_text) @@ to_tsquery('simple', %s)",
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
        qs = qs.filter(place__path__startswith=division.path)
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
    return qs.select_related("holder_body", "category", "place", "handler").order_by(
        "-registered_at", "-pk"
    )


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
    qs = inbox_queryset(user, queue, filters, cursor, on=on)
    limit = max(1, min(limit, INBOX_MAX_LIMIT))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return InboxPage(items=rows, next_cursor=encode_cursor(rows[-1]) if more else None)


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


# ---------------------------------------------------------------------------------------------
# Oversight: supervision, listed supervision, leaders' cases, grid ledger

EVENT_LABELS.setdefault("overdue_flagged", gettext_lazy("Flagged overdue"))
SUPERVISION_LIST_LIMIT = 200


def _staff_deadlines(user, day: dt.date) -> QuerySet[Clock]:
    from .workflow import OPEN

    visible = cases_visible_to(user).filter(state__in=OPEN).values("pk")
    return (
        Clock.objects.filter(status=Clock.RUNNING, case_id__in=visible)
        .exclude(period__in=CITIZEN_WINDOWS)
        .select_related("case", "case__holder_body")
    )


def overdue_for_user(user, on: dt.date | None = None) -> list[Clock]:
    """Running staff deadlines already past, in this user's scope, most overdue first."""
    day = on or today()
    qs = (
        _staff_deadlines(user, day)
        .filter(due_on__lt=day)
        .exclude(period__in=OPTION_WINDOWS)
        .order_by("due_on", "pk")
    )
    return list(qs[:SUPERVISION_LIST_LIMIT])


def due_soon_for_user(
    user, on: dt.date | None = None, within_days: int | None = None
) -> list[Clock]:
    from django.conf import settings

    day = on or today()
    days = settings.XINFANG["DUE_SOON_DAYS"] if within_days is None else within_days
    qs = _staff_deadlines(user, day).filter(
        due_on__gte=day, due_on__lte=day + dt.timedelta(days=days)
    )
    return list(qs.order_by("due_on", "pk")[:SUPERVISION_LIST_LIMIT])


def supervision_notices_visible_to(user) -> QuerySet:
    from .models import SupervisionNotice

    return (
        SupervisionNotice.objects.filter(case_id__in=cases_visible_to(user).values("pk"))
        .select_related("case", "case__holder_body", "issuing_body", "issued_by")
        .order_by("answered_at", "due_on", "-pk")
    )


def notices_to_answer(user) -> QuerySet:
    """Open supervision notices on cases the user's own body holds (handlers and heads)."""
    from .workflow import BODY_STAFF

    own = [m.body_id for m in memberships_of(user) if m.role in BODY_STAFF]
    return supervision_notices_visible_to(user).filter(
        case__holder_body__in=own, answered_at__isnull=True
    )


def listed_for_user(user) -> QuerySet[Case]:
    """Open cases under listed supervision (挂牌督办) that concern one of the user's bodies:
    as holder, co-handler or registering office (W39). Never shown to an accused body."""
    from .workflow import OPEN

    if user is None or not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    own = [m.body_id for m in memberships_of(user)]
    concerned = (
        Q(holder_body__in=own)
        | Q(registering_body__in=own)
        | Q(pk__in=CoHandler.objects.filter(body__in=own).values("case_id"))
    )
    return (
        Case.objects.filter(
            concerned & _protection_q(user), listed_supervision=True, state__in=OPEN
        )
        .select_related("holder_body")
        .order_by("-registered_at", "-pk")
    )


def leader_cases(user) -> QuerySet[Case]:
    """The open cases this leader owns (包案, W18), nearest time limit first."""
    from .workflow import OPEN

    if user is None or not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return (
        Case.objects.filter(_protection_q(user), leader=user, state__in=OPEN)
        .select_related("holder_body", "leader_body")
        .order_by("leader_deadline", "pk")
    )


def leader_assignments_visible_to(user) -> QuerySet[Case]:
    from .workflow import OPEN

    return (
        cases_visible_to(user)
        .filter(state__in=OPEN)
        .exclude(leader_level="")
        .select_related("holder_body", "leader_body", "leader")
        .order_by("leader_deadline", "pk")
    )


def escalations_of(cases) -> dict[int, list[CaseEvent]]:
    """The escalation events (提请领导协调) of these cases, oldest first, by case id."""
    out: dict[int, list[CaseEvent]] = {}
    rows = CaseEvent.objects.filter(kind="escalate", case_id__in=[c.pk for c in cases])
    for e in rows.order_by("case_id", "seq"):
        out.setdefault(e.case_id, []).append(e)
    return out


def grid_items_visible_to(user) -> QuerySet:
    """Ledger rows held by the user's bodies, plus those in the area of a township or county
    body the user belongs to (they follow up what the villages below record)."""
    from .models import GridItem

    if user is None or not getattr(user, "is_authenticated", False):
        return GridItem.objects.none()
    q = Q(pk__in=[]) | Q(reported_by=user)
    for m in memberships_of(user):
        q |= Q(holder_body_id=m.body_id)
        if m.body.kind in (BodyKind.TOWNSHIP, BodyKind.PETITION_OFFICE) or m.role in (
            "supervisor",
            "leader",
        ):
            q |= Q(place__path__startswith=m.body.division.path)
    return GridItem.objects.filter(q).select_related(
        "holder_body", "holder_body__division", "place", "case"
    )


def data_key_matches() -> bool | None:
    """Whether the configured data key opens the personal data already stored: checked on the
    newest party with an encrypted field. None when nothing is stored yet."""
    token = (
        Party.objects.exclude(name_enc="", phone_enc="")
        .order_by("-pk")
        .values_list("name_enc", "phone_enc")
        .first()
    )
    if token is None:
        return None
    return crypto.decrypts(token[0] or token[1])

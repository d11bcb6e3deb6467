"""Reads of cases: every list and fetch authorises in the same call (DESIGN.md, Access)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from xinfang.core import crypto
from xinfang.core.errors import NotFound
from xinfang.core.timeutil import today
from xinfang.orgs.models import BodyKind
from xinfang.orgs.selectors import memberships_of, scope_q

from .deadlines import DEFAULT_PERIODS, Period
from .models import Case, CaseEvent, Clock, PeriodSetting


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
    return scope_q(user) | Q(registering_body__in=own) | Q(sender_body__in=own)


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
        raise NotFound("未找到该信访事项")
    return case


def case_get_for_citizen(tracking_code: str, password: str) -> Case:
    """Same answer for a wrong code and a wrong password."""
    case = Case.objects.filter(tracking_code=tracking_code.strip().upper()).first()
    if case is None or not crypto.check_query_password(case, password):
        raise NotFound("查询码或查询密码不正确")
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


def due_soon_clocks(on: dt.date | None = None, within_days: int = 3) -> QuerySet[Clock]:
    start = on or today()
    return Clock.objects.filter(
        status=Clock.RUNNING, due_on__gte=start, due_on__lte=start + dt.timedelta(days=within_days)
    )


def open_cases_of_petitioner(*, phone: str = "", id_number: str = "") -> QuerySet[Case]:
    from .workflow import OPEN

    q = Q(pk__in=[])
    if phone:
        q |= Q(parties__phone_index=crypto.blind_index(crypto.normalise_phone(phone)))
    if id_number:
        q |= Q(parties__id_index=crypto.blind_index(crypto.normalise_id(id_number)))
    return Case.objects.filter(q, state__in=OPEN).distinct()


EVENT_LABELS = {"register": "登记", "repeat_merged": "合并重复件"}


def event_label(kind: str) -> str:
    from .workflow import MOVES

    move = MOVES.get(kind)
    return move.label if move else EVENT_LABELS.get(kind, kind)


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
            "note": e.extra.get("citizen_note", ""),
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
            "label": c.label,
            "due_on": c.due_on,
            "status": c.status,
            "days_left": (c.due_on - day).days,
            "overdue": c.status == Clock.RUNNING and c.due_on < day,
        }
        for c in running_clocks(case)
    ]


LOOKALIKE_WINDOW = 500  # most recent open cases compared by lookalike_open_cases
LOOKALIKE_MIN_SCORE = 0.15


def _bigrams(text: str) -> set[str]:
    chars = [c for c in (text or "").lower() if c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def lookalike_open_cases(
    title: str, body: str, limit: int = 5, *, user=None
) -> list[tuple[Case, float]]:
    """Open cases whose title and text look like these, best first, as (case, score) pairs.

    Score: Jaccard similarity of character bigrams (no word segmentation), over the most recent
    LOOKALIKE_WINDOW open cases (those `user` may see when given). A sub-linear look-alike index
    will replace this body later; the signature and the meaning of the result stay as they are.
    """
    from .workflow import OPEN

    probe = _bigrams(f"{title} {body}")
    if not probe:
        return []
    qs = cases_visible_to(user) if user is not None else Case.objects.all()
    recent = (
        qs.filter(state__in=OPEN)
        .select_related("holder_body")
        .order_by("-registered_at", "-pk")[:LOOKALIKE_WINDOW]
    )
    scored = []
    for case in recent:
        grams = _bigrams(f"{case.title} {case.body}")
        union = len(probe | grams)
        score = len(probe & grams) / union if union else 0.0
        if score >= LOOKALIKE_MIN_SCORE:
            scored.append((case, round(score, 3)))
    scored.sort(key=lambda pair: pair[1], reverse=True)
    return scored[:limit]

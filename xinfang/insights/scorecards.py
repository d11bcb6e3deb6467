"""Scorecards (考核评价) of bodies and townships, monthly and quarterly (docs/metrics.md,
Scorecards). Counts about bodies and places only, never about persons."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, Sum, Value, When
from django.utils.translation import gettext as _

from xinfang.cases.models import SupervisionNotice
from xinfang.cases.selectors.ratings import SATISFIED_RATINGS
from xinfang.core.errors import InvalidInput
from xinfang.core.timeutil import now
from xinfang.orgs.models import Division, Level
from xinfang.orgs.selectors import bodies_in_scope, memberships_of

from .models import AccountabilityRecord, Measure, Scorecard, ScoreLine, ScoreWeight
from .selectors.scope import StatFilters, in_window, stopped_clocks_q, window_q
from .selectors.tally import Tally
from .selectors.windows import Window

DEFAULT_WEIGHTS = {
    Measure.ACCEPTANCE: 15,
    Measure.ON_TIME: 25,
    Measure.SATISFACTION: 25,
    Measure.REPEAT: 10,
    Measure.RESOLUTION: 15,
    Measure.SUPERVISION: 5,
    Measure.LEADER: 5,
}
# Lower is better: the score counts 100 minus the rate.
LOWER_IS_BETTER = frozenset({Measure.REPEAT})
RATING_RATE = "rating_rate"  # shown beside satisfaction, not weighted


def weights() -> dict[str, int]:
    configured = dict(ScoreWeight.objects.values_list("measure", "weight"))
    return {str(m): configured.get(str(m), w) for m, w in DEFAULT_WEIGHTS.items()}


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


@dataclass
class Line:
    key: str
    label: str
    values: dict[str, float | None] = field(default_factory=dict)
    deduction: float = 0.0
    score: float | None = None
    rank: int | None = None
    previous_score: float | None = None
    previous_rank: int | None = None

    @property
    def score_change(self) -> float | None:
        if self.score is None or self.previous_score is None:
            return None
        return round(self.score - self.previous_score, 2)

    @property
    def rank_change(self) -> int | None:
        """Places gained (+) or lost (−) since the previous period."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass
class Card:
    window: Window
    unit: str
    lines: list[Line]
    weights: dict[str, int]
    published: Scorecard | None = None


def score(values: dict, w: dict[str, int], deduction: float) -> float | None:
    """Weighted mean of the measures that have a value (lower-is-better ones as 100 − rate),
    minus the accountability deductions; None when no measure has a value."""
    parts = [
        (w[m], 100 - v if m in LOWER_IS_BETTER else v)
        for m, v in values.items()
        if m in w and v is not None and w[m]
    ]
    total = sum(wt for wt, _v in parts)
    if not total:
        return None
    return round(sum(wt * v for wt, v in parts) / total - deduction, 2)


def _scope_root(user) -> Division:
    """The widest division the user's statistics roles cover (the card's scope)."""
    from xinfang.cases.access import STATISTICS_ROLES

    divisions = [m.body.division for m in memberships_of(user) if m.role in STATISTICS_ROLES]
    if not divisions:
        raise InvalidInput(_("Scorecards are for analysts, supervisors and leaders."))
    return min(divisions, key=lambda d: len(d.path))


def units(user, unit: str) -> dict[str, str]:
    """{key: label} of the bodies or townships in the user's scope."""
    root = _scope_root(user)
    if unit == Scorecard.TOWNSHIP:
        qs = Division.objects.filter(path__startswith=root.path, level=Level.TOWNSHIP)
        return {d.code: d.name for d in qs.order_by("code")}
    bodies = bodies_in_scope(user).filter(division__path__startswith=root.path)
    return {str(b.pk): b.name for b in bodies.order_by("division__path", "name")}


def _notices(t: Tally, scope, window: Window, column: str) -> dict[str, tuple[int, int]]:
    """{unit key: (answered on time, issued)} of the supervision notices issued in the window
    about the masked cases, by a column of their fact row."""
    on_time = Q(answered_at__isnull=False, answered_at__date__lte=F("due_on"))
    rows = list(
        in_window(SupervisionNotice.objects.all(), "issued_at__date", window)
        # models.Case is SQL CASE WHEN, not the case model.
        .annotate(ok=models.Case(When(on_time, then=Value(1)), default=Value(0)))
        .values_list("case_id", "ok")
    )
    fact_rows = t.rows_of([r[0] for r in rows])
    ok = np.array([r[1] for r in rows], dtype=bool)
    keep = fact_rows >= 0
    keep[keep] = scope[fact_rows[keep]]
    whole = t.counts(fact_rows[keep], column)
    part = t.counts(fact_rows[keep & ok], column)
    return {str(k): (part.get(k, 0), n) for k, n in whole.items() if k is not None}


def measures(user, window: Window, unit: str) -> dict[str, dict[str, float | None]]:
    """{unit key: {measure: value}} over the window."""
    t = Tally(user)
    scope = t.scope(StatFilters(window=window))
    col = "township_id" if unit == Scorecard.TOWNSHIP else "holder_body_id"
    deadlines: dict[str, dict[str, tuple[int, int]]] = {}
    for period, key, n, met in t.clock_cells(scope, stopped_clocks_q(window), col):
        if key is not None:
            deadlines.setdefault(period, {})[str(key)] = (met, n)
    answered = t.also(scope, window_q("answered_on", window))
    registered = t.also(scope, window_q("registered_on", window))
    lcol = "township_id" if unit == Scorecard.TOWNSHIP else "leader_body_id"
    owned = t.also(scope, Q(leader_deadline__isnull=False) & window_q("leader_deadline", window))
    counts = {
        Measure.ACCEPTANCE: deadlines.get("accept_notice", {}),
        Measure.ON_TIME: deadlines.get("handle", {}),
        Measure.SATISFACTION: t.grouped(
            t.also(answered, ~Q(rating="")), col, Q(rating__in=SATISFIED_RATINGS)
        ),
        RATING_RATE: t.grouped(answered, col, ~Q(rating="")),
        Measure.REPEAT: t.grouped(registered, col, Q(is_repeat=True)),
        Measure.RESOLUTION: t.grouped(answered, col, Q(resolved=True)),
        Measure.SUPERVISION: _notices(t, scope, window, col),
        Measure.LEADER: t.grouped(
            owned, lcol, Q(answered_on__isnull=False, answered_on__lte=F("leader_deadline"))
        ),
    }
    out: dict[str, dict] = {}
    for measure, grouped in counts.items():
        for key, (part, whole) in grouped.items():
            out.setdefault(key, {})[str(measure)] = _pct(part, whole)
    return out


def deductions(window: Window, unit: str) -> dict[str, float]:
    records = AccountabilityRecord.objects.filter(
        dated__gte=window.start, dated__lte=window.end
    ).select_related("body__division")
    out: dict[str, float] = {}
    if unit == Scorecard.BODY:
        for r in records.values("body_id").annotate(total=Sum("deduction")).order_by():
            out[str(r["body_id"])] = float(r["total"])
        return out
    for r in records:
        codes = [c for c in r.body.division.path.split("/") if c]
        town = next((c for c in codes if len(c) == 9), None)
        if town:
            out[town] = out.get(town, 0.0) + float(r.deduction)
    return out


def compute(user, window: Window, unit: str) -> list[Line]:
    w = weights()
    names = units(user, unit)
    values = measures(user, window, unit)
    cuts = deductions(window, unit)
    lines = []
    for key, label in names.items():
        v = values.get(key, {})
        cut = cuts.get(key, 0.0)
        if not v and not cut:
            continue  # nothing to judge this unit on in this period
        full = {str(m): v.get(str(m)) for m in Measure}
        full[RATING_RATE] = v.get(RATING_RATE)
        lines.append(Line(key, label, full, cut, score(full, w, cut)))
    return rank(lines)


def rank(lines: list[Line]) -> list[Line]:
    """Highest score first; equal scores share a rank; units without a score come last."""
    lines.sort(key=lambda ln: (ln.score is None, -(ln.score or 0), ln.label))
    previous, place = None, 0
    for i, line in enumerate(lines, start=1):
        if line.score is None:
            line.rank = None
            continue
        if line.score != previous:
            place, previous = i, line.score
        line.rank = place
    return lines


def _published(user, window: Window, unit: str) -> Scorecard | None:
    return Scorecard.objects.filter(
        kind=window.kind, start=window.start, unit=unit, scope=_scope_root(user).path
    ).first()


def _stored(card: Scorecard) -> list[Line]:
    return [
        Line(ln.key, ln.label, ln.values, ln.deduction, ln.score, ln.rank)
        for ln in card.lines.all()
    ]


def card(user, window: Window, unit: str) -> Card:
    """The scorecard of a period: as published (locked), else computed now; with the change
    from the previous period."""
    published = _published(user, window, unit)
    lines = _stored(published) if published else compute(user, window, unit)
    before = window.previous()
    prev_card = _published(user, before, unit)
    prev = {ln.key: ln for ln in (_stored(prev_card) if prev_card else compute(user, before, unit))}
    for line in lines:
        p = prev.get(line.key)
        if p:
            line.previous_score, line.previous_rank = p.score, p.rank
    return Card(window, unit, lines, published.weights if published else weights(), published)


def publish(*, user, window: Window, unit: str) -> Scorecard:
    """Keep the period's scorecard as it is now; a published period never changes again."""
    if window.kind not in ("month", "quarter"):
        raise InvalidInput(_("Scorecards are published for a month or a quarter."))
    lines = compute(user, window, unit)
    try:
        with transaction.atomic(durable=True):
            sc = Scorecard.objects.create(
                kind=window.kind,
                start=window.start,
                end=window.end,
                unit=unit,
                scope=_scope_root(user).path,
                published_at=now(),
                published_by=user,
                weights=weights(),
            )
            ScoreLine.objects.bulk_create(
                ScoreLine(
                    scorecard=sc,
                    key=ln.key,
                    label=ln.label,
                    values=ln.values,
                    deduction=ln.deduction,
                    score=ln.score,
                    rank=ln.rank,
                )
                for ln in lines
            )
    except IntegrityError:
        raise InvalidInput(_("This period's scorecard is already published and locked.")) from None
    return sc


__all__ = ["Card", "Line", "card", "compute", "publish", "rank", "score", "weights"]

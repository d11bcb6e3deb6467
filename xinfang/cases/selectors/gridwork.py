"""Reads of grid field work: which villages, towns and the county are due or done with this
period's 排查 round, and counts per village and town (matters, never persons)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Q

from xinfang.orgs.models import Body, Division, Level
from xinfang.orgs.selectors import within_q

from ..access import GRID_STAFF, OVERSIGHT_ROLES, body_posts


def grid_area(user) -> list[Division]:
    """The divisions whose field work the user follows: their grid bodies' and, for overseers
    and analysts, their bodies' whole area. A village agent's post gives none."""
    from xinfang.orgs.models import Role

    out: dict[str, Division] = {}
    for m in body_posts(user):
        if m.role in GRID_STAFF or m.role in OVERSIGHT_ROLES or m.role == Role.ANALYST:
            out.setdefault(m.body.division.path, m.body.division)
    # Keep only the outermost: a county covers its towns.
    paths = sorted(out)
    kept = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return [out[p] for p in kept]


def _within_any(field: str, divisions: list[Division]) -> Q:
    if not divisions:
        return Q(pk__in=[])
    return reduce(or_, (within_q(field, d) for d in divisions))


@dataclass
class RoundRow:
    body: Body
    period: tuple[dt.date, dt.date]
    round: object | None = None

    @property
    def done(self) -> bool:
        return self.round is not None

    @property
    def nothing_found(self) -> bool:
        return bool(self.round and self.round.nothing_found)


def round_status(user, *, on: dt.date) -> list[RoundRow]:
    """This period's round of every body in the user's area that keeps rounds, due ones first."""
    from ..fieldwork_models import GridRound
    from ..services.gridwork import LEVEL_KEYS, ROUND_BODY_KINDS, period_of, schedule

    area = grid_area(user)
    cadence = schedule()
    kinds = Q(pk__in=[])
    for level, kind in ROUND_BODY_KINDS.items():
        kinds |= Q(division__level=level, kind=kind)
    bodies = list(
        Body.objects.filter(kinds, _within_any("division", area), is_active=True)
        .select_related("division")
        .order_by("division__path", "name")
    )
    periods = {level: period_of(cadence[LEVEL_KEYS[level]], on) for level in ROUND_BODY_KINDS}
    starts = {p[0] for p in periods.values()}
    done = {
        (r.body_id, r.period_start): r
        for r in GridRound.objects.filter(
            body__in=[b.pk for b in bodies], period_start__in=starts
        ).select_related("confirmed_by")
    }
    rows = []
    for b in bodies:
        period = periods[b.division.level]
        rows.append(RoundRow(b, period, done.get((b.pk, period[0]))))
    rows.sort(key=lambda r: (r.done, -r.body.division.level, r.body.division.path))
    return rows


@dataclass
class AreaCount:
    division: Division
    open: int = 0
    settled: int = 0
    converted: int = 0
    notes: int = 0
    rounds: int = 0
    nothing_found: int = 0

    @property
    def matters(self) -> int:
        return self.open + self.settled + self.converted


@dataclass
class Counts:
    since: dt.date
    villages: list[AreaCount] = field(default_factory=list)
    towns: list[AreaCount] = field(default_factory=list)


def counts(user, *, since: dt.date) -> Counts:
    """Ledger items recorded, 民情日志 entries and rounds confirmed since `since`, per village and
    per town (a town's figures include its villages'). A few grouped queries, whatever the size."""
    from django.utils import timezone

    from ..fieldwork_models import FieldNote, GridRound
    from ..models import GridItem

    area = grid_area(user)
    out = Counts(since=since)
    if not area:
        return out
    divisions = {
        d.code: d
        for d in Division.objects.filter(
            _within_any("", area), level__in=(Level.TOWNSHIP, Level.VILLAGE)
        ).order_by("path")
    }
    by_code = {code: AreaCount(d) for code, d in divisions.items()}
    moment = dt.datetime.combine(since, dt.time.min, tzinfo=timezone.get_default_timezone())

    def town_of(code: str) -> str | None:
        d = divisions.get(code)
        if d is None:
            return None
        return d.code if d.level == Level.TOWNSHIP else d.parent_id

    def add(code: str, **values: int) -> None:
        targets = {code, town_of(code)} if code in divisions else set()
        for target in targets:
            row = by_code.get(target)
            if row is None:
                continue
            for name, n in values.items():
                setattr(row, name, getattr(row, name) + n)

    items = (
        GridItem.objects.filter(_within_any("place", area), reported_at__gte=moment)
        .values("place_id", "status")
        .annotate(n=Count("pk"))
    )
    for row in items:
        add(row["place_id"], **{row["status"]: row["n"]})
    notes = (
        FieldNote.objects.filter(_within_any("place", area), recorded_on__gte=since)
        .values("place_id")
        .annotate(n=Count("pk"))
    )
    for row in notes:
        add(row["place_id"], notes=row["n"])
    rounds = Counter()
    empty = Counter()
    for code, nothing in GridRound.objects.filter(
        _within_any("body__division", area), period_start__gte=since
    ).values_list("body__division_id", "nothing_found"):
        rounds[code] += 1
        empty[code] += int(nothing)
    for code, n in rounds.items():
        # A round is its own body's: a town's count is the town's rounds, not its villages'.
        if code in by_code:
            by_code[code].rounds += n
            by_code[code].nothing_found += empty[code]
    for code, row in by_code.items():
        (out.villages if divisions[code].level == Level.VILLAGE else out.towns).append(row)
    return out

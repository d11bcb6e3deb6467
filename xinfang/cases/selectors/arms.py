"""A list read one reason to see a case at a time, on PostgreSQL.

A member of staff sees the cases their body holds, registered or sent on, and a few more
(access.scope_arms). As one filter these reasons are an OR over different columns, which no
index reads in page order: PostgreSQL gathers every match of the page's other filters and
sorts them. For a search of a common word that is the word's whole posting list (at
10,000,000 cases in bench/scale.py, 800,000 matches for 拆迁, half a second). Read one
reason at a time, each is a walk of its own index newest first that stops at a page, and the
page is the newest of those few rows.
"""

from __future__ import annotations

from django.db.models import IntegerField, Q, QuerySet, Value

from ..models import Case
from .cursors import NEWEST_FIRST


def newest_of_arms(parts: list[QuerySet[Case]], *, limit: int) -> list[int]:
    """Ids of the `limit` newest cases of the union of `parts` (each filtered to one reason
    and to the page's filters and cursor), newest first."""
    parts = not_empty(parts)
    if len(parts) < 2:
        return [
            pk
            for p in parts
            for pk in p.order_by(*NEWEST_FIRST).values_list("pk", flat=True)[:limit]
        ]
    runs = [p.order_by(*NEWEST_FIRST).values_list("pk", "registered_at")[:limit] for p in parts]
    union = runs[0].union(*runs[1:]).order_by(*NEWEST_FIRST)[:limit]
    return [pk for pk, _at in union]


def not_empty(parts: list[QuerySet[Case]]) -> list[QuerySet[Case]]:
    # A filter that can match nothing (an unknown division) makes its part an empty set,
    # which a union would drop, leaving a sliced part that could no longer be ordered.
    return [p for p in parts if not p.query.is_empty()]


def holding_arms(arms: list[Q]) -> list[Q]:
    """The reasons that reach at least one case, found in one query. A reason that reaches
    none (a bureau that never sent a case on) would still be planned, and PostgreSQL may
    walk a whole range of another index to find that it holds nothing."""
    probes = [
        Case.objects.filter(arm).annotate(arm=Value(i, IntegerField())).values_list("arm")[:1]
        for i, arm in enumerate(arms)
    ]
    held = {row[0] for row in probes[0].union(*probes[1:], all=True)}
    return [arm for i, arm in enumerate(arms) if i in held]

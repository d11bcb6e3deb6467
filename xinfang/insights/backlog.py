"""The backlog (积案) ledger: rules flag cases, each entry gets a plan, an owning leader, a limit
and an outcome (化解 / 息诉); the clearance rate is on the statistics page."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from xinfang.cases.models import Case
from xinfang.cases.selectors import staff_clocks
from xinfang.cases.workflow import OPEN
from xinfang.core.errors import InvalidInput

from .models import BacklogEntry, BacklogRules

OVERDUE, REPEATS = "overdue", "repeats"


def rules() -> BacklogRules:
    return BacklogRules.objects.order_by("pk").first() or BacklogRules()


def candidates(day: dt.date) -> dict[int, list[str]]:
    """{case id: grounds} of the open cases the rules flag on `day`."""
    r = rules()
    late = staff_clocks().filter(due_on__lte=day - dt.timedelta(days=r.overdue_days))
    out: dict[int, list[str]] = {}
    for pk in Case.objects.filter(state__in=OPEN, pk__in=late.values("case_id")).values_list(
        "pk", flat=True
    ):
        out.setdefault(pk, []).append(OVERDUE)
    repeated = (
        Case.objects.filter(state__in=OPEN)
        .annotate(n=Count("repeats"))
        .filter(n__gte=r.repeats)
        .values_list("pk", flat=True)
    )
    for pk in repeated:
        out.setdefault(pk, []).append(REPEATS)
    return out


def flag(*, day: dt.date) -> int:
    """Add the cases the rules flag and the ledger lacks; returns how many were added."""
    found = candidates(day)
    with transaction.atomic():
        have = set(BacklogEntry.objects.filter(case_id__in=found).values_list("case_id", flat=True))
        BacklogEntry.objects.bulk_create(
            BacklogEntry(case_id=pk, flagged_on=day, grounds=g)
            for pk, g in found.items()
            if pk not in have
        )
    return len(found) - len(have)


def update(
    *, entry: BacklogEntry, plan: str, leader: str, limit, outcome: str, day: dt.date
) -> BacklogEntry:
    if outcome and outcome not in dict(BacklogEntry.OUTCOMES):
        raise InvalidInput(_("Choose resolved or ceased"), fields={"outcome": [_("Choose one")]})
    if outcome and not plan.strip():
        raise InvalidInput(
            _("Record the resolution plan before the outcome"),
            fields={"plan": [_("Enter the resolution plan")]},
        )
    entry.plan, entry.leader, entry.limit = plan.strip(), leader.strip(), limit
    if outcome != entry.outcome:
        entry.outcome = outcome
        entry.cleared_on = day if outcome else None
    entry.save()
    return entry


def clearance(entries, end: dt.date) -> tuple[int, int]:
    """(found, cleared): entries flagged by `end`, and of them those cleared by `end`."""
    found = entries.filter(flagged_on__lte=end)
    return found.count(), found.filter(Q(cleared_on__lte=end)).count()

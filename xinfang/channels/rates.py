"""The three rates of 接诉即办 (docs/metrics.md, "Hotline rates"), defined here once.

- 响应率 (response rate): of the work orders whose time class can be judged (its clock has
  stopped, or its due date has passed), the share answered on or before the due date.
- 解决率 (solved rate): of the work orders with a return call, the share whose caller said the
  matter is solved.
- 满意率 (satisfaction rate): of the work orders with a return call, the share whose caller said
  they are satisfied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from xinfang.cases.deadlines import HOTLINE_PERIODS
from xinfang.cases.models import Clock

from .models import HotlineOrder


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@dataclass(frozen=True)
class HotlineRates:
    orders: int
    judged: int
    responded: int
    called_back: int
    solved: int
    satisfied: int

    @property
    def response_rate(self) -> float | None:
        return _share(self.responded, self.judged)

    @property
    def solved_rate(self) -> float | None:
        return _share(self.solved, self.called_back)

    @property
    def satisfaction_rate(self) -> float | None:
        return _share(self.satisfied, self.called_back)


def hotline_rates(orders: QuerySet[HotlineOrder], *, day: dt.date) -> HotlineRates:
    """The rates over `orders` as they stand on `day`."""
    clocks = Clock.objects.filter(case_id=OuterRef("case_id"), period__in=HOTLINE_PERIODS)
    stopped = clocks.filter(status=Clock.STOPPED)
    marked = orders.annotate(
        answered=Exists(stopped),
        late_open=Exists(clocks.exclude(status=Clock.STOPPED).filter(due_on__lt=day)),
        on_time=Exists(stopped.filter(met=True)),
    )
    judged = Q(answered=True) | Q(late_open=True)
    called = Q(returned_at__isnull=False)
    totals = marked.aggregate(
        orders=Count("pk"),
        judged=Count("pk", filter=judged),
        responded=Count("pk", filter=Q(on_time=True)),
        called_back=Count("pk", filter=called),
        solved=Count("pk", filter=called & Q(solved=True)),
        satisfied=Count("pk", filter=called & Q(satisfied=True)),
    )
    return HotlineRates(**totals)

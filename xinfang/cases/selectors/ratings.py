"""The rating status of a case (docs/metrics.md, Satisfaction): the one definition, for one case
and as a query expression. An unrated case is never counted as satisfied.

The status is read from the case's rating and its latest rating window (the `rating` clock that a
reply starts): rated when a rating was given; awaiting while the latest window runs and has not
passed its due date; lapsed when the window is over without a rating (its due date passed, or it
was stopped because the case moved on, e.g. to review); not replied when no window was ever opened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from xinfang.core.timeutil import today

from ..models import Case, Clock

NOT_REPLIED = "not_replied"
AWAITING = "awaiting"
RATED = "rated"
LAPSED = "lapsed"

RATING_STATUS_LABELS = {
    NOT_REPLIED: _("Not replied yet"),
    AWAITING: _("Awaiting rating"),
    RATED: _("Rated"),
    LAPSED: _("Not rated, window over"),
}
# The statuses of a replied case; each replied case is in exactly one.
REPLIED_STATUSES = (AWAITING, RATED, LAPSED)
# Ratings that count as satisfied (满意 and 基本满意).
SATISFIED_RATINGS = ("satisfied", "basically")
RATING_PERIOD = "rating"
WINDOW_OPEN = (Clock.RUNNING, Clock.PAUSED)


@dataclass(frozen=True)
class RatingStatus:
    key: str
    label: str
    due_on: dt.date | None  # the latest window's due date, when there is one


def status_of(*, rating: str, window_status: str | None, window_due: dt.date | None, day) -> str:
    """The rule itself, over plain values (the expression below says the same in SQL)."""
    if rating:
        return RATED
    if window_status is None:
        return NOT_REPLIED
    if window_status in WINDOW_OPEN and window_due is not None and window_due >= day:
        return AWAITING
    return LAPSED


def status_conditions(*, rating: str, window_status: str, window_due: str, day: dt.date):
    """The same rule as (condition, status) pairs over three columns by name, the first that
    holds deciding (LAPSED when none does): read as a CASE by status_expression, as a filter
    by status_q, and by the statistics' frame."""
    return [
        (~Q(**{rating: ""}), RATED),
        (Q(**{f"{window_status}__isnull": True}), NOT_REPLIED),
        (Q(**{f"{window_status}__in": WINDOW_OPEN, f"{window_due}__gte": day}), AWAITING),
    ]


def status_expression(*, rating: str, window_status: str, window_due: str, day: dt.date):
    """The rule as a database expression over three columns (or annotations) by name."""
    conditions = status_conditions(
        rating=rating, window_status=window_status, window_due=window_due, day=day
    )
    # models.Case is SQL CASE WHEN, not the case model.
    return models.Case(
        *(When(q, then=Value(status)) for q, status in conditions),
        default=Value(LAPSED),
        output_field=CharField(),
    )


def status_q(status: str, **columns) -> Q:
    """The rows whose status is `status`, as a filter (the first condition that holds)."""
    q = Q()
    for condition, key in status_conditions(**columns):
        if key == status:
            return q & condition
        q &= ~condition
    return q


def _latest_window():
    return Clock.objects.filter(case=OuterRef("pk"), period=RATING_PERIOD).order_by(
        "-started_on", "-pk"
    )


def with_rating_status(qs: QuerySet[Case], *, on: dt.date | None = None) -> QuerySet[Case]:
    """Annotate `rating_status` (and the latest window's `rating_window_due`) on cases."""
    day = on or today()
    return qs.annotate(
        rating_window_status=Subquery(_latest_window().values("status")[:1]),
        rating_window_due=Subquery(_latest_window().values("due_on")[:1]),
    ).annotate(
        rating_status=status_expression(
            rating="rating",
            window_status="rating_window_status",
            window_due="rating_window_due",
            day=day,
        )
    )


def latest_window(case: Case) -> Clock | None:
    return case.clocks.filter(period=RATING_PERIOD).order_by("-started_on", "-pk").first()


def rating_status(case: Case, *, on: dt.date | None = None) -> RatingStatus:
    window = latest_window(case)
    key = status_of(
        rating=case.rating,
        window_status=window.status if window else None,
        window_due=window.due_on if window else None,
        day=on or today(),
    )
    return RatingStatus(key, str(RATING_STATUS_LABELS[key]), window.due_on if window else None)


__all__ = [
    "AWAITING",
    "LAPSED",
    "NOT_REPLIED",
    "RATED",
    "RATING_STATUS_LABELS",
    "REPLIED_STATUSES",
    "SATISFIED_RATINGS",
    "RatingStatus",
    "rating_status",
    "status_conditions",
    "status_expression",
    "status_q",
    "status_of",
    "with_rating_status",
]

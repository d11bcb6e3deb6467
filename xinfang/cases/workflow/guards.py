"""What a move's guards look at (Context) and the guards themselves. Pure: no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xinfang.core.articles import with_article


@dataclass(frozen=True)
class Context:
    """What guards may look at. Built by services from the case; built by hand in tests."""

    state: str
    today: dt.date
    content_type: str = "appeal"
    channel: str = "web"
    extension_used: bool = False
    extension_requested: bool = False
    hearing_active: bool = False
    rated: str = ""
    # Due dates of running clocks by period key.
    due: dict[str, dt.date] = field(default_factory=dict)
    holder_is_discipline: bool = False
    holder_level: int = 3
    # Whether co-handling bodies work on the case beside the lead body (W24).
    co_handling: bool = False
    # A letter addressed to a leader awaits the leader's instruction (W18).
    letter_pending: bool = False


Guard = Callable[[Context], str | None]


def within_period(period: str, message: str, article: str = "") -> Guard:
    """Refuse once the period is over; `message` may name `article` as %(article)s."""

    def guard(ctx: Context) -> str | None:
        due = ctx.due.get(period)
        if due is None or ctx.today > due:
            return with_article(message, article) if article else str(message)
        return None

    guard.__name__ = f"within_{period}"
    return guard


def window_over_or_rated(ctx: Context) -> str | None:
    for period in ("review_request", "rereview_request"):
        due = ctx.due.get(period)
        if due is not None and ctx.today <= due and ctx.rated not in ("satisfied", "basically"):
            return gettext(
                "The window to ask for review (re-review) is still open and the petitioner has "
                "not said they are satisfied, so the case cannot be closed yet"
            )
    due = ctx.due.get("rating")
    if due is not None and ctx.today <= due and not ctx.rated:
        # An unrated case is reported as unrated, so the petitioner keeps the chance to rate.
        return gettext(
            "The rating window is still open and the petitioner has not rated yet, "
            "so the case cannot be closed yet"
        )
    return None


def not_extended(ctx: Context) -> str | None:
    if ctx.extension_used:
        return with_article(
            gettext(
                "The handling period has already been extended once and cannot be extended "
                "again (%(article)s)"
            ),
            "W34",
        )
    return None


def no_pending_extension(ctx: Context) -> str | None:
    if ctx.extension_requested:
        return gettext("An extension request is already waiting for the head's approval")
    return None


def extension_requested(ctx: Context) -> str | None:
    return None if ctx.extension_requested else _("The handler has not asked for an extension")


def not_rated(ctx: Context) -> str | None:
    return gettext("Already rated") if ctx.rated else None


def hearing_on(ctx: Context) -> str | None:
    return None if ctx.hearing_active else _("No hearing is in progress")


def hearing_off(ctx: Context) -> str | None:
    return gettext("A hearing is in progress") if ctx.hearing_active else None


def supervision_open(ctx: Context) -> str | None:
    return None if "supervision" in ctx.due else _("No supervision notice is awaiting an answer")


def co_handling(ctx: Context) -> str | None:
    return None if ctx.co_handling else _("This case has no co-handling bodies")


def grid_case(ctx: Context) -> str | None:
    if ctx.channel != "grid":
        return gettext("Only grid reports go up level by level")
    if ctx.holder_level <= 3:
        return gettext("Already at county level; it cannot go up further")
    return None


def report_needs_discipline(ctx: Context) -> str | None:
    # W22, W28: reports of misconduct are handled by discipline inspection bodies.
    if ctx.content_type == "report" and not ctx.holder_is_discipline:
        return gettext("Reports of misconduct are accepted by discipline inspection bodies")
    return None


def running(period: str, message) -> Guard:
    """The move answers a clock that must be running (a report or a carrying out still owed)."""

    def guard(ctx: Context) -> str | None:
        return None if period in ctx.due else str(message)

    guard.__name__ = f"running_{period}"
    return guard


def letter_pending(ctx: Context) -> str | None:
    return None if ctx.letter_pending else gettext("No letter awaits an instruction")

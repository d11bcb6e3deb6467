"""Moves after the reply: rating, review, re-review, hearings, closing (W22, W35, W36)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import guards as g
from . import inputs as i
from .moves import CASE_PAGE, NO_MESSAGE, PORTAL, Move
from .routing import Note
from .vocabulary import (
    ANSWERED,
    AT_OFFICE,
    BODY_STAFF,
    DECISIONS,
    INTAKE,
    PETITIONER,
    RATINGS,
    SYSTEM,
    S,
)

CITIZEN_AND_DESK = frozenset({PORTAL, CASE_PAGE})


@dataclass(frozen=True)
class Rate:
    rating: str = i.choice(_("Rating"), RATINGS)
    comment: str = i.text(_("Comment"), required=False, rows=2)


@dataclass(frozen=True)
class Reasons:
    reasons: str = i.text(_("Reasons"))


@dataclass(frozen=True)
class ScheduleHearing:
    held_on: str = i.date(_("Hearing date"))
    place: str = i.line(_("Hearing place"))
    host: str = i.line(_("Host"))
    panel: str = i.text(
        _("Panel"),
        rows=4,
        help=_("One member a line with their role: lawyer, deputy, neighbour, and so on."),
    )
    note: str = i.text(_("Note"), required=False, rows=2)


@dataclass(frozen=True)
class EndHearing:
    minutes: str = i.text(_("Minutes of the hearing"), rows=6)
    conclusion: str = i.text(_("Conclusion of the hearing"), rows=3)


# A hearing may be held while handling (W31), in review (W35) and in re-review (W36); only
# re-review's period does not count its time (the period's `pausable`).
HEARING_STAGES = frozenset({S.ACCEPTED, S.UNDER_REVIEW, S.UNDER_REREVIEW})


@dataclass(frozen=True)
class DecideStage:
    decision: str = i.choice(_("Decision"), DECISIONS)
    opinion: str = i.text(_("Opinion"))


MOVES = (
    Move(
        "rate",
        _("Rate"),
        ANSWERED,
        None,
        frozenset({PETITIONER}),
        "W22",
        stops=("rating",),
        guards=(g.not_rated, g.within_period("rating", _("The rating window has passed"))),
        inputs=Rate,
        citizen_words=_("You rated the answer."),
        message=NO_MESSAGE,
        pages=frozenset({PORTAL}),
    ),
    Move(
        "request_review",
        _("Ask for review"),
        frozenset({S.REPLIED}),
        S.UNDER_REVIEW,
        frozenset({PETITIONER, INTAKE}),
        "W35",
        AT_OFFICE,
        starts=("review_decide",),
        stops=("review_request", "rating"),
        guards=(
            g.within_period(
                "review_request",
                _(
                    "More than 30 days have passed since the decision was received; "
                    "review can no longer be requested (%(article)s)"
                ),
                "W35",
            ),
        ),
        inputs=Reasons,
        citizen_words=_("You asked for a review by the higher body."),
        message=NO_MESSAGE,
        pages=CITIZEN_AND_DESK,
    ),
    Move(
        "decide_review",
        _("Decide the review"),
        frozenset({S.UNDER_REVIEW}),
        S.REVIEW_DECIDED,
        BODY_STAFF,
        "W35",
        starts=("rereview_request", "rating"),
        starts_if_supported=("carry_out",),
        stops=("review_decide", "carry_out"),
        notice="review_opinion",
        guards=(g.hearing_off,),
        inputs=DecideStage,
        citizen_words=_("The review was decided."),
        message="review_decided",
    ),
    Move(
        "request_rereview",
        _("Ask for re-review"),
        frozenset({S.REVIEW_DECIDED}),
        S.UNDER_REREVIEW,
        frozenset({PETITIONER, INTAKE}),
        "W36",
        AT_OFFICE,
        starts=("rereview_decide",),
        stops=("rereview_request", "rating"),
        guards=(
            g.within_period(
                "rereview_request",
                _(
                    "More than 30 days have passed since the review decision was received; "
                    "re-review can no longer be requested (%(article)s)"
                ),
                "W36",
            ),
        ),
        inputs=Reasons,
        citizen_words=_("You asked for a re-review."),
        message=NO_MESSAGE,
        pages=CITIZEN_AND_DESK,
    ),
    Move(
        "start_hearing",
        _("Hold a hearing"),
        HEARING_STAGES,
        None,
        BODY_STAFF,
        "W31/W35/W36",
        guards=(g.hearing_off,),
        notice="hearing_notice",
        inputs=ScheduleHearing,
        citizen_words=_("A hearing was called; the hearing notice says when and where."),
        message=NO_MESSAGE,
    ),
    Move(
        "end_hearing",
        _("End the hearing"),
        HEARING_STAGES,
        None,
        BODY_STAFF,
        "W31/W35/W36",
        guards=(g.hearing_on,),
        inputs=EndHearing,
        citizen_words=_("The hearing ended."),
        message=NO_MESSAGE,
    ),
    Move(
        "decide_rereview",
        _("Decide the re-review"),
        frozenset({S.UNDER_REREVIEW}),
        S.FINAL,
        BODY_STAFF,
        "W36",
        stops=("rereview_decide", "carry_out"),
        starts=("rating",),
        starts_if_supported=("carry_out",),
        notice="rereview_opinion",
        guards=(g.hearing_off,),
        inputs=DecideStage,
        citizen_words=_("The re-review was decided; the matter is now final."),
        message="rereview_decided",
    ),
    Move(
        "close",
        _("Close and file"),
        ANSWERED,
        S.CLOSED,
        BODY_STAFF | {INTAKE, SYSTEM},
        "W22/W36",
        AT_OFFICE,
        stops=("review_request", "rereview_request", "rating", "supervision"),
        guards=(g.window_over_or_rated,),
        inputs=Note,
        citizen_words=_("The case was closed."),
        message=NO_MESSAGE,
    ),
)

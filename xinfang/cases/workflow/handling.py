"""Moves of handling (W24, W32-W34), with their inputs."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..deadlines import STATUTORY_MAX_EXTENSION as MAX_EXTENSION_DAYS
from . import guards as g
from . import inputs as i
from .moves import Move
from .routing import Reason
from .vocabulary import AT_CO_HANDLER, AT_OFFICE, BODY_STAFF, DECISIONS, HANDLING, HEAD, INTAKE, S


@dataclass(frozen=True)
class Mediate:
    agreement: str = i.text(_("Mediation agreement"))


@dataclass(frozen=True)
class RequestExtension:
    days: int = i.count(_("Days of extension"), minimum=1, maximum=MAX_EXTENSION_DAYS)
    reason: str = i.text(_("Reason"))


@dataclass(frozen=True)
class Extend:
    days: int | None = i.count(
        _("Days of extension"),
        minimum=1,
        maximum=MAX_EXTENSION_DAYS,
        required=False,
        help=_("Leave empty to approve the days the handler asked for."),
    )
    reason: str = i.text(_("Reason"), required=False)


@dataclass(frozen=True)
class Decide:
    decision: str = i.choice(_("Decision"), DECISIONS)
    facts: str = i.text(_("Facts found"))
    reasons: str = i.text(_("Reasons"))
    basis: str = i.text(_("Legal basis"), required=False)
    request: str = i.text(
        _("The petitioner's request"),
        required=False,
        help=_("Leave empty to use the title of the petition."),
    )


@dataclass(frozen=True)
class AddCoHandler:
    body: int = i.body(_("Co-handling body"))
    part: str = i.text(_("Its part of the work"))


@dataclass(frozen=True)
class Answer:
    answer: str = i.text(_("Answer"))


MOVES = (
    Move(
        "mediate",
        _("Close by mediation"),
        frozenset({S.ACCEPTED}),
        S.MEDIATED,
        BODY_STAFF,
        "W33",
        stops=("handle", "result_report", "proposal_feedback"),
        starts=("rating",),
        notice="mediation_agreement",
        inputs=Mediate,
        citizen_words=_("Settled by mediation."),
        message="mediated",
    ),
    Move(
        "request_extension",
        _("Ask for an extension"),
        frozenset({S.ACCEPTED}),
        None,
        BODY_STAFF,
        "W34",
        citizen_visible=False,
        guards=(g.not_extended, g.no_pending_extension),
        inputs=RequestExtension,
    ),
    Move(
        "refuse_extension",
        _("Refuse the extension"),
        frozenset({S.ACCEPTED}),
        None,
        frozenset({HEAD}),
        "W34",
        citizen_visible=False,
        guards=(g.extension_requested,),
        inputs=Reason,
    ),
    Move(
        "extend",
        _("Approve the extension"),
        frozenset({S.ACCEPTED}),
        None,
        frozenset({HEAD}),
        "W34",
        notice="extension_notice",
        guards=(g.not_extended, g.extension_requested),
        inputs=Extend,
        citizen_words=_("The time for handling was extended once."),
        message="extended",
    ),
    Move(
        "decide",
        _("Draft a decision"),
        frozenset({S.ACCEPTED}),
        S.DECIDED,
        BODY_STAFF,
        "W32",
        citizen_visible=False,
        inputs=Decide,
    ),
    Move(
        "return_draft",
        _("Return for changes"),
        frozenset({S.DECIDED}),
        S.ACCEPTED,
        frozenset({HEAD}),
        "W32",
        citizen_visible=False,
        inputs=Reason,
    ),
    Move(
        "reply",
        _("Sign and send the reply"),
        frozenset({S.DECIDED}),
        S.REPLIED,
        frozenset({HEAD}),
        "W32/W34",
        starts=("review_request", "rating"),
        stops=("handle", "result_report", "proposal_feedback"),
        notice="reply_opinion",
        citizen_words=_("A written reply was issued."),
        message="replied",
    ),
    # Joint handling: a lead body plus co-handling bodies, each with its part (W24).
    Move(
        "add_co_handler",
        _("Add a co-handling body"),
        HANDLING,
        None,
        BODY_STAFF | {INTAKE},
        "W24",
        AT_OFFICE,
        citizen_visible=False,
        inputs=AddCoHandler,
    ),
    Move(
        "answer_co_handling",
        _("Co-handling answer"),
        HANDLING,
        None,
        BODY_STAFF,
        "W24",
        AT_CO_HANDLER,
        citizen_visible=False,
        guards=(g.co_handling,),
        inputs=Answer,
    ),
)

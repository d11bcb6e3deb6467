"""Moves of handling (W24, W32-W34), with their inputs."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..deadlines import STATUTORY_MAX_EXTENSION as MAX_EXTENSION_DAYS
from . import guards as g
from . import inputs as i
from .moves import NO_MESSAGE, Move
from .routing import Reason
from .vocabulary import (
    AT_CO_HANDLER,
    AT_OFFICE,
    BODY_STAFF,
    DECISIONS,
    HANDLER,
    HANDLING,
    HEAD,
    IN_SCOPE,
    INTAKE,
    LEADER,
    OPEN,
    SUPERVISOR,
    S,
)

# Where a supported decision may still be carried out, and a result report made.
AFTER_REPLY = frozenset({S.REPLIED, S.MEDIATED, S.REVIEW_DECIDED, S.FINAL})


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


@dataclass(frozen=True)
class RecordHearing:
    held_on: str = i.date(_("Held on"), past=True)
    participants: str = i.text(_("Participants"), rows=2)
    summary: str = i.text(_("What the hearing found"), rows=4)


@dataclass(frozen=True)
class ReportResult:
    note: str = i.text(
        _("How it was handled"),
        required=False,
        help=_("Added to the report; the decision, facts and reasons are taken from the case."),
    )


@dataclass(frozen=True)
class CarryOut:
    account: str = i.text(_("What was done to carry it out"), rows=3)


@dataclass(frozen=True)
class Recuse:
    reason: str = i.text(_("The direct interest"), rows=2)
    person: int | None = i.person(
        _("Member of staff"),
        HANDLER,
        required=False,
        help=_("Leave empty if you recuse yourself."),
    )


MOVES = (
    Move(
        "mediate",
        _("Close by mediation"),
        frozenset({S.ACCEPTED}),
        S.MEDIATED,
        BODY_STAFF,
        "W33",
        stops=("handle", "proposal_feedback"),
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
        guards=(g.hearing_off,),
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
        starts_if_supported=("carry_out",),
        stops=("handle", "proposal_feedback"),
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
    # A hearing while handling (W31). Only re-review leaves hearing time out of its limit (W36):
    # the 60-day handling limit keeps running.
    Move(
        "record_hearing",
        _("Record a hearing"),
        frozenset({S.ACCEPTED}),
        None,
        BODY_STAFF,
        "W31",
        inputs=RecordHearing,
        citizen_words=_("A hearing was held on the matter."),
        message=NO_MESSAGE,
    ),
    # 交办: the body reports the result to the office that assigned the case (W22).
    Move(
        "report_result",
        _("Send the result report"),
        frozenset({S.REPLIED, S.MEDIATED}),
        None,
        BODY_STAFF,
        "W22",
        stops=("result_report",),
        notice="result_report",
        citizen_visible=False,
        guards=(g.running("result_report", _("No result report is owed on this case")),),
        inputs=ReportResult,
    ),
    # W32: a supported decision is carried out; not doing so is a ground for supervision (W40).
    Move(
        "record_carried_out",
        _("Record that the decision was carried out"),
        AFTER_REPLY,
        None,
        BODY_STAFF,
        "W32",
        AT_OFFICE,
        stops=("carry_out",),
        guards=(g.running("carry_out", _("No supported decision is waiting to be carried out")),),
        inputs=CarryOut,
        citizen_words=_("The decision supporting your request was carried out."),
        message=NO_MESSAGE,
    ),
    # W28: staff with a direct interest in the matter step aside; they can no longer act on it.
    Move(
        "recuse",
        _("Recuse from the case"),
        OPEN,
        None,
        BODY_STAFF | {INTAKE, SUPERVISOR, LEADER},
        "W28",
        IN_SCOPE,
        citizen_visible=False,
        inputs=Recuse,
    ),
)

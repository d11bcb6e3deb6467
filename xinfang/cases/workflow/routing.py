"""Moves of sorting and routing (W19, W22-W24, W31, W36), with their inputs."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import guards as g
from . import inputs as i
from .moves import CASE_PAGE, NO_MESSAGE, ROUTE_PAGE, Move
from .vocabulary import (
    AT_OFFICE,
    AT_SENDER,
    BODY_STAFF,
    HANDLER,
    INTAKE,
    LEGAL_CHANNELS,
    RECEIVED,
    ROUTING,
    STAFF_ROUTERS,
    S,
)

ROUTE_PAGES = frozenset({CASE_PAGE, ROUTE_PAGE})


@dataclass(frozen=True)
class Reason:
    reason: str = i.text(_("Reason"))


@dataclass(frozen=True)
class Note:
    note: str = i.text(_("Note"), required=False, rows=2)


@dataclass(frozen=True)
class Transfer:
    body: int = i.body(_("Responsible body"))
    note: str = i.text(_("Note"), required=False, rows=2)


@dataclass(frozen=True)
class Assign:
    body: int = i.body(_("Responsible body"))
    report_due: str = i.date(
        _("Result report due"),
        required=False,
        help=_("Leave empty for the default period of the result report."),
    )
    note: str = i.text(_("Note"), required=False, rows=2)


@dataclass(frozen=True)
class Accept:
    handler: int = i.person(_("Handler"), HANDLER, required=False)
    note: str = i.text(_("Note"), required=False, rows=2)


@dataclass(frozen=True)
class NotReaccept:
    reason: str = i.text(_("Reason"))
    final_case: str = i.line(
        _("Number of the case decided on re-review"), required=False, max_length=40
    )


@dataclass(frozen=True)
class Redirect:
    legal_channel: str = i.choice(_("Statutory channel"), LEGAL_CHANNELS)
    reason: str = i.text(_("Reason"), required=False, rows=2)


@dataclass(frozen=True)
class MergeRepeat:
    into: str = i.line(_("Number of the case it repeats"), max_length=40)
    reason: str = i.line(_("Reason"), required=False)


MOVES = (
    Move(
        "transfer",
        _("Transfer"),
        ROUTING,
        S.TRANSFERRED,
        STAFF_ROUTERS,
        "W22",
        AT_OFFICE,
        starts=("accept_notice", "remit_objection"),
        stops=("route",),
        notice="transfer_slip",
        inputs=Transfer,
        citizen_words=_("Sent to the body responsible for it."),
        message="routed",
        pages=ROUTE_PAGES,
    ),
    Move(
        "assign",
        _("Assign to a body"),
        ROUTING,
        S.TRANSFERRED,
        STAFF_ROUTERS,
        "W22",
        AT_OFFICE,
        starts=("accept_notice", "remit_objection", "result_report"),
        stops=("route",),
        notice="assign_slip",
        inputs=Assign,
        citizen_words=_("Assigned to the body responsible for it, which must report the result."),
        message="routed",
        pages=ROUTE_PAGES,
    ),
    Move(
        "object_remit",
        _("Object to jurisdiction"),
        frozenset({S.TRANSFERRED}),
        S.REMIT_OBJECTED,
        BODY_STAFF,
        "W23",
        stops=("remit_objection",),
        citizen_visible=False,
        guards=(
            g.within_period(
                "remit_objection",
                _("The 5-working-day window for objections has passed (%(article)s)"),
                "W23",
            ),
        ),
        inputs=Reason,
    ),
    Move(
        "agree_return",
        _("Agree to take back"),
        frozenset({S.REMIT_OBJECTED}),
        S.REGISTERED,
        STAFF_ROUTERS,
        "W23",
        AT_SENDER,
        starts=("route",),
        stops=("accept_notice",),
        citizen_visible=False,
        inputs=Note,
    ),
    Move(
        "reject_objection",
        _("Refuse to take back"),
        frozenset({S.REMIT_OBJECTED}),
        S.TRANSFERRED,
        STAFF_ROUTERS,
        "W23/W24",
        AT_SENDER,
        citizen_visible=False,
        inputs=Reason,
    ),
    Move(
        "accept",
        _("Accept"),
        RECEIVED,
        S.ACCEPTED,
        BODY_STAFF,
        "W23/W31",
        starts=("handle",),
        stops=("route", "accept_notice", "remit_objection"),
        notice="acceptance_notice",
        guards=(g.report_needs_discipline,),
        inputs=Accept,
        citizen_words=_("Accepted: the responsible body is looking into it."),
        message="accepted",
    ),
    Move(
        "decline",
        _("Not accepted"),
        RECEIVED,
        S.NOT_ACCEPTED,
        BODY_STAFF | {INTAKE},
        "W19/W23",
        AT_OFFICE,
        stops=("route", "accept_notice", "remit_objection"),
        notice="non_acceptance_notice",
        inputs=Reason,
        citizen_words=_("Not accepted. The notice explains why."),
        message="declined",
        pages=ROUTE_PAGES,
    ),
    Move(
        "not_reaccept",
        _("Do not accept again"),
        ROUTING,
        S.NOT_ACCEPTED,
        BODY_STAFF | {INTAKE},
        "W36",
        AT_OFFICE,
        stops=("route",),
        notice="non_reacceptance_notice",
        inputs=NotReaccept,
        citizen_words=_("Not accepted again: the matter was already finally decided."),
        message="not_reaccepted",
    ),
    Move(
        "redirect_to_legal_channel",
        _("Redirect to a statutory channel"),
        RECEIVED,
        S.REDIRECTED,
        BODY_STAFF | {INTAKE},
        "W31",
        AT_OFFICE,
        stops=("route", "accept_notice", "remit_objection"),
        notice="legal_channel_notice",
        inputs=Redirect,
        citizen_words=_("It belongs to a legal channel (court, arbitration, etc.)."),
        message="redirected",
        pages=ROUTE_PAGES,
    ),
    Move(
        "merge_repeat",
        _("Merge as a repeat"),
        RECEIVED,
        S.MERGED,
        STAFF_ROUTERS | {HANDLER},
        "W21/W22",
        AT_OFFICE,
        stops=("route", "accept_notice", "remit_objection"),
        inputs=MergeRepeat,
        citizen_words=_("Handled together with your earlier petition on the same matter."),
        message=NO_MESSAGE,
        pages=ROUTE_PAGES,
    ),
)

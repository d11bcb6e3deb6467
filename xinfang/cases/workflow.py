"""The case state machine, declared once as data (STATUTE.md). Pure: no database.

The move table is what services enforce, what draws the action buttons and what the API accepts.
Articles: W = 信访工作条例 (2022), X = 信访条例 (2005, configurable defaults).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xinfang.core.errors import MoveNotAllowed, PermissionDenied


class S:
    REGISTERED = "registered"
    TRANSFERRED = "transferred"
    REMIT_OBJECTED = "remit_objected"
    ACCEPTED = "accepted"
    DECIDED = "decided"
    REPLIED = "replied"
    MEDIATED = "mediated"
    UNDER_REVIEW = "under_review"
    REVIEW_DECIDED = "review_decided"
    UNDER_REREVIEW = "under_rereview"
    FINAL = "final"
    NOT_ACCEPTED = "not_accepted"
    REDIRECTED = "redirected"
    MERGED = "merged"
    CLOSED = "closed"


# Labels are lazy: they are read in the language of whoever looks, never stored.
STATE_LABELS: dict[str, str] = {
    S.REGISTERED: _("Newly registered"),
    S.TRANSFERRED: _("Transferred or assigned"),
    S.REMIT_OBJECTED: _("Jurisdiction objection pending"),
    S.ACCEPTED: _("Accepted, being handled"),
    S.DECIDED: _("Decision awaiting sign-off"),
    S.REPLIED: _("Replied"),
    S.MEDIATED: _("Mediated"),
    S.UNDER_REVIEW: _("Under review"),
    S.REVIEW_DECIDED: _("Reviewed"),
    S.UNDER_REREVIEW: _("Under re-review"),
    S.FINAL: _("Final after re-review"),
    S.NOT_ACCEPTED: _("Not accepted"),
    S.REDIRECTED: _("Redirected to a statutory channel"),
    S.MERGED: _("Merged"),
    S.CLOSED: _("Closed"),
}
STATES = tuple(STATE_LABELS)
TERMINAL = frozenset({S.NOT_ACCEPTED, S.REDIRECTED, S.MERGED, S.CLOSED})
OPEN = frozenset(STATES) - TERMINAL

# Pseudo-roles beside the staff roles of orgs.Role.
PETITIONER = "petitioner"
SYSTEM = "system"

INTAKE = "intake_clerk"
HANDLER = "handler"
HEAD = "head"
SUPERVISOR = "supervisor"
LEADER = "leader"
GRID = "grid_worker"

# Who must hold the role: at the case's holder body, at the body that sent it, anywhere whose
# scope covers the holder, or at the holder or a petition office above it.
AT_HOLDER = "holder"
AT_SENDER = "sender"
IN_SCOPE = "scope"
AT_OFFICE = "office"
# Staff of a body handling its own part of a case beside the lead body (W24).
AT_CO_HANDLER = "co_handler"

CONTENT_TYPES = {
    "suggestion": _("Suggestion or opinion"),
    "report": _("Report of misconduct"),
    "appeal": _("Request or complaint"),
}
DECISIONS = {"support": _("Supported"), "explain": _("Explained"), "reject": _("Not supported")}
RATINGS = {
    "satisfied": _("Satisfied"),
    "basically": _("Basically satisfied"),
    "unsatisfied": _("Not satisfied"),
}
LEADER_LEVELS = {"A": _("Level A"), "B": _("Level B"), "C": _("Level C")}
CHANNELS = {
    "web": _("Online"),
    "mobile": _("Mobile"),
    "letter": _("Letter"),
    "visit": _("Visit"),
    "phone": _("Phone call"),
    "fax": _("Fax"),
    "video": _("Video"),
    "grid": _("Grid report"),
    "hotline": _("12345 hotline transfer"),
}
LEGAL_CHANNELS = {
    "litigation": _("Litigation"),
    "arbitration": _("Arbitration"),
    "party_appeal": _("Party appeal"),
    "reconsideration": _("Administrative reconsideration"),
    "ruling": _("Administrative ruling"),
    "confirmation": _("Administrative confirmation"),
    "licensing": _("Administrative licensing"),
    "penalty": _("Administrative penalty"),
    "duty": _("Handling by the competent authority"),
}


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


Guard = Callable[[Context], str | None]


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: an overlay that leaves the state as it is
    roles: frozenset[str]
    article: str
    acting: str = AT_HOLDER
    starts: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()
    notice: str | None = None
    citizen_visible: bool = True
    guards: tuple[Guard, ...] = ()

    def allowed_from(self, state: str) -> bool:
        return state in self.sources


def _within(period: str, message: str) -> Guard:
    def guard(ctx: Context) -> str | None:
        due = ctx.due.get(period)
        if due is None or ctx.today > due:
            return str(message)
        return None

    guard.__name__ = f"within_{period}"
    return guard


def _window_over_or_rated(ctx: Context) -> str | None:
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


def _not_extended(ctx: Context) -> str | None:
    if ctx.extension_used:
        return gettext(
            "The handling period has already been extended once and cannot be extended again (W34)"
        )
    return None


def _no_pending_extension(ctx: Context) -> str | None:
    if ctx.extension_requested:
        return gettext("An extension request is already waiting for the head's approval")
    return None


def _extension_requested(ctx: Context) -> str | None:
    return None if ctx.extension_requested else _("The handler has not asked for an extension")


def _not_rated(ctx: Context) -> str | None:
    return gettext("Already rated") if ctx.rated else None


def _hearing_on(ctx: Context) -> str | None:
    return None if ctx.hearing_active else _("No hearing is in progress")


def _hearing_off(ctx: Context) -> str | None:
    return gettext("A hearing is in progress") if ctx.hearing_active else None


def _supervision_open(ctx: Context) -> str | None:
    return None if "supervision" in ctx.due else _("No supervision notice is awaiting an answer")


def _co_handling(ctx: Context) -> str | None:
    return None if ctx.co_handling else _("This case has no co-handling bodies")


def _grid_case(ctx: Context) -> str | None:
    if ctx.channel != "grid":
        return gettext("Only grid reports go up level by level")
    if ctx.holder_level <= 3:
        return gettext("Already at county level; it cannot go up further")
    return None


def _report_needs_discipline(ctx: Context) -> str | None:
    # W22, W28: reports of misconduct are handled by discipline inspection bodies.
    if ctx.content_type == "report" and not ctx.holder_is_discipline:
        return gettext("Reports of misconduct are accepted by discipline inspection bodies")
    return None


ROUTING = frozenset({S.REGISTERED})
# Where a lead body and co-handling bodies may work together (W24).
HANDLING = frozenset({S.TRANSFERRED, S.ACCEPTED, S.UNDER_REVIEW, S.UNDER_REREVIEW})
RECEIVED = frozenset({S.REGISTERED, S.TRANSFERRED})
ANSWERED = frozenset({S.REPLIED, S.MEDIATED, S.REVIEW_DECIDED, S.FINAL})
STAFF_ROUTERS = frozenset({INTAKE, HEAD})
BODY_STAFF = frozenset({HANDLER, HEAD})

MOVES: dict[str, Move] = {
    m.name: m
    for m in [
        # Sorting and routing.
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
                _within(
                    "remit_objection", _("The 5-working-day window for objections has passed (W23)")
                ),
            ),
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
            guards=(_report_needs_discipline,),
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
        ),
        # Handling.
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
        ),
        Move(
            "request_extension",
            _("Ask for an extension"),
            frozenset({S.ACCEPTED}),
            None,
            BODY_STAFF,
            "W34",
            citizen_visible=False,
            guards=(_not_extended, _no_pending_extension),
        ),
        Move(
            "refuse_extension",
            _("Refuse the extension"),
            frozenset({S.ACCEPTED}),
            None,
            frozenset({HEAD}),
            "W34",
            citizen_visible=False,
            guards=(_extension_requested,),
        ),
        Move(
            "extend",
            _("Approve the extension"),
            frozenset({S.ACCEPTED}),
            None,
            frozenset({HEAD}),
            "W34",
            notice="extension_notice",
            guards=(_not_extended, _extension_requested),
        ),
        Move(
            "decide",
            _("Draft a decision"),
            frozenset({S.ACCEPTED}),
            S.DECIDED,
            BODY_STAFF,
            "W32",
            citizen_visible=False,
        ),
        Move(
            "return_draft",
            _("Return for changes"),
            frozenset({S.DECIDED}),
            S.ACCEPTED,
            frozenset({HEAD}),
            "W32",
            citizen_visible=False,
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
            guards=(_co_handling,),
        ),
        # After the reply.
        Move(
            "rate",
            _("Rate"),
            ANSWERED,
            None,
            frozenset({PETITIONER}),
            "W22",
            AT_HOLDER,
            stops=("rating",),
            guards=(_not_rated, _within("rating", _("The rating window has passed"))),
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
                _within(
                    "review_request",
                    _(
                        "More than 30 days have passed since the decision was received; "
                        "review can no longer be requested (W35)"
                    ),
                ),
            ),
        ),
        Move(
            "decide_review",
            _("Decide the review"),
            frozenset({S.UNDER_REVIEW}),
            S.REVIEW_DECIDED,
            BODY_STAFF,
            "W35",
            starts=("rereview_request", "rating"),
            stops=("review_decide",),
            notice="review_opinion",
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
                _within(
                    "rereview_request",
                    _(
                        "More than 30 days have passed since the review decision was received; "
                        "re-review can no longer be requested (W36)"
                    ),
                ),
            ),
        ),
        Move(
            "start_hearing",
            _("Hold a hearing"),
            frozenset({S.UNDER_REREVIEW}),
            None,
            BODY_STAFF,
            "W36",
            guards=(_hearing_off,),
        ),
        Move(
            "end_hearing",
            _("End the hearing"),
            frozenset({S.UNDER_REREVIEW}),
            None,
            BODY_STAFF,
            "W36",
            guards=(_hearing_on,),
        ),
        Move(
            "decide_rereview",
            _("Decide the re-review"),
            frozenset({S.UNDER_REREVIEW}),
            S.FINAL,
            BODY_STAFF,
            "W36",
            stops=("rereview_decide",),
            starts=("rating",),
            notice="rereview_opinion",
            guards=(_hearing_off,),
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
            guards=(_window_over_or_rated,),
        ),
        # Overlays and escalation.
        Move(
            "supervise",
            _("Supervise"),
            OPEN,
            None,
            frozenset({SUPERVISOR}),
            "W40/X36",
            IN_SCOPE,
            starts=("supervision",),
            notice="supervision_notice",
            citizen_visible=False,
        ),
        Move(
            "answer_supervision",
            _("Answer supervision"),
            OPEN,
            None,
            BODY_STAFF,
            "W40",
            stops=("supervision",),
            citizen_visible=False,
            guards=(_supervision_open,),
        ),
        Move(
            "list_supervision",
            _("List for supervision"),
            OPEN,
            None,
            frozenset({SUPERVISOR, LEADER}),
            "W39",
            IN_SCOPE,
            citizen_visible=False,
        ),
        Move(
            "assign_leader",
            _("Leader ownership"),
            OPEN,
            None,
            frozenset({SUPERVISOR, LEADER}),
            "W18",
            IN_SCOPE,
            citizen_visible=False,
        ),
        Move(
            "escalate",
            _("Escalate to a leader"),
            OPEN,
            None,
            frozenset({SUPERVISOR}),
            "W40",
            IN_SCOPE,
            citizen_visible=False,
        ),
        Move(
            "escalate_grid",
            _("Report up a level"),
            ROUTING,
            None,
            frozenset({GRID, HANDLER, HEAD}),
            "W17 (grid)",
            guards=(_grid_case,),
        ),
    ]
}

# Registration is the move that creates a case; it has no source state.
REGISTER_ROLES = frozenset({INTAKE, HANDLER, HEAD, GRID, PETITIONER})


def moves_from(state: str) -> list[Move]:
    return [m for m in MOVES.values() if m.allowed_from(state)]


def get_move(name: str) -> Move:
    try:
        return MOVES[name]
    except KeyError:
        raise MoveNotAllowed(
            gettext("Unknown move: %(name)s") % {"name": name}, code="unknown_move"
        ) from None


def guard_failures(move: Move, ctx: Context) -> list[str]:
    return [msg for g in move.guards if (msg := g(ctx))]


def check(move: Move, ctx: Context, roles: set[str] | frozenset[str]) -> None:
    """Raise unless `roles` may make `move` now. Roles are those the actor holds for this case."""
    if not roles & move.roles:
        raise PermissionDenied(gettext("You may not do “%(move)s”") % {"move": move.label})
    if not move.allowed_from(ctx.state):
        raise MoveNotAllowed(
            gettext("The case is “%(state)s”, so “%(move)s” is not possible now")
            % {"state": STATE_LABELS.get(ctx.state, ctx.state), "move": move.label}
        )
    failures = guard_failures(move, ctx)
    if failures:
        raise MoveNotAllowed(failures[0], code="guard_failed")


def available(ctx: Context, roles: set[str] | frozenset[str]) -> list[Move]:
    """The moves these roles may make now: what the pages draw and the API lists."""
    return [m for m in moves_from(ctx.state) if roles & m.roles and not guard_failures(m, ctx)]

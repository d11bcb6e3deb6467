"""The words of the workflow: states, roles, content types, decisions, channels. Pure data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


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
    # 咨询: answered directly, on its own short clock, counted apart from petitions.
    "consultation": _("Consultation"),
}
CONSULTATION = "consultation"
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
    "agent": _("Filed by a village agent"),
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

ROUTING = frozenset({S.REGISTERED})
# Where a lead body and co-handling bodies may work together (W24).
HANDLING = frozenset({S.TRANSFERRED, S.ACCEPTED, S.UNDER_REVIEW, S.UNDER_REREVIEW})
RECEIVED = frozenset({S.REGISTERED, S.TRANSFERRED})
ANSWERED = frozenset({S.REPLIED, S.MEDIATED, S.REVIEW_DECIDED, S.FINAL})
STAFF_ROUTERS = frozenset({INTAKE, HEAD})
BODY_STAFF = frozenset({HANDLER, HEAD})
# Registration creates a case; who may register at a body.
REGISTER_ROLES = frozenset({INTAKE, HANDLER, HEAD, GRID, PETITIONER})

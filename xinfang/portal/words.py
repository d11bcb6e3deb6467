"""Plain words for the citizen: what each step of the timeline and each due date means."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The citizen's own windows: past their date they are closed, not "overdue" (one list, in cases).
from xinfang.cases.selectors import CITIZEN_WINDOWS  # noqa: F401  (re-exported for the views)

EVENT_WORDS = {
    "register": _("Your petition was received and registered."),
    "transfer": _("Sent to the body responsible for it."),
    "assign": _("Assigned to the body responsible for it, which must report the result."),
    "accept": _("Accepted: the responsible body is looking into it."),
    "decline": _("Not accepted. The notice explains why."),
    "not_reaccept": _("Not accepted again: the matter was already finally decided."),
    "redirect_to_legal_channel": _("It belongs to a legal channel (court, arbitration, etc.)."),
    "merge_repeat": _("Handled together with your earlier petition on the same matter."),
    "mediate": _("Settled by mediation."),
    "extend": _("The time for handling was extended once."),
    "reply": _("A written reply was issued."),
    "rate": _("You rated the answer."),
    "request_review": _("You asked for a review by the higher body."),
    "decide_review": _("The review was decided."),
    "request_rereview": _("You asked for a re-review."),
    "start_hearing": _("A hearing is being held (it does not count against the time limit)."),
    "end_hearing": _("The hearing ended."),
    "decide_rereview": _("The re-review was decided; the matter is now final."),
    "close": _("The case was closed."),
}

# Only the dates that concern the citizen; internal ones (objection, supervision) stay on the desk.
CLOCK_WORDS = {
    "route": _("Sorted and sent on by"),
    "accept_notice": _("You are told whether it is accepted by"),
    "handle": _("Handled and answered by"),
    "review_request": _("You may ask for a review until"),
    "review_decide": _("Review decided by"),
    "rereview_request": _("You may ask for a re-review until"),
    "rereview_decide": _("Re-review decided by"),
    "rating": _("You may rate the answer until"),
    "proposal_feedback": _("Feedback on your suggestion by"),
}

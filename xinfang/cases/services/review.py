"""After the reply: rating, review and re-review, hearings, closing (W22, W35, W36)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xinfang.core.errors import (
    InvalidInput,
)
from xinfang.core.selectors import work_calendar
from xinfang.orgs.models import Body

from .. import workflow
from ..models import Case
from ..selectors import periods
from .clocks import pause_clocks, resume_clocks
from .engine import performs, require_text, transition


@performs("rate")
def rate(
    *, case, actor, rating: str, comment: str = "", expected_version: int | None = None
) -> Case:
    if rating not in workflow.RATINGS:
        raise InvalidInput(
            _("Choose satisfied, basically satisfied or not satisfied"),
            fields={"rating": [_("Choose a rating")]},
        )

    def apply(c: Case, day):
        c.rating = rating
        c.rating_comment = comment.strip()
        # Kept with the rating: a later rating of the next answer replaces the case's field.
        return {"rating": rating, "comment": c.rating_comment}

    return transition(
        "rate", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def _superior_of(body: Body) -> Body:
    if body.parent is None or not body.parent.is_active:
        raise InvalidInput(
            _("%(body)s has no superior body configured, so review cannot be requested")
            % {"body": body.name},
            code="no_superior",
        )
    return body.parent


@performs("request_review")
def request_review(*, case, actor, reasons: str, expected_version: int | None = None) -> Case:
    """Review by the superior of the deciding body, within 30 days of the reply (W35)."""
    reasons = require_text(reasons, "reasons", _("Give the reason for asking for review"))

    def apply(c: Case, day):
        superior = _superior_of(c.holder_body)
        c.sender_body_id = c.holder_body_id
        c.holder_body = superior
        c.handler = None
        return {"reasons": reasons, "to_body": superior.name}

    return transition(
        "request_review", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def _decide_stage(name: str, *, case, actor, decision: str, opinion: str, expected_version):
    if decision not in workflow.DECISIONS:
        raise InvalidInput(
            _("Choose the opinion: supported, explained or not supported"),
            fields={"decision": [_("Choose the opinion")]},
        )
    opinion = require_text(opinion, "opinion", _("Enter the opinion"))

    def apply(c: Case, day):
        c.decision = decision
        stage = "review" if name == "decide_review" else "rereview"
        c.decision_detail = {
            **c.decision_detail,
            stage: {"decision": decision, "opinion": opinion, "by": c.holder_body_id},
        }
        c.rating = ""
        return {"decision": decision}

    return transition(name, case=case, actor=actor, expected_version=expected_version, apply=apply)


@performs("decide_review")
def decide_review(
    *, case, actor, decision: str, opinion: str, expected_version: int | None = None
) -> Case:
    return _decide_stage(
        "decide_review",
        case=case,
        actor=actor,
        decision=decision,
        opinion=opinion,
        expected_version=expected_version,
    )


@performs("request_rereview")
def request_rereview(*, case, actor, reasons: str, expected_version: int | None = None) -> Case:
    """Re-review by the superior of the reviewing body, within 30 days (W36)."""
    reasons = require_text(reasons, "reasons", _("Give the reason for asking for re-review"))

    def apply(c: Case, day):
        superior = _superior_of(c.holder_body)
        c.sender_body_id = c.holder_body_id
        c.holder_body = superior
        c.handler = None
        return {"reasons": reasons, "to_body": superior.name}

    return transition(
        "request_rereview", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


def _pausable_periods() -> list[str]:
    """The periods that do not count hearing time: only where the law says so (W36,
    re-review); handling (W31) and review (W35) keep counting."""
    return [key for key, period in periods().items() if period.pausable]


@performs("start_hearing")
def start_hearing(
    *,
    case,
    actor,
    held_on,
    place: str,
    host: str,
    panel: str,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Call a hearing (W31, W35, W36) with its 听证通知书: date, place, host and panel (lawyers,
    deputies, neighbours, with their roles). Hearing time does not count against the re-review
    period (W36): that clock pauses; no other does."""
    place = require_text(place, "place", _("Enter the place of the hearing"))
    host = require_text(host, "host", _("Enter who hosts the hearing"))
    panel = require_text(panel, "panel", _("Name the members of the hearing panel"))
    if held_on is None:
        raise InvalidInput(
            _("Enter the hearing date"), fields={"held_on": [_("Enter the hearing date")]}
        )
    members = [line.strip() for line in panel.splitlines() if line.strip()]

    def apply(c: Case, day):
        if held_on < day:
            message = _("The date may not be before today")
            raise InvalidInput(message, fields={"held_on": [message]})
        paused = pause_clocks(c, _pausable_periods(), day)
        c.hearing_active = True
        hearing = {
            "stage": c.state,
            "held_on": held_on.isoformat(),
            "place": place,
            "host": host,
            "panel": members,
        }
        c.decision_detail = {**c.decision_detail, "hearing": hearing}
        return {**hearing, "note": note, "paused": paused}

    return transition(
        "start_hearing", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("end_hearing")
def end_hearing(
    *, case, actor, minutes: str, conclusion: str, expected_version: int | None = None
) -> Case:
    """The minutes and the conclusion of the hearing, kept on the case for the decision."""
    minutes = require_text(minutes, "minutes", _("Enter the minutes of the hearing"))
    conclusion = require_text(conclusion, "conclusion", _("Enter the conclusion of the hearing"))
    configured = periods()

    def apply(c: Case, day):
        resumed = resume_clocks(c, day, work_calendar(), configured)
        c.hearing_active = False
        hearing = {**c.decision_detail.get("hearing", {}), "conclusion": conclusion}
        c.decision_detail = {**c.decision_detail, "hearing": hearing}
        out = {"minutes": minutes, "conclusion": conclusion}
        if "rereview_decide" in resumed:
            out.update(resumed["rereview_decide"])
        elif resumed:
            out.update(next(iter(resumed.values())))
        return out

    return transition(
        "end_hearing", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("decide_rereview")
def decide_rereview(
    *, case, actor, decision: str, opinion: str, expected_version: int | None = None
) -> Case:
    """After re-review the matter is final (W36)."""
    return _decide_stage(
        "decide_rereview",
        case=case,
        actor=actor,
        decision=decision,
        opinion=opinion,
        expected_version=expected_version,
    )


@performs("close")
def close(*, case, actor, note: str = "", expected_version: int | None = None) -> Case:
    return transition(
        "close",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=lambda c, d: {"note": note},
    )

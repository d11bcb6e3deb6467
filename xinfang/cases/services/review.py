"""After the reply: rating, review and re-review, hearings, closing (W22, W35, W36)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xinfang.core.errors import (
    InvalidInput,
)
from xinfang.core.selectors import work_calendar
from xinfang.orgs.models import Body

from .. import deadlines, workflow
from ..models import Case, Clock
from ..selectors import periods
from .clocks import recompute, running_clock
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


@performs("start_hearing")
def start_hearing(*, case, actor, note: str = "", expected_version: int | None = None) -> Case:
    """Hearing time does not count against the re-review period (W36): its clock pauses."""

    def apply(c: Case, day):
        clock = running_clock(c, "rereview_decide")
        clock.status = Clock.PAUSED
        clock.paused_since = day
        clock.save(update_fields=["status", "paused_since"])
        c.hearing_active = True
        return {"note": note}

    return transition(
        "start_hearing", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("end_hearing")
def end_hearing(*, case, actor, note: str = "", expected_version: int | None = None) -> Case:
    configured = periods()

    def apply(c: Case, day):
        clock = running_clock(c, "rereview_decide")
        cal = work_calendar()
        period = configured["rereview_decide"].with_settings(days=clock.days, unit=clock.unit)
        added = deadlines.paused_units(period, clock.paused_since or day, day, cal)
        clock.paused_days += added
        clock.paused_since = None
        clock.status = Clock.RUNNING
        recompute(clock, cal, configured)
        clock.save(update_fields=["paused_days", "paused_since", "status", "due_on"])
        c.hearing_active = False
        return {"note": note, "paused_days": added, "new_due": clock.due_on.isoformat()}

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

"""Handling: mediation, extension, the drafted decision and its sign-off, co-handling (W24, W32-W34)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from xinfang.core.articles import with_article
from xinfang.core.errors import (
    InvalidInput,
    PermissionDenied,
)
from xinfang.core.selectors import work_calendar
from xinfang.core.timeutil import now
from xinfang.orgs.models import Body, BodyKind

from .. import deadlines, workflow
from ..access import bodies_where
from ..models import Case
from ..selectors import periods
from .clocks import extend_clock
from .engine import Note, performs, require_text, transition
from .routing import body_or_error


@performs("mediate")
def mediate(*, case, actor, agreement: str, expected_version: int | None = None) -> Case:
    agreement = require_text(agreement, "agreement", _("Enter the mediation agreement"))

    def apply(c: Case, day):
        c.decision_detail = {**c.decision_detail, "mediation_agreement": agreement}
        return {"agreement": agreement}

    return transition(
        "mediate", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("request_extension")
def request_extension(
    *, case, actor, days: int, reason: str, expected_version: int | None = None
) -> Case:
    reason = require_text(reason, "reason", _("Give the reason for the extension"))
    handle = periods()["handle"]

    def apply(c: Case, day):
        deadlines.check_extension(handle, days, already_extended=c.extension_used)
        c.extension_requested = True
        c.decision_detail = {
            **c.decision_detail,
            "extension_request": {"days": days, "reason": reason},
        }
        return {"days": days, "reason": reason}

    return transition(
        "request_extension", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("extend")
def extend(
    *, case, actor, days: int | None = None, reason: str = "", expected_version: int | None = None
) -> Case:
    """The head approves one extension of at most 30 days; the petitioner is told why (W34)."""
    configured = periods()

    def apply(c: Case, day):
        request = c.decision_detail.get("extension_request", {})
        n = days if days is not None else request.get("days", 0)
        why = reason or request.get("reason", "")
        deadlines.check_extension(configured["handle"], n, already_extended=c.extension_used)
        clock = extend_clock(c, "handle", n, work_calendar(), configured)
        c.extension_used = True
        c.extension_requested = False
        return {"days": n, "reason": why, "new_due": clock.due_on.isoformat()}

    return transition(
        "extend",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=reason or Note(gettext_noop("The handling period has been extended")),
    )


@performs("refuse_extension")
def refuse_extension(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    """The head turns down the handler's extension request; the 60-day limit stands (W34)."""
    reason = require_text(reason, "reason", _("Give the reason for refusing the extension"))

    def apply(c: Case, day):
        c.extension_requested = False
        c.decision_detail = {k: v for k, v in c.decision_detail.items() if k != "extension_request"}
        return {"reason": reason}

    return transition(
        "refuse_extension", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("decide")
def decide(
    *,
    case,
    actor,
    decision: str,
    facts: str,
    reasons: str,
    basis: str = "",
    request: str = "",
    expected_version: int | None = None,
) -> Case:
    """Draft the written decision: request, facts, reasons, decision and legal basis (W32)."""
    if decision not in workflow.DECISIONS:
        raise InvalidInput(
            _("Choose the decision: supported, explained or not supported"),
            fields={"decision": [_("Choose the decision")]},
        )
    facts = require_text(facts, "facts", _("Enter the facts found"))
    reasons = require_text(reasons, "reasons", _("Enter the grounds"))

    def apply(c: Case, day):
        c.decision = decision
        c.decision_detail = {
            **c.decision_detail,
            "request": request or c.title,
            "facts": facts,
            "reasons": reasons,
            "basis": basis,
        }
        return {"decision": decision}

    return transition(
        "decide", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("return_draft")
def return_draft(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    reason = require_text(reason, "reason", _("Say what should be changed"))
    return transition(
        "return_draft",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=lambda c, d: {"reason": reason},
    )


@performs("reply")
def reply(*, case, actor, expected_version: int | None = None) -> Case:
    """The head signs off the written reply (信访处理意见书); review and rating windows open."""

    def apply(c: Case, day):
        c.decision_detail = {
            **c.decision_detail,
            "decided_by": c.holder_body_id,
            "replied_on": day.isoformat(),
        }
        return {"decision": c.decision}

    return transition(
        "reply",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=Note(gettext_noop("A written handling opinion has been issued")),
    )


def _co_body_check(case: Case, body: Body) -> None:
    errors = None
    if case.accused_body_id and body.pk == case.accused_body_id:
        # W30, W46: the accused body never handles, nor sees, the report.
        errors = _("A report may not be co-handled by the body it accuses")
    elif case.content_type == "report" and body.kind != BodyKind.DISCIPLINE:
        errors = with_article(
            _(
                "Only discipline inspection bodies may co-handle a report of misconduct (%(article)s)"
            ),
            "W22, W28",
        )
    elif body.pk == case.holder_body_id:
        errors = _("The lead body cannot also be a co-handling body")
    elif case.co_handlers.filter(body=body).exists():
        errors = _("That body is already co-handling")
    if errors:
        raise InvalidInput(errors, code="bad_co_handler", fields={"body": [errors]})


@performs("add_co_handler")
def add_co_handler(
    *, case, actor, body: Body, part: str, expected_version: int | None = None
) -> Case:
    """Joint handling: the lead (holder) body, or the petition office over it, brings in another
    body for its own part of the matter (W24)."""
    from ..models import CoHandler

    target = body_or_error(body)
    part = require_text(part, "part", _("Say what the co-handling body is responsible for"))

    def apply(c: Case, day):
        _co_body_check(c, target)
        CoHandler.objects.create(case=c, body=target, part=part)
        return {"body": target.name, "part": part}

    return transition(
        "add_co_handler", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("answer_co_handling")
def answer_co_handling(*, case, actor, answer: str, expected_version: int | None = None) -> Case:
    """A co-handling body reports on its part; a later answer replaces the earlier one (W24)."""
    from ..models import CoHandler

    answer = require_text(answer, "answer", _("Enter the co-handling answer"))

    def apply(c: Case, day):
        own = bodies_where(actor, workflow.BODY_STAFF)
        row = CoHandler.objects.filter(case=c, body_id__in=own).select_related("body").first()
        if row is None:
            raise PermissionDenied(_("Your body is not co-handling this case"))
        row.answer = answer
        row.answered_at = now()
        row.save(update_fields=["answer", "answered_at"])
        return {"body": row.body.name, "answer": answer}

    return transition(
        "answer_co_handling", case=case, actor=actor, expected_version=expected_version, apply=apply
    )

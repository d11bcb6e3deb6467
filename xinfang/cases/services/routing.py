"""Sorting and routing: transfer, assign, jurisdiction objections, acceptance or not (W22-W24, W31, W36)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from xinfang.core.articles import with_article
from xinfang.core.errors import (
    InvalidInput,
)
from xinfang.orgs.models import Body, BodyKind

from .. import workflow
from ..access import has_recused, is_protected_from
from ..models import Case
from .engine import Note, append_event, performs, require_text, transition

W = workflow.S


def body_or_error(body: Body | None, field_name: str = "body") -> Body:
    if body is None or not body.is_active:
        raise InvalidInput(
            _("Choose a valid body"), fields={field_name: [_("Choose a valid body")]}
        )
    return body


def _check_target(case: Case, target: Body) -> None:
    if case.accused_body_id and target.pk == case.accused_body_id:
        # W30, W46: a report never goes to the body it accuses.
        raise InvalidInput(
            _("A report may not go to the body it accuses"),
            code="protected_target",
            fields={"body": [_("A report may not go to the body it accuses")]},
        )
    if case.content_type == "report" and target.kind != BodyKind.DISCIPLINE:
        raise InvalidInput(
            with_article(
                _("A report of misconduct goes to a discipline inspection body (%(article)s)"),
                "W22, W28",
            ),
            fields={"body": [_("A report of misconduct goes to a discipline inspection body")]},
        )
    if target.pk == case.holder_body_id:
        raise InvalidInput(
            _("The case cannot be sent to the body that holds it"),
            fields={"body": [_("The case cannot be sent to the body that holds it")]},
        )


def _route(
    name: str,
    *,
    case,
    actor,
    body: Body,
    note: str,
    expected_version,
    report_due: dt.date | None = None,
) -> Case:
    target = body_or_error(body)

    def apply(c: Case, day: dt.date):
        _check_target(c, target)
        c.sender_body_id = c.holder_body_id
        c.holder_body = target
        c.handler = None
        out = {"to_body": target.name, "note": note}
        if report_due:
            out["report_due"] = report_due.isoformat()
        return out

    due = {"result_report": report_due} if report_due else None
    return transition(
        name,
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        clock_due=due,
        citizen_note=Note(gettext_noop("Forwarded to %(body)s for handling"), body=target.name),
    )


@performs("transfer")
def transfer(
    *, case, actor, body: Body, note: str = "", expected_version: int | None = None
) -> Case:
    """转送 to the responsible body (W22)."""
    return _route(
        "transfer", case=case, actor=actor, body=body, note=note, expected_version=expected_version
    )


@performs("assign")
def assign(
    *,
    case,
    actor,
    body: Body,
    report_due: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """交办 with a required result report by a date the office sets (W22)."""
    return _route(
        "assign",
        case=case,
        actor=actor,
        body=body,
        note=note,
        expected_version=expected_version,
        report_due=report_due,
    )


@performs("object_remit")
def object_remit(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    reason = require_text(reason, "reason", _("Explain why this is not your body's responsibility"))
    return transition(
        "object_remit",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=lambda c, d: {"reason": reason},
    )


@performs("agree_return")
def agree_return(*, case, actor, note: str = "", expected_version: int | None = None) -> Case:
    def apply(c: Case, day):
        returned_from = c.holder_body.name
        c.holder_body_id = c.sender_body_id
        c.sender_body = None
        c.handler = None
        return {"returned_from": returned_from, "note": note}

    return transition(
        "agree_return", case=case, actor=actor, expected_version=expected_version, apply=apply
    )


@performs("reject_objection")
def reject_objection(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    reason = require_text(reason, "reason", _("Explain why you refuse to take it back"))
    return transition(
        "reject_objection",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=lambda c, d: {"reason": reason},
    )


@performs("accept")
def accept(
    *, case, actor, handler=None, note: str = "", expected_version: int | None = None
) -> Case:
    """受理 into the petition procedure; the 60-day clock starts (W23, W31, W34)."""

    def apply(c: Case, day):
        if handler is not None and has_recused(handler, c):
            message = _("That member of staff has recused themselves from this case")
            raise InvalidInput(message, fields={"handler": [message]})
        c.handler = handler or (actor if getattr(actor, "is_authenticated", False) else None)
        return {"note": note}

    return transition(
        "accept",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=Note(gettext_noop("Your petition has been accepted")),
    )


@performs("decline")
def decline(*, case, actor, reason: str, expected_version: int | None = None) -> Case:
    reason = require_text(reason, "reason", _("Give the reason for not accepting"))
    return transition(
        "decline",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=lambda c, d: {"reason": reason},
        citizen_note=reason,
    )


@performs("not_reaccept")
def not_reaccept(
    *, case, actor, reason: str, final_case: str = "", expected_version: int | None = None
) -> Case:
    """不再受理: the same facts and reasons after a re-review (W36)."""
    reason = require_text(reason, "reason", _("Give the reason for not accepting again"))

    def apply(c: Case, day):
        if final_case:
            prior = Case.objects.filter(number=final_case).first()
            if prior is not None and is_protected_from(actor, prior):
                prior = None  # a report hidden from the actor answers as if it did not exist
            if prior is None or prior.state not in (W.FINAL, W.CLOSED):
                raise InvalidInput(
                    _("The case referred to has not been finally decided on re-review"),
                    fields={
                        "final_case": [
                            _("The case referred to has not been finally decided on re-review")
                        ]
                    },
                )
        return {"reason": reason, "final_case": final_case}

    return transition(
        "not_reaccept",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=reason,
    )


@performs("redirect_to_legal_channel")
def redirect_to_legal_channel(
    *, case, actor, legal_channel: str, reason: str = "", expected_version: int | None = None
) -> Case:
    """申诉求决 with a statutory channel goes there, not into the petition procedure (W31)."""
    if legal_channel not in workflow.LEGAL_CHANNELS:
        raise InvalidInput(
            _("Choose a statutory channel"),
            fields={"legal_channel": [_("Choose a statutory channel")]},
        )

    def apply(c: Case, day):
        c.legal_channel = legal_channel
        return {"legal_channel": legal_channel, "reason": reason}

    return transition(
        "redirect_to_legal_channel",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=Note(
            gettext_noop("Please pursue it through %(route)s as the law provides"),
            route=legal_channel,
        ),
    )


@performs("merge_repeat")
def merge_repeat(
    *, case, actor, into: str, reason: str = "", expected_version: int | None = None
) -> Case:
    """Link a repeat to the open case it repeats; both timelines record it (never a silent drop)."""

    def apply(c: Case, day):
        target = Case.objects.select_for_update().filter(number=into).first()
        # A report stays invisible to the body it accuses, also as a merge target (W30, W46).
        if target is None or target.pk == c.pk or is_protected_from(actor, target):
            raise InvalidInput(
                _("Enter the number of the case this repeats"),
                fields={"into": [_("Enter the number of the case this repeats")]},
            )
        if not target.is_open:
            raise InvalidInput(
                _("The repeated case is closed; handle this as a new case"),
                fields={"into": [_("The repeated case is closed")]},
            )
        c.repeat_of = target
        append_event(
            target,
            kind="repeat_merged",
            actor=actor,
            from_state=target.state,
            to_state=target.state,
            extra={"repeat": c.number, "reason": reason},
            citizen_visible=False,
        )
        target.save(update_fields=["event_count", "audit_head"])
        return {"into": target.number, "reason": reason}

    return transition(
        "merge_repeat",
        case=case,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        citizen_note=Note(gettext_noop("Handled together with case %(number)s"), number=into),
    )
